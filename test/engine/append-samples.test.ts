// state.json keeps each check's last GATE_SAMPLES_KEPT samples of an open gate and a tally of the rest.
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/index.js';
import { appendSamples, GATE_SAMPLES_KEPT } from '../../src/engine/gate.js';
import type { GateSample, GateState } from '../../src/state/index.js';

const { manifest: m } = parseManifest(
  'rollouts/demo.yaml',
  `apiVersion: rollouts/v1
kind: Rollout
name: demo
phase: canary
checks:
  probe: { http: { url: 'http://localhost/' } }
phases:
  - name: canary
    steps: [{ name: a, run: [./a] }]
    gate: { hold: 48h, every: 5m, checks: [probe], failureLimit: 100 }
`,
);

const T = Date.parse('2026-01-01T00:00:00.000Z');
const sample = (i: number): GateSample => ({
  check: 'probe',
  at: new Date(T + i * 300_000).toISOString(),
  outcome: i % 10 === 3 ? 'fail' : 'pass',
  value: 1,
  severity: 'critical',
  durationMs: 1,
});

describe('appendSamples', () => {
  it('keeps the last samples of each check and folds the older ones into the tally, 576 samples one at a time', () => {
    const gs: GateState = {
      phase: 'canary',
      startedAt: new Date(T).toISOString(),
      passesAt: new Date(T).toISOString(),
      samples: [],
    };
    for (let i = 0; i < 576; i++) appendSamples(m!, gs, [sample(i)]);
    expect(gs.samples).toHaveLength(GATE_SAMPLES_KEPT);
    expect(gs.samples.at(-1)).toEqual(sample(575));
    const kept = gs.samples.filter((s) => s.outcome === 'pass').length;
    expect(gs.tally?.probe).toMatchObject({
      samples: 576 - GATE_SAMPLES_KEPT,
      lastAt: sample(575 - GATE_SAMPLES_KEPT).at,
    });
    expect(gs.tally!.probe!.passes + kept).toBe(576 - 58);
    expect(gs.tally!.probe!.counted + (GATE_SAMPLES_KEPT - kept)).toBe(58);
  });
});
