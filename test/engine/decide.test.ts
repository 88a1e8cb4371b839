// The state machine of DESIGN §4, as the pure `decide`: from a rollout's manifest and state, what one pass does.
import { describe, expect, it } from 'vitest';
import { parseManifest, type Manifest } from '../../src/manifest/index.js';
import { decide, needsWork } from '../../src/engine/reconcile.js';
import { controlPlan } from '../../src/engine/controls.js';
import type { RolloutState } from '../../src/state/index.js';

const T = '2026-01-01T00:00:00.000Z';

function manifest(phase: string): Manifest {
  const text = `apiVersion: rollouts/v1
kind: Rollout
name: demo
phase: ${phase}
phases:
  - name: canary
    steps: [{ name: a, run: [./a] }]
  - name: limited
    steps: [{ name: b, run: [./b] }]
  - name: full
    steps: [{ name: c, run: [./c] }]
`;
  const { manifest: m, issues } = parseManifest('rollouts/demo.yaml', text);
  if (!m) throw new Error(JSON.stringify(issues));
  return m;
}

const gate = (phase: string) => ({ phase, startedAt: T, passesAt: T, samples: [] });
const state = (applied: string, status: RolloutState['status'], extra: Partial<RolloutState> = {}): RolloutState => ({
  name: 'demo',
  applied,
  status,
  updatedAt: T,
  ...(status === 'holding' ? { gate: gate(applied) } : {}),
  ...extra,
});

/** The decision as a short label: `apply limited`, `roll-back none`, `sample`, ... */
function label(desired: string, s: RolloutState | null): string {
  const d = decide(manifest(desired), s);
  const what =
    d.action === 'apply' ? `apply ${d.phase.name}` : d.action === 'roll-back' ? `roll-back ${d.to}` : d.action;
  return d.clearHold ? `clear-hold, ${what}` : what;
}

describe('decide', () => {
  it('applies the first phase of a rollout never applied, and does nothing while its phase is none', () => {
    expect(label('canary', null)).toBe('apply canary');
    expect(label('full', null)).toBe('apply canary');
    expect(label('none', null)).toBe('none');
  });

  it('applies the next phase, one a pass, only once the applied one is healthy', () => {
    expect(label('full', state('canary', 'healthy'))).toBe('apply limited');
    expect(label('limited', state('canary', 'rolled-back'))).toBe('apply limited');
    expect(label('full', state('canary', 'holding'))).toBe('sample');
    expect(label('full', state('canary', 'paused', { gate: gate('canary') }))).toBe('none');
    expect(label('full', state('canary', 'failed', { gate: gate('canary') }))).toBe('none');
  });

  it('samples a holding gate, and leaves a settled rollout alone', () => {
    expect(label('canary', state('canary', 'holding'))).toBe('sample');
    expect(label('canary', state('canary', 'healthy'))).toBe('none');
    expect(label('full', state('full', 'complete'))).toBe('none');
  });

  it('resumes an interrupted or failed phase before anything else', () => {
    expect(label('full', state('canary', 'applying'))).toBe('apply canary');
    const failedStep = { failure: { phase: 'canary', step: 'a', reason: 'HTTP 500', at: T } };
    expect(label('canary', state('canary', 'failed', failedStep))).toBe('apply canary');
  });

  it('leaves a step its throttle stopped failed, as a failed gate, until rolled back or retried', () => {
    const stopped = state('canary', 'failed', {
      failure: { phase: 'canary', step: 'a', severity: 'critical', reason: 'probe failed', at: T },
    });
    expect(label('canary', stopped)).toBe('none');
    expect(needsWork(manifest('canary'), stopped)).toBe(false);
    expect(label('none', stopped)).toBe('roll-back none');
    // `rollouts retry` resumes it from its checkpoint (the step's failure, without the severity that stopped it).
    expect(controlPlan('retry', manifest('canary'), stopped)).toEqual({ reopenGate: false });
  });

  it('rolls back to the desired phase when it is below the applied one, whatever the status', () => {
    expect(label('canary', state('full', 'holding'))).toBe('roll-back canary');
    expect(label('none', state('limited', 'applying'))).toBe('roll-back none');
    expect(label('none', state('canary', 'failed', { gate: gate('canary') }))).toBe('roll-back none');
  });

  it('resumes a rollback to its recorded target, unless the desired phase is now lower', () => {
    expect(label('full', state('limited', 'rolling-back', { rollbackTo: 'canary' }))).toBe('roll-back canary');
    expect(label('none', state('limited', 'rolling-back', { rollbackTo: 'canary' }))).toBe('roll-back none');
  });

  it('holds after an emergency rollback while the manifest asks for the phase rolled back', () => {
    const hold = { desired: 'full', reason: 'emergency rollback to canary' };
    const held = state('canary', 'rolled-back', { hold });
    expect(label('full', held)).toBe('blocked');
    expect(needsWork(manifest('full'), held)).toBe(false);
    expect(label('limited', held)).toBe('clear-hold, apply limited');
    expect(label('canary', held)).toBe('clear-hold, none');
    expect(needsWork(manifest('canary'), held)).toBe(true);
  });
});

describe('decide on a gate', () => {
  const gated = (gate: string): Manifest => {
    const { manifest: m, issues } = parseManifest(
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
    gate: ${gate}
  - name: full
    steps: [{ name: c, run: [./c] }]
`,
    );
    if (!m) throw new Error(JSON.stringify(issues));
    return m;
  };
  const sample = {
    check: 'probe',
    at: T,
    outcome: 'pass' as const,
    value: 1,
    severity: 'critical' as const,
    durationMs: 1,
  };
  const holding = state('canary', 'holding', { gate: { ...gate('canary'), samples: [sample] } });
  const at = (iso: string) => new Date(iso);

  it('leaves a holding gate alone while no sample is due, and samples it once one is', () => {
    const m = gated('{ hold: 1h, every: 5m, checks: [probe] }');
    expect(decide(m, holding, at('2026-01-01T00:01:00.000Z')).action).toBe('none');
    expect(needsWork(m, holding, at('2026-01-01T00:01:00.000Z'))).toBe(false);
    expect(decide(m, holding, at('2026-01-01T00:05:00.000Z')).action).toBe('sample');
  });

  it('acts on a gate whose hold has elapsed though no sample is due', () => {
    const m = gated('{ hold: 1m, every: 5m, checks: [probe] }');
    expect(decide(m, holding, at('2026-01-01T00:02:00.000Z')).action).toBe('sample');
  });
});
