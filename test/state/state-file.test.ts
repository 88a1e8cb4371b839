// The schema of `<name>/state.json`: what the engine writes is read back as it was; anything else is one
// StateFileError naming the file, the branch, the field, and the repair.
import { describe, expect, it } from 'vitest';
import {
  checkPhases,
  initialRolloutState,
  parseStateFile,
  StateFileError,
  type RolloutState,
  type StateFileLocation,
} from '../../src/state/index.js';
import { fieldPath } from '../../src/state/state-file.js';

const AT: StateFileLocation = {
  rollout: 'byok',
  branch: 'rollouts-state',
  ref: 'rollouts-state',
  commit: 'a'.repeat(40),
};
const T = '2026-01-01T00:00:00.000Z';

/** Every field the engine writes, as it writes them. */
const FULL: RolloutState = {
  name: 'byok',
  applied: 'full',
  status: 'holding',
  enteredBy: 'b'.repeat(40),
  step: null,
  progress: {
    'full/apply/backfill': { done: true, batches: 3, items: 21, cursor: null, startedAt: T, finishedAt: T },
    'canary/rollback/undo': { done: false, batches: 1, items: 7, cursor: { after: 'org_7' }, startedAt: T },
  },
  gate: {
    phase: 'full',
    startedAt: T,
    passesAt: '2026-01-01T01:00:00.000Z',
    samples: [
      {
        check: 'probe',
        at: T,
        outcome: 'pass',
        value: 200,
        severity: 'critical',
        durationMs: 12,
        detail: { status: 200 },
      },
      { check: 'rate', at: T, outcome: 'error', value: null, severity: 'high', durationMs: 5000, error: 'timed out' },
    ],
    baseline: { rate: 0.01 },
  },
  cohorts: { canary: { ids: ['org_1'], added: ['org_1'] }, full: { ids: null, added: null, percent: 100 } },
  generation: { canary: 1, full: 2 },
  failure: null,
  hold: { desired: 'full', reason: 'emergency rollback to canary' },
  rollbackTo: null,
  lease: { holder: { host: 'runner-1', pid: 4242, runId: '99/1', startedAt: T }, expiresAt: T },
  updatedAt: T,
};

function problem(text: string): StateFileError {
  try {
    parseStateFile(text, AT);
  } catch (err) {
    if (err instanceof StateFileError) return err;
    throw err;
  }
  throw new Error('parsed without a problem');
}

const withChange = (change: (s: Record<string, unknown>) => void) => {
  const s = structuredClone(FULL) as unknown as Record<string, unknown>;
  change(s);
  return JSON.stringify(s);
};

