import { describe, expect, it } from 'vitest';
import { decideGate, dueSlackMs, type GateInput } from '../../src/checks/gate.js';
import type { Outcome, Sample } from '../../src/checks/types.js';
import { gate as gateSchema, type Check } from '../../src/manifest/schema.js';
import { parseCheck } from './env.js';

const START = Date.parse('2025-06-01T10:00:00.000Z');
const min = (m: number) => new Date(START + m * 60_000);

function sample(check: string, minute: number, outcome: Outcome, extra: Partial<Sample> = {}): Sample {
  return {
    check,
    at: min(minute).toISOString(),
    outcome,
    value: outcome === 'error' ? null : 1,
    severity: 'high',
    durationMs: 5,
    ...(outcome === 'fail' ? { reason: `${check} too high` } : {}),
    ...(outcome === 'error' ? { error: 'connection refused' } : {}),
    ...extra,
  };
}

const checkWith = (severity: Check['severity'], extra: Record<string, unknown> = {}) =>
  parseCheck({ prometheus: { query: 'up' }, fail: 'value > 1.0', severity, ...extra });

function decide(opts: {
  gate?: Record<string, unknown>;
  checks?: Record<string, Check>;
  samples?: Sample[];
  now: number;
}) {
  const checks = opts.checks ?? { 'error-rate': checkWith('critical') };
  const input: GateInput = {
    gate: gateSchema.parse({ hold: '1h', every: '5m', checks: Object.keys(checks), ...opts.gate }),
    checks,
    samples: opts.samples ?? [],
    startedAt: min(0).toISOString(),
    now: min(opts.now),
  };
  return decideGate(input);
}

/** Samples of one check every 5 minutes from minute 0. */
const every5 = (check: string, ...outcomes: Outcome[]) => outcomes.map((o, i) => sample(check, i * 5, o));

describe('a gate with only a hold', () => {
  it('holds until the hold has elapsed, with nothing due', () => {
    const v = decide({ checks: {}, now: 30 });
    expect(v).toEqual({ state: 'holding', due: [], passesAt: min(60).toISOString() });
  });

  it('is healthy once the hold has elapsed', () => {
    expect(decide({ checks: {}, now: 60 })).toEqual({ state: 'healthy' });
  });
});

describe('healthy and holding', () => {
  it('holds before the hold has elapsed even when every sample passes', () => {
    const v = decide({ samples: every5('error-rate', 'pass', 'pass'), now: 10 });
    expect(v.state).toBe('holding');
  });

  it('is healthy after the hold when every check passed', () => {
    const samples = every5('error-rate', ...Array<Outcome>(12).fill('pass'));
    expect(decide({ samples, now: 60 })).toEqual({ state: 'healthy' });
  });

  it('keeps holding after the hold while a check has no sample yet, and says it is due now', () => {
    const v = decide({ now: 61 });
    expect(v).toEqual({ state: 'holding', due: ['error-rate'], passesAt: min(61).toISOString() });
  });

  it('ignores samples from before the gate started and samples of checks it does not watch', () => {
    const samples = [sample('error-rate', -5, 'fail'), sample('other', 5, 'fail')];
    const v = decide({ samples, now: 61 });
    expect(v.state).toBe('holding');
    expect(v.state === 'holding' && v.due).toEqual(['error-rate']);
  });
});

describe('due: which checks need a sample now', () => {
  const checks = { a: checkWith('high'), b: checkWith('high') };

  it('lists a check with no sample, and one whose last sample is older than every', () => {
    const v = decide({ checks, samples: [sample('a', 0, 'pass'), sample('b', 4, 'pass')], now: 5 });
    expect(v.state === 'holding' && v.due).toEqual(['a']);
  });

  it('lists nothing when every check was sampled within the interval', () => {
    const v = decide({ checks, samples: [sample('a', 2, 'pass'), sample('b', 3, 'pass')], now: 5 });
    expect(v.state === 'holding' && v.due).toEqual([]);
  });

  it('treats a sample as due a little early, so a scheduler firing seconds early does not skip an interval', () => {
    const early = new Date(START + 5 * 60_000 - 20_000);
    const v = decideGate({
      gate: gateSchema.parse({ hold: '1h', every: '5m', checks: ['a', 'b'] }),
      checks,
      samples: [sample('a', 0, 'pass'), sample('b', 0, 'pass')],
      startedAt: min(0).toISOString(),
      now: early,
    });
    expect(v.state === 'holding' && v.due).toEqual(['a', 'b']);
    expect(dueSlackMs(5 * 60_000)).toBe(30_000);
    expect(dueSlackMs(60_000)).toBe(6_000);
  });
});

