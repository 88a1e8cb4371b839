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
  /** The checks sampled in the deciding pass. */
  fresh?: string[];
}) {
  const checks = opts.checks ?? { 'error-rate': checkWith('critical') };
  const input: GateInput = {
    gate: gateSchema.parse({ hold: '1h', every: '5m', checks: Object.keys(checks), ...opts.gate }),
    checks,
    samples: opts.samples ?? [],
    startedAt: min(0).toISOString(),
    now: min(opts.now),
    ...(opts.fresh ? { sampledThisPass: opts.fresh } : {}),
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

  it('is healthy after the hold when every check passed, the last look taken in the deciding pass', () => {
    const samples = every5('error-rate', ...Array<Outcome>(13).fill('pass'));
    expect(decide({ samples, now: 60, fresh: ['error-rate'] })).toEqual({ state: 'healthy' });
  });

  it('keeps holding after the hold while a check has no sample yet, and says it is due now', () => {
    const v = decide({ now: 61 });
    expect(v).toEqual({
      state: 'holding',
      due: ['error-rate'],
      passesAt: min(61).toISOString(),
      waiting: ['error-rate: no sample yet'],
    });
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
    const samples = every5('error-rate', 'fail', ...Array<Outcome>(12).fill('pass'));
    expect(decide({ gate: { failureLimit: 1 }, samples, now: 60, fresh: ['error-rate'] })).toEqual({
      state: 'healthy',
    });
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
      waiting: ['error-rate: latest sample is fail: error-rate too high'],
    });
    const stillFailing = [...samples, sample('error-rate', 60, 'fail')];
    expect(decide({ checks, samples: stillFailing, now: 61 })).toMatchObject({
      state: 'holding',
      due: [],
      passesAt: min(65).toISOString(),
    });
    const recovered = [...stillFailing, sample('error-rate', 65, 'pass')];
    expect(decide({ checks, samples: recovered, now: 65, fresh: ['error-rate'] })).toEqual({ state: 'healthy' });
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
      ...every5('error-rate', ...Array<Outcome>(13).fill('pass')),
      ...every5('noise', 'fail', 'inconclusive', 'error', 'error', 'error', 'error', 'error'),
    ];
    const v = decide({ checks, samples, now: 60, fresh: ['error-rate'] });
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
    const samples = every5('error-rate', ...Array<Outcome>(13).fill('pass'));
    expect(decide({ checks, samples, now: 60, fresh: ['error-rate'] }).state).toBe('healthy');
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

/**
 * One pass as the engine takes it (engine/gate.ts sampleGate): sample what is due, at most once per check, decide
 * again, and once more for the final look. `outcomeAt` says what a check would measure at a minute.
 */
function runPass(
  gate: Record<string, unknown>,
  checks: Record<string, Check>,
  samples: Sample[],
  minute: number,
  outcomeAt: (check: string, minute: number) => Outcome,
) {
  const sampled: string[] = [];
  let v = decide({ gate, checks, samples, now: minute, fresh: sampled });
  while (v.state === 'holding') {
    const due = v.due.filter((n) => !sampled.includes(n));
    if (!due.length) break;
    for (const name of due) samples.push(sample(name, minute, outcomeAt(name, minute)));
    sampled.push(...due);
    v = decide({ gate, checks, samples, now: minute, fresh: sampled });
  }
  return v;
}

describe('rule 1, look before passing: the pass that decides healthy samples every blocking check afresh', () => {
  const checks = { 'error-rate': checkWith('critical') };

  it('fails a service that went down after the last scheduled sample and before the hold ended', () => {
    // A 15-minute schedule; the service is down from minute 59; the hold ends at 60.
    const gate = { every: '15m' };
    const down = (_: string, m: number): Outcome => (m >= 59 ? 'fail' : 'pass');
    const samples: Sample[] = [];
    for (const m of [0, 15, 30, 45, 58]) expect(runPass(gate, checks, samples, m, down).state).toBe('holding');
    // At 61 the check is not due by `every` (last sampled at 58), but the final look samples it anyway.
    const v = runPass(gate, checks, samples, 61, down);
    expect(v).toMatchObject({ state: 'failed', severity: 'critical' });
    expect(samples.at(-1)).toMatchObject({ at: min(61).toISOString(), outcome: 'fail' });
  });

  it('does not become healthy on passes from earlier passes: it holds and asks for the final look', () => {
    const samples = every5('error-rate', ...Array<Outcome>(12).fill('pass')); // the last at minute 55
    const v = decide({ gate: { every: '15m' }, samples, now: 61 });
    expect(v).toMatchObject({ state: 'holding', due: ['error-rate'], waiting: [] });
  });

  it('looks at a check whose passing sample is not this pass, after another check was sampled in it', () => {
    const two = { a: checkWith('high'), b: checkWith('high') };
    const samples = [
      ...every5('a', ...Array<Outcome>(12).fill('pass')),
      sample('b', 58, 'pass'),
      sample('a', 61, 'pass'),
    ];
    const v = decide({ checks: two, samples, now: 61, fresh: ['a'] });
    expect(v).toMatchObject({ state: 'holding', due: ['b'] });
    samples.push(sample('b', 61, 'pass'));
    expect(decide({ checks: two, samples, now: 61, fresh: ['a', 'b'] })).toEqual({ state: 'healthy' });
  });

  it('gives a low check no final look: it is sampled on `every` only', () => {
    const mixed = { 'error-rate': checkWith('critical'), noise: checkWith('low') };
    const samples = [sample('error-rate', 58, 'pass'), sample('noise', 58, 'pass')];
    expect(decide({ checks: mixed, samples, now: 61 })).toMatchObject({ state: 'holding', due: ['error-rate'] });
  });
});

describe('rule 2, evidence, not absence of bad news', () => {
  it('holds past the hold while every sample of a check was an error under errorLimit, and pauses past it', () => {
    const gate = { every: '15m', errorLimit: 5 };
    const checks = { 'error-rate': checkWith('critical') };
    const samples: Sample[] = [];
    for (const m of [0, 15, 30, 45, 60]) runPass(gate, checks, samples, m, () => 'error');
    const v = runPass(gate, checks, samples, 61, () => 'error');
    expect(v).toMatchObject({
      state: 'holding',
      due: [],
      waiting: ['error-rate: no pass sample yet (latest error: connection refused)'],
    });
    expect(runPass(gate, checks, samples, 75, () => 'error').state).toBe('paused');
  });

  it('holds past the hold while every sample was inconclusive under inconclusiveLimit, and pauses past it', () => {
    const gate = { inconclusiveLimit: 3 };
    const samples = [0, 30, 58].map((m) => sample('error-rate', m, 'inconclusive', { reason: 'no data' }));
    const v = decide({ gate, samples, now: 61, fresh: ['error-rate'] });
    expect(v).toMatchObject({
      state: 'holding',
      waiting: ['error-rate: no pass sample yet (latest inconclusive: no data)'],
    });
    samples.push(sample('error-rate', 63, 'inconclusive'));
    expect(decide({ gate, samples, now: 63 }).state).toBe('paused');
  });

  it('is not healthy while the latest sample is not a pass: a tolerated failure or an error at the end holds', () => {
    const passes = every5('error-rate', ...Array<Outcome>(12).fill('pass'));
    for (const last of ['fail', 'error', 'inconclusive'] as const) {
      const samples = [...passes, sample('error-rate', 60, last)];
      const gate = { failureLimit: 1, inconclusiveLimit: 1 };
      const v = decide({ gate, samples, now: 60, fresh: ['error-rate'] });
      expect(v, last).toMatchObject({
        state: 'holding',
        waiting: [expect.stringContaining(`latest sample is ${last}`)],
      });
      // and no final look for it: the next sample waits for `every`
      expect(decide({ gate, samples, now: 61 }), last).toMatchObject({ state: 'holding', due: [] });
    }
  });

  it('minSamples: needs that many pass samples in the gate, and says how many it has', () => {
    const gate = { hold: '10m', every: '5m', minSamples: 3 };
    const samples = [sample('error-rate', 0, 'pass'), sample('error-rate', 10, 'pass')];
    expect(decide({ gate, samples, now: 10, fresh: ['error-rate'] })).toEqual({
      state: 'holding',
      due: [],
      passesAt: min(15).toISOString(),
      waiting: ['error-rate: 2 of minSamples 3 pass samples'],
    });
    // One more pass would do: the final look does not wait for `every`.
    expect(decide({ gate, samples, now: 11 })).toMatchObject({ state: 'holding', due: ['error-rate'] });
    samples.push(sample('error-rate', 11, 'pass'));
    expect(decide({ gate, samples, now: 11, fresh: ['error-rate'] })).toEqual({ state: 'healthy' });
  });

  it('minSamples: with two passes short, the next sample waits for `every`, and passesAt counts the samples ahead', () => {
    const gate = { hold: '10m', every: '5m', minSamples: 3 };
    const samples = [sample('error-rate', 8, 'pass')];
    expect(decide({ gate, samples, now: 11 })).toEqual({
      state: 'holding',
      due: [],
      passesAt: min(18).toISOString(),
      waiting: ['error-rate: 1 of minSamples 3 pass samples'],
    });
  });

  it('minSamples defaults to 1', () => {
    expect(gateSchema.parse({ hold: '1h' }).minSamples).toBe(1);
  });
});

describe('rule 3, `every` honoured', () => {
  const checks = { 'error-rate': checkWith('critical') };
  const spacing = (samples: Sample[]) => samples.slice(1).map((s, i) => Date.parse(s.at) - Date.parse(samples[i]!.at));

  it('an apply loop every 10 seconds samples no more often than `every` (less its slack) inside the hold', () => {
    const samples: Sample[] = [];
    for (let tick = 0; tick <= 6 * 20; tick++) runPass({}, checks, samples, tick / 6, () => 'pass');
    expect(samples).toHaveLength(5); // minutes 0, 4.5, 9, 13.5, 18
    for (const gap of spacing(samples)) expect(gap).toBeGreaterThanOrEqual(5 * 60_000 - dueSlackMs(5 * 60_000));
  });

  it('an apply loop past the hold with an erroring check takes no sample between the `every` intervals', () => {
    const samples = every5('error-rate', ...Array<Outcome>(12).fill('pass'));
    const errs = samples.length;
    for (let tick = 6 * 60; tick <= 6 * 70; tick++) runPass({}, checks, samples, tick / 6, () => 'error');
    const taken = samples.slice(errs);
    expect(taken.map((s) => s.at)).toEqual([min(60), min(64.5), min(69)].map((d) => d.toISOString()));
  });

  it('an apply loop past the hold ends healthy on the first pass past it, with a sample of that pass', () => {
    const samples: Sample[] = [];
    let v = runPass({ every: '15m' }, checks, samples, 0, () => 'pass');
    for (let tick = 1; v.state === 'holding'; tick++)
      v = runPass({ every: '15m' }, checks, samples, 55 + tick, () => 'pass');
    expect(v.state).toBe('healthy');
    // 56: due by `every` (15m after 0, less the slack); 57-59: nothing; 60: the final look, 4 minutes after.
    expect(samples.map((s) => s.at)).toEqual([min(0), min(56), min(60)].map((d) => d.toISOString()));
  });
});