describe('parseStateFile', () => {
  it('reads back every field the engine writes, unchanged', () => {
    expect(parseStateFile(JSON.stringify(FULL, null, 2), AT)).toEqual(FULL);
    const fresh = initialRolloutState('byok', new Date(T));
    expect(parseStateFile(JSON.stringify(fresh), AT)).toEqual(fresh);
  });

  it('accepts times with an offset, as a person may write them', () => {
    expect(
      parseStateFile(
        withChange((s) => (s.updatedAt = '2026-01-01T02:00:00+02:00')),
        AT,
      ).updatedAt,
    ).toBe('2026-01-01T02:00:00+02:00');
  });

  it('names the file, the branch and the commit, and says how to repair', () => {
    const err = problem('{"name": "byok",');
    expect(err.field).toBeNull();
    expect(err.message).toMatch(/^byok\/state\.json on branch rollouts-state \(commit a{12}\): is not valid JSON \(/);
    expect(err.message).toContain('Nothing runs for byok until it is repaired');
    expect(err.message).toContain('`git show rollouts-state:byok/state.json`');
    expect(err.message).toContain('`git log -p rollouts-state -- byok/state.json`');
    expect(err.message).toMatch(/commit the fixed file to rollouts-state\.$/);
  });

  it('with a remote, names the remote-tracking ref and asks for a push', () => {
    const at = { ...AT, remote: 'origin', ref: 'origin/rollouts-state' };
    let err: unknown;
    try {
      parseStateFile('[]', at);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toContain('on branch rollouts-state of origin');
    expect((err as Error).message).toContain('`git show origin/rollouts-state:byok/state.json`');
    expect((err as Error).message).toMatch(/and push it to origin\.$/);
  });

  const cases: [string, (s: Record<string, unknown>) => unknown, string, RegExp][] = [
    ['a status it does not know', (s) => (s.status = 'done'), 'status', /found "done"/],
    [
      'a lease expiry that is not a time',
      (s) => ((s.lease as { expiresAt: string }).expiresAt = 'soon'),
      'lease.expiresAt',
      /expected an ISO time.*found "soon"/,
    ],
    [
      'a pid that is not a number',
      (s) => ((s.lease as { holder: { pid: unknown } }).holder.pid = '42'),
      'lease.holder.pid',
      /expected number, received string/,
    ],
    [
      'a negative batch count',
      (s) => ((s.progress as Record<string, { batches: number }>)['full/apply/backfill']!.batches = -1),
      'progress["full/apply/backfill"].batches',
      /found -1/,
    ],
    [
      'a sample outcome it does not know',
      (s) => ((s.gate as { samples: { outcome: string }[] }).samples[1]!.outcome = 'maybe'),
      'gate.samples[1].outcome',
      /found "maybe"/,
    ],
    ['applied of the wrong type', (s) => (s.applied = 2), 'applied', /expected string, received number/],
    ['a missing updatedAt', (s) => delete s.updatedAt, 'updatedAt', /found nothing/],
    ['a field it does not know', (s) => (s.owner = 'me'), 'owner', /unknown field \(written by a newer version/],
    [
      'a nested field it does not know',
      (s) => ((s.hold as Record<string, unknown>).until = T),
      'hold.until',
      /unknown field/,
    ],
  ];
  it.each(cases)('rejects %s, naming the field', (_, change, field, message) => {
    const err = problem(withChange(change));
    expect(err.field).toBe(field);
    expect(err.message).toContain(`field \`${field}\`: `);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`fix \`${field}\``);
  });

  it('rejects a file whose name is another rollout', () => {
    const err = problem(withChange((s) => (s.name = 'other')));
    expect(err.field).toBe('name');
    expect(err.message).toContain(`names rollout "other", but the file is byok's`);
  });

  it('quotes only a short excerpt of what it found', () => {
    const err = problem(withChange((s) => (s.status = 'x'.repeat(5000))));
    expect(err.message.length).toBeLessThan(800);
    expect(err.message).toContain('...');
  });
});

describe('checkPhases', () => {
  const phases = ['canary', 'full'];
  const fits = (change: (s: RolloutState) => unknown) => {
    const s = structuredClone(FULL);
    change(s);
    return () => checkPhases(s, phases, AT);
  };

  it("accepts a state whose phases are the manifest's", () => {
    expect(fits(() => undefined)).not.toThrow();
    expect(fits((s) => Object.assign(s, { applied: 'none', status: 'rolled-back', gate: null }))).not.toThrow();
    expect(fits((s) => Object.assign(s, { status: 'rolling-back', gate: null, rollbackTo: 'none' }))).not.toThrow();
  });

  it('rejects an applied phase the manifest does not have, offering to restore its name', () => {
    expect(fits((s) => Object.assign(s, { applied: 'pilot', gate: null, status: 'healthy' }))).toThrow(
      /field `applied`: "pilot" is not a phase of the manifest of byok \(its phases: none, canary, full\): the phase was renamed or removed.*give the phase its old name again in the manifest .*; or look at the file with/,
    );
  });

  const cases: [string, (s: RolloutState) => unknown, string][] = [
    [
      'a rollback target it does not have',
      (s) => Object.assign(s, { status: 'rolling-back', gate: null, rollbackTo: 'pilot' }),
      'rollbackTo',
    ],
    ['the gate of another phase', (s) => void (s.gate!.phase = 'canary'), 'gate.phase'],
    ['a holding status without a gate', (s) => void (s.gate = null), 'gate'],
    [
      'a healthy status with nothing applied',
      (s) => Object.assign(s, { applied: 'none', gate: null, status: 'healthy' }),
      'applied',
    ],
    [
      'a failed step with nothing applied',
      (s: RolloutState) =>
        Object.assign(s, {
          applied: 'none',
          gate: null,
          status: 'failed',
          failure: { phase: 'canary', step: 'x', reason: 'r', at: T },
        }),
      'applied',
    ],
  ];
  it.each(cases)('rejects %s', (_, change, field) => {
    expect(fits(change)).toThrow(`field \`${field}\``);
  });
});

describe('fieldPath', () => {
  it('writes paths as a person reads them', () => {
    expect(fieldPath(['lease', 'expiresAt'])).toBe('lease.expiresAt');
    expect(fieldPath(['gate', 'samples', 3, 'at'])).toBe('gate.samples[3].at');
    expect(fieldPath(['progress', 'full/apply/backfill', 'batches'])).toBe('progress["full/apply/backfill"].batches');
    expect(fieldPath([])).toBe('');
  });
});
