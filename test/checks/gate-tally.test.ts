// A long gate keeps only its recent samples: the older ones folded into a tally give the verdict all of them gave.
import { describe, expect, it } from 'vitest';
import { foldSamples, type CheckTally } from '../../src/checks/gate-tally.js';
import { decideGate } from '../../src/checks/gate.js';
import type { Outcome, Sample } from '../../src/checks/types.js';
import { gate as gateSchema, type Check } from '../../src/manifest/schema.js';
import { parseCheck } from './env.js';

const START = Date.parse('2025-06-01T10:00:00.000Z');
const at = (minute: number) => new Date(START + minute * 60_000);

/** mulberry32, seeded: the same sequences on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OUTCOMES: Outcome[] = ['pass', 'pass', 'pass', 'fail', 'error', 'inconclusive'];

describe('a gate tally', () => {
  it('gives the verdict of every sample from the tally of the older ones and the recent ones, 500 sequences', () => {
    const rnd = random(7);
    for (let run = 0; run < 500; run++) {
      const checks: Record<string, Check> = {
        a: parseCheck({
          prometheus: { query: 'up' },
          fail: 'value > 1',
          severity: 'critical',
          for: `${Math.floor(rnd() * 3) * 5}m`,
        }),
        b: parseCheck({ prometheus: { query: 'up' }, fail: 'value > 1', severity: rnd() < 0.5 ? 'medium' : 'low' }),
      };
      const gate = gateSchema.parse({
        hold: `${30 + Math.floor(rnd() * 300)}m`,
        minSamples: 1 + Math.floor(rnd() * 20),
        every: '5m',
        checks: ['a', 'b'],
        failureLimit: Math.floor(rnd() * 4),
        errorLimit: Math.floor(rnd() * 4),
        inconclusiveLimit: Math.floor(rnd() * 6),
      });
      const samples: Sample[] = [];
      const n = 1 + Math.floor(rnd() * 80);
      for (let i = 0; i < n; i++)
        for (const check of ['a', 'b'])
          if (rnd() < 0.9)
            samples.push({
              check,
              at: at(i * 5).toISOString(),
              outcome: OUTCOMES[Math.floor(rnd() * OUTCOMES.length)]!,
              value: 1,
              severity: checks[check]!.severity,
              durationMs: 1,
            });
      const now = at(n * 5 + Math.floor(rnd() * 10));
      const startedAt = at(0).toISOString();
      const sampledThisPass = rnd() < 0.5 ? ['a', 'b'] : [];
      const whole = decideGate({ gate, checks, samples, startedAt, now, sampledThisPass });
      // Folded in two steps, as two passes would, keeping a random number of recent samples.
      // At least the last sample of each check stays, as appendSamples keeps the last few of each.
      const keepFrom = samples.length - 2;
      const cut1 = Math.floor(rnd() * keepFrom);
      const cut2 = Math.max(cut1, cut1 + Math.floor(rnd() * (keepFrom - cut1)));
      let tally: Record<string, CheckTally> = foldSamples(gate, checks, startedAt, samples.slice(0, cut1));
      tally = foldSamples(gate, checks, startedAt, samples.slice(cut1, cut2), tally);
      const lean = decideGate({ gate, checks, samples: samples.slice(cut2), tally, startedAt, now, sampledThisPass });
      // Everything but the lists of failing samples, which hold only the samples at hand.
      const strip = (v: typeof whole) => ({
        ...v,
        failing: undefined,
        reported: v.reported?.map((r) => r.reason),
      });
      expect(strip(lean), `run ${run}: ${cut1}/${cut2} of ${samples.length}`).toEqual(strip(whole));
    }
  });
});
