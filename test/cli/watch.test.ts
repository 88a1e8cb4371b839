import { describe, expect, it } from 'vitest';
import { failedCanary, manifestOf, CANARY_YAML } from '../helpers/report-fixtures.js';
import { nextPassAt, settled, watchModel } from '../../src/cli/watch.js';
import type { RolloutState } from '../../src/state/index.js';

const m = manifestOf(CANARY_YAML);
const state = (over: Partial<RolloutState>): RolloutState => ({
  name: 'chat-limits',
  applied: 'canary',
  status: 'holding',
  updatedAt: '2024-01-15T10:00:00Z',
  ...over,
});

describe('when a watched rollout has settled', () => {
  it.each([
    ['holding', 'canary', 'running'],
    ['applying', 'canary', 'running'],
    ['rolling-back', 'canary', 'running'],
    ['healthy', 'canary', 'done'],
    ['failed', 'canary', 'failed'],
    ['paused', 'canary', 'failed'],
    ['rolled-back', 'canary', 'done'],
    ['healthy', 'none', 'running'], // desired canary, nothing applied yet: the next pass applies it
  ] as const)('status %s, applied %s: %s', (status, applied, expected) => {
    expect(settled(m, state({ status, applied }))).toBe(expected);
  });

  it('is done with nothing applied when nothing is desired, and running when something is', () => {
    expect(settled({ ...m, phase: 'none' }, null)).toBe('done');
    expect(settled(m, null)).toBe('running');
    expect(settled({ ...m, phase: 'limited' }, state({ status: 'healthy' }))).toBe('running');
  });
});

describe('when apply --watch runs its next pass', () => {
  const { state: failed } = failedCanary();
  const gate = failed.gate!;
  const at = (iso: string) => Date.parse(iso);

  it("at the gate's next due sample: the last one plus `every`, never sooner", () => {
    const s = state({ gate });
    // the last samples were taken at 10:40; every 5m
    expect(nextPassAt(m, s, at('2024-01-15T10:41:00Z'))).toBe(at('2024-01-15T10:45:00Z'));
    expect(nextPassAt(m, s, at('2024-01-15T10:46:00Z'))).toBe(at('2024-01-15T10:46:00Z'));
  });

  it('at once for a check not yet sampled, and at the end of the hold when that comes first', () => {
    expect(nextPassAt(m, state({ gate: { ...gate, samples: [] } }), at('2024-01-15T10:00:10Z'))).toBe(
      at('2024-01-15T10:00:10Z'),
    );
    const early = { ...gate, passesAt: '2024-01-15T10:42:00.000Z' };
    expect(nextPassAt(m, state({ gate: early }), at('2024-01-15T10:41:00Z'))).toBe(at('2024-01-15T10:42:00Z'));
  });

  it('at once when no gate is holding', () => {
    expect(nextPassAt(m, state({ status: 'applying' }), 5)).toBe(5);
  });
});

describe('the watch model', () => {
  it('prefers the live batch the engine just reported over the buffered checkpoint', () => {
    const s = state({
      applied: 'full',
      status: 'applying',
      step: 'backfill',
      progress: {
        'full/apply/backfill': { done: false, batches: 3, items: 75, cursor: 'c3', startedAt: '2024-01-15T10:00:00Z' },
      },
    });
    const model = watchModel({ ...m, phase: 'full' }, s, at0(), {
      rollout: 'chat-limits',
      phase: 'full',
      step: 'backfill',
      batches: 5,
      items: 125,
    });
    expect(model.progress).toMatchObject({ batches: 5, items: 125, startedAt: '2024-01-15T10:00:00Z' });
  });
});

function at0() {
  return Date.parse('2024-01-15T10:01:00Z');
}