describe('failureLimit', () => {
  it('with failureLimit 0, fails on the first failed sample', () => {
    const v = decide({ samples: every5('error-rate', 'pass', 'fail'), now: 6 });
    expect(v).toMatchObject({ state: 'failed', severity: 'critical' });
    expect(v.state === 'failed' && v.failing.map((s) => s.at)).toEqual([min(5).toISOString()]);
    expect(v.state === 'failed' && v.reason).toContain(
      'error-rate failed 1 sample (failureLimit 0): error-rate too high',
    );
  });

  it('with failureLimit 1, tolerates one failed sample and fails on the second', () => {
    const gate = { failureLimit: 1 };
    expect(decide({ gate, samples: every5('error-rate', 'fail', 'pass'), now: 6 }).state).toBe('holding');
    const v = decide({ gate, samples: every5('error-rate', 'fail', 'pass', 'fail'), now: 11 });
    expect(v.state).toBe('failed');
    expect(v.state === 'failed' && v.failing).toHaveLength(2);
  });

  it('with failureLimit 1, is healthy after the hold with one tolerated failure', () => {
    const samples = every5('error-rate', 'fail', ...Array<Outcome>(11).fill('pass'));
    expect(decide({ gate: { failureLimit: 1 }, samples, now: 60 })).toEqual({ state: 'healthy' });
  });

  it('reports high severity as failed with severity high', () => {
    const v = decide({ checks: { p95: checkWith('high') }, samples: every5('p95', 'fail'), now: 1 });
    expect(v).toMatchObject({ state: 'failed', severity: 'high' });
  });
});

describe('for: a failure counts only once the check has kept failing that long', () => {
  const checks = { 'error-rate': checkWith('critical', { for: '10m' }) };

  it('keeps failures younger than for pending: the gate holds', () => {
    const v = decide({ checks, samples: every5('error-rate', 'pass', 'fail', 'fail'), now: 11 });
    expect(v.state).toBe('holding');
  });

  it('counts the failure once the streak reaches for', () => {
    const v = decide({ checks, samples: every5('error-rate', 'pass', 'fail', 'fail', 'fail'), now: 16 });
    expect(v.state).toBe('failed');
    expect(v.state === 'failed' && v.failing.map((s) => s.at)).toEqual([min(15).toISOString()]);
  });

  it('restarts the streak after a pass', () => {
    const samples = every5('error-rate', 'fail', 'fail', 'pass', 'fail', 'fail');
    expect(decide({ checks, samples, now: 21 }).state).toBe('holding');
  });

  it('does not end the streak on an error or inconclusive sample', () => {
    const samples = every5('error-rate', 'fail', 'error', 'fail');
    expect(decide({ checks, gate: { inconclusiveLimit: 5 }, samples, now: 11 }).state).toBe('failed');
    const withInconclusive = every5('error-rate', 'fail', 'inconclusive', 'fail');
    expect(decide({ checks, gate: { inconclusiveLimit: 5 }, samples: withInconclusive, now: 11 }).state).toBe('failed');
  });

  it('is not healthy while a failure is pending when the hold ends, and passes at the next sample', () => {
    const samples = every5('error-rate', ...Array<Outcome>(11).fill('pass'), 'fail'); // the fail at minute 55
    expect(decide({ checks, samples, now: 60 })).toEqual({
      state: 'holding',
      due: ['error-rate'],
      passesAt: min(60).toISOString(),
    });
    const stillFailing = [...samples, sample('error-rate', 60, 'fail')];
    expect(decide({ checks, samples: stillFailing, now: 61 })).toEqual({
      state: 'holding',
      due: [],
      passesAt: min(65).toISOString(),
    });
    const recovered = [...stillFailing, sample('error-rate', 65, 'pass')];
    expect(decide({ checks, samples: recovered, now: 66 })).toEqual({ state: 'healthy' });
  });
});

describe('errorLimit: consecutive errors', () => {
  it('tolerates errorLimit consecutive errors', () => {
    const v = decide({ gate: { errorLimit: 2 }, samples: every5('error-rate', 'error', 'error'), now: 6 });
    expect(v.state).toBe('holding');
  });

  it('pauses (a person must look) past errorLimit, even for a critical check', () => {
    const v = decide({ gate: { errorLimit: 2 }, samples: every5('error-rate', 'error', 'error', 'error'), now: 11 });
    expect(v.state).toBe('paused');
    expect(v.state === 'paused' && v.reason).toBe(
      'error-rate could not be measured 3 times in a row (errorLimit 2): connection refused',
    );
    expect(v.state === 'paused' && v.failing).toHaveLength(3);
  });

  it('counts only consecutive errors: a success in between resets the run', () => {
    const samples = every5('error-rate', 'error', 'error', 'pass', 'error', 'error');
    expect(decide({ gate: { errorLimit: 2 }, samples, now: 21 }).state).toBe('holding');
  });

  it('defaults to 4 consecutive errors, as Argo Rollouts', () => {
    expect(decide({ samples: every5('error-rate', 'error', 'error', 'error', 'error'), now: 16 }).state).toBe(
      'holding',
    );
    expect(decide({ samples: every5('error-rate', 'error', 'error', 'error', 'error', 'error'), now: 21 }).state).toBe(
      'paused',
    );
  });
});

