// paginate.throttle's decision and its loop between batches, pure: samples in, verdicts and looks out.
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/checks/types.js';
import {
  decideThrottle,
  Throttle,
  ThrottleStop,
  ThrottleTimeout,
  type ThrottleVerdict,
} from '../../src/engine/throttle.js';
import { StepFailure } from '../../src/engine/step.js';

function sample(check: string, outcome: Sample['outcome'], severity: Sample['severity'], why?: string): Sample {
  return {
    check,
    at: '2026-12-02T10:00:00.000Z',
    outcome,
    value: null,
    severity,
    durationMs: 1,
    ...(why ? (outcome === 'error' ? { error: why } : { reason: why }) : {}),
  };
}

describe('decideThrottle', () => {
  it('goes when every check passes (and with no checks)', () => {
    expect(decideThrottle([sample('lag', 'pass', 'medium'), sample('probe', 'pass', 'critical')], true)).toEqual({
      action: 'go',
    });
    expect(decideThrottle([], true)).toEqual({ action: 'go' });
  });

  it('holds on a failing medium or low check, naming it and why', () => {
    expect(
      decideThrottle([sample('lag', 'fail', 'medium', 'value 9 > 5'), sample('p', 'pass', 'critical')], true),
    ).toEqual({
      action: 'hold',
      holding: ['lag'],
      reason: 'lag failed (value 9 > 5)',
    });
    expect(decideThrottle([sample('noise', 'fail', 'low')], true)).toMatchObject({
      action: 'hold',
      holding: ['noise'],
    });
  });

  it('holds on an error or an inconclusive sample of any severity: no evidence is not health', () => {
    const v = decideThrottle(
      [sample('probe', 'error', 'critical', 'connection refused'), sample('lag', 'inconclusive', 'medium')],
      true,
    );
    expect(v).toEqual({
      action: 'hold',
      holding: ['probe', 'lag'],
      reason: 'probe error (connection refused); lag inconclusive',
    });
  });

  it('stops on a failing critical or high check, the worst severity first, over any hold', () => {
    const high = sample('latency', 'fail', 'high', 'p95 3s');
    const crit = sample('errors', 'fail', 'critical');
    expect(decideThrottle([sample('lag', 'fail', 'medium'), high], true)).toEqual({
      action: 'stop',
      severity: 'high',
      reason: 'latency failed (p95 3s)',
      failing: [high],
    });
    expect(decideThrottle([high, crit], true)).toMatchObject({
      action: 'stop',
      severity: 'critical',
      failing: [high, crit],
    });
  });

  it('only holds on a critical failure where it cannot stop (a rollback, a drill)', () => {
    expect(decideThrottle([sample('errors', 'fail', 'critical')], false)).toMatchObject({
      action: 'hold',
      holding: ['errors'],
    });
  });
});

/** A throttle on a fake clock whose checks answer `looks` in turn (the last repeats). */
function harness(looks: Sample[][], spec = { everyMs: 1000, maxWaitMs: 5000 }, canStop = true, pausedAt = Infinity) {
  let clock = 0;
  let n = 0;
  const recorded: { verdict: ThrottleVerdict['action']; heldMs: number; at: number }[] = [];
  const slept: number[] = [];
  const throttle = new Throttle('backfill', spec, canStop, {
    sample: async () => looks[Math.min(n++, looks.length - 1)]!,
    record: async (_s, verdict, heldMs) => void recorded.push({ verdict: verdict.action, heldMs, at: clock }),
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    pauseAsked: () => clock >= pausedAt,
  });
  return { throttle, recorded, slept, advance: (ms: number) => (clock += ms), looks: () => n };
}

const ok = [sample('lag', 'pass', 'medium')];
const lagging = [sample('lag', 'fail', 'medium')];

describe('Throttle.beforeBatch', () => {
  it('looks before the first batch, then at most every `every`', async () => {
    const h = harness([ok]);
    await h.throttle.beforeBatch();
    expect(h.looks()).toBe(1);
    h.advance(400);
    await h.throttle.beforeBatch();
    expect(h.looks()).toBe(1);
    h.advance(600);
    await h.throttle.beforeBatch();
    expect(h.looks()).toBe(2);
    expect(h.slept).toEqual([]);
  });

  it('while held, waits `every` and looks again until the checks pass; records each look', async () => {
    const h = harness([lagging, lagging, lagging, ok]);
    await h.throttle.beforeBatch();
    expect(h.recorded).toEqual([
      { verdict: 'hold', heldMs: 0, at: 0 },
      { verdict: 'hold', heldMs: 1000, at: 1000 },
      { verdict: 'hold', heldMs: 2000, at: 2000 },
      { verdict: 'go', heldMs: 3000, at: 3000 },
    ]);
    expect(h.slept).toEqual([1000, 1000, 1000]);
  });

  it('gives way to a pause asked during a hold (the step then stops before its batch), not before a look', async () => {
    const h = harness([lagging], { everyMs: 1000, maxWaitMs: 60_000 }, true, 2000);
    await h.throttle.beforeBatch();
    expect(h.recorded.map((r) => r.at)).toEqual([0, 1000, 2000]);
    expect(h.slept).toEqual([1000, 1000]);
  });

  it('fails the step (a StepFailure) once held for maxWait', async () => {
    const h = harness([lagging], { everyMs: 1000, maxWaitMs: 3000 });
    const err = await h.throttle.beforeBatch().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottleTimeout);
    expect(err).toBeInstanceOf(StepFailure);
    expect((err as Error).message).toBe(
      'backfill: still held by paginate.throttle after 3s (maxWait): lag failed; the next run resumes at the same cursor',
    );
    expect(h.looks()).toBe(4);
  });

  it('throws ThrottleStop on a critical failure, also in the middle of a hold', async () => {
    const crit = sample('errors', 'fail', 'critical', 'rate 0.2');
    const h = harness([lagging, [crit]]);
    const err = (await h.throttle.beforeBatch().catch((e: unknown) => e)) as ThrottleStop;
    expect(err).toBeInstanceOf(ThrottleStop);
    expect(err).not.toBeInstanceOf(StepFailure);
    expect(err).toMatchObject({
      step: 'backfill',
      severity: 'critical',
      reason: 'errors failed (rate 0.2)',
      failing: [crit],
    });
    expect(h.recorded.map((r) => r.verdict)).toEqual(['hold', 'stop']);
  });
});
