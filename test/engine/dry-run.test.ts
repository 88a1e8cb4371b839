// `apply --dry-run`'s view, pure: from a manifest and a state, what the pass would do and with which steps.
import { describe, expect, it } from 'vitest';
import { dryRunOf } from '../../src/engine/dry-run.js';
import { parseManifest, type Manifest } from '../../src/manifest/index.js';
import type { RolloutState } from '../../src/state/index.js';

const T = '2026-01-01T00:00:00.000Z';

function manifest(phase: string): Manifest {
  const text = `apiVersion: rollouts/v1
kind: Rollout
name: demo
phase: ${phase}
checks:
  up: { http: { url: "http://127.0.0.1:9/up" } }
phases:
  - name: canary
    cohort: { ids: [a, b] }
    steps: [{ name: s1, run: [./s1] }, { name: s2, run: [./s2] }, { name: s3, run: [./s3] }]
    gate: { hold: 1h, every: 5m, checks: [up] }
  - name: full
    steps: [{ name: all, run: [./all] }]
rollback: [{ name: undo, run: [./undo] }]
verify: [{ name: check, http: { url: "http://127.0.0.1:9/ok" } }]
`;
  const { manifest: m, issues } = parseManifest('rollouts/demo.yaml', text);
  if (!m) throw new Error(JSON.stringify(issues));
  return m;
}

const state = (applied: string, status: RolloutState['status'], extra: Partial<RolloutState> = {}): RolloutState => ({
  name: 'demo',
  applied,
  status,
  updatedAt: T,
  ...extra,
});

describe('dryRunOf', () => {
  it('resumes a phase failed in its steps from the failed step', () => {
    const s = state('canary', 'failed', { failure: { phase: 'canary', step: 's2', reason: 'HTTP 500', at: T } });
    expect(dryRunOf(manifest('canary'), s)).toMatchObject({
      action: 'resume',
      phases: [{ phase: 'canary', steps: ['s2', 's3'], cohort: '2 ids (a, b)' }],
      message: 'from step s2, at its checkpoint',
    });
  });

  it('samples a gate whose sample is due, naming the gate', () => {
    const s = state('canary', 'holding', { gate: { phase: 'canary', startedAt: T, passesAt: T, samples: [] } });
    expect(dryRunOf(manifest('canary'), s, new Date(T))).toMatchObject({
      action: 'sample',
      gate: `hold 1h, checks up every 5m, failureLimit 0; passes at ${T}`,
    });
  });

  it('rolls back every applied phase above the desired one, highest first, then verifies', () => {
    expect(dryRunOf(manifest('none'), state('full', 'complete'))).toMatchObject({
      action: 'roll-back',
      phases: [
        { phase: 'full', steps: ['undo'], cohort: 'everyone' },
        { phase: 'canary', steps: ['undo'], cohort: '2 ids (a, b)' },
      ],
      verify: ['check'],
    });
  });

  it('says nothing is to do once complete', () => {
    expect(dryRunOf(manifest('full'), state('full', 'complete'))).toMatchObject({ action: 'none', phases: [] });
  });
});