describe('inconclusiveLimit', () => {
  it('with the default 0, pauses on the first inconclusive sample', () => {
    const samples = [sample('error-rate', 0, 'inconclusive', { reason: 'no baseline' })];
    const v = decide({ samples, now: 1 });
    expect(v.state).toBe('paused');
    expect(v.state === 'paused' && v.reason).toBe(
      'error-rate was inconclusive 1 time (inconclusiveLimit 0): no baseline',
    );
  });

  it('tolerates up to the limit', () => {
    const samples = every5('error-rate', 'inconclusive', 'pass', 'inconclusive');
    expect(decide({ gate: { inconclusiveLimit: 2 }, samples, now: 11 }).state).toBe('holding');
    expect(decide({ gate: { inconclusiveLimit: 1 }, samples, now: 11 }).state).toBe('paused');
  });
});

describe('severity', () => {
  it('medium: a failure past the limit pauses instead of failing', () => {
    const v = decide({ checks: { flags: checkWith('medium') }, samples: every5('flags', 'fail'), now: 1 });
    expect(v.state).toBe('paused');
    expect(v.state === 'paused' && v.reason).toContain('flags failed 1 sample');
  });

  it('low: failures, errors and inconclusive samples are only reported, and the gate still becomes healthy', () => {
    const checks = { 'error-rate': checkWith('critical'), noise: checkWith('low') };
    const samples = [
      ...every5('error-rate', ...Array<Outcome>(12).fill('pass')),
      ...every5('noise', 'fail', 'inconclusive', 'error', 'error', 'error', 'error', 'error'),
    ];
    const v = decide({ checks, samples, now: 60 });
    expect(v.state).toBe('healthy');
    expect(v.reported?.map((n) => n.check)).toEqual(['noise', 'noise', 'noise']);
    expect(v.reported?.map((n) => n.reason.split(' (')[0])).toEqual([
      'noise failed 1 sample',
      'noise could not be measured 5 times in a row',
      'noise was inconclusive 1 time',
    ]);
  });

  it('low: a check without any sample does not keep the gate holding', () => {
    const checks = { 'error-rate': checkWith('critical'), noise: checkWith('low') };
    const samples = every5('error-rate', ...Array<Outcome>(12).fill('pass'));
    expect(decide({ checks, samples, now: 60 }).state).toBe('healthy');
    const before = decide({ checks, samples: samples.slice(0, 2), now: 11 });
    expect(before.state === 'holding' && before.due).toEqual(['error-rate', 'noise']);
  });
});

describe('precedence when several apply: failed > paused > healthy', () => {
  const checks = { 'error-rate': checkWith('critical'), flags: checkWith('medium'), probe: checkWith('high') };

  it('fails when one check failed and another paused, naming only the failed one', () => {
    const samples = [sample('flags', 0, 'fail'), sample('probe', 0, 'inconclusive'), sample('error-rate', 1, 'fail')];
    const v = decide({ checks, samples, now: 2 });
    expect(v.state).toBe('failed');
    expect(v.state === 'failed' && v.failing.map((s) => s.check)).toEqual(['error-rate']);
  });

  it('gives the highest severity among failed checks', () => {
    const samples = [sample('probe', 0, 'fail'), sample('error-rate', 1, 'fail')];
    expect(decide({ checks, samples, now: 2 })).toMatchObject({ state: 'failed', severity: 'critical' });
  });

  it('pauses rather than becoming healthy when the hold elapsed with a paused check', () => {
    const samples = [
      ...every5('error-rate', ...Array<Outcome>(12).fill('pass')),
      ...every5('probe', ...Array<Outcome>(12).fill('pass')),
      sample('flags', 59, 'fail'),
    ];
    expect(decide({ checks, samples, now: 60 }).state).toBe('paused');
  });

  it('stays failed once failed, whatever passes afterwards', () => {
    const samples = every5('error-rate', 'fail', ...Array<Outcome>(12).fill('pass'));
    expect(decide({ samples, now: 65 }).state).toBe('failed');
  });
});

describe('configuration errors', () => {
  it('throws when the gate names a check that has no config', () => {
    expect(() =>
      decideGate({
        gate: gateSchema.parse({ hold: '1h', checks: ['ghost'] }),
        checks: {},
        samples: [],
        startedAt: min(0).toISOString(),
        now: min(1),
      }),
    ).toThrow(/ghost/);
  });
});
