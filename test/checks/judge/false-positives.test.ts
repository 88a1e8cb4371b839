// The judge's false-positive rate on series built the way Prometheus builds them (prometheus-series.ts): 200 pairs of
// request counters, control and canary from the same generator with their own seeds, rate() over overlapping windows,
// judged as judgeKind judges them (the step from thinnedStep over the metric's PromQL, then classifyMetric with the
// manifest's defaults). Before the fix the bare U test on overlapping points rejected far more than its 2 %; now at
// most 2 % of same-distribution pairs may fail, and a 30 % shift must still fail at least 95 % of the time. Seeds are
// fixed: the counts are the same on every run.
import { describe, expect, it } from 'vitest';
import { classifyMetric, JUDGE_ALPHA } from '../../../src/checks/judge/classify.js';
import { mannWhitneyU } from '../../../src/checks/judge/stats.js';
import { lookbackSeconds, thinnedStep } from '../../../src/checks/judge/windows.js';
import { rateRange, scenarioCounter, SCENARIO_END, SHAPES, type QueryShape } from './prometheus-series.js';

const PAIRS = 200;
/** Coefficient of variation of one scrape's increase: bursty traffic, yet a 30 % shift is plain in 30 minutes. */
const NOISE = 0.3;

interface Run {
  /** Use the configured step as it is (the judge before thinning). */
  unthinned?: boolean;
  shift?: number;
  noise?: number;
  pairs?: number;
}

/** The control and canary series of each pair, as the judge would query them. */
function* pairs(shape: QueryShape, run: Run = {}): Generator<[number[], number[]]> {
  const queries = [shape.query('control'), shape.query('canary')];
  const window = lookbackSeconds(queries[0]!)!;
  expect(window).toBe(shape.window);
  const step = run.unthinned ? shape.step : thinnedStep(shape.step, queries).step;
  const range = { start: SCENARIO_END - shape.range, end: SCENARIO_END, step, window };
  const noise = run.noise ?? NOISE;
  const canaryOpts = { noise, ...(run.shift ? { shift: run.shift } : {}) };
  for (let i = 0; i < (run.pairs ?? PAIRS); i++) {
    yield [
      rateRange(scenarioCounter(shape, i, 'control', { noise }), range),
      rateRange(scenarioCounter(shape, i, 'canary', canaryOpts), range),
    ];
  }
}

/** How many pairs the judge classifies High or Low, with the manifest's defaults (direction either). */
function judgeFailures(shape: QueryShape, run: Run = {}): number {
  let failed = 0;
  for (const [control, canary] of pairs(shape, run)) {
    const judged = classifyMetric({ control, canary, direction: 'either' });
    if (judged.classification === 'High' || judged.classification === 'Low') failed++;
    else expect(judged.classification).toBe('Pass');
  }
  return failed;
}

/** How many pairs the bare U test calls different at 98 % (the judge before this fix, on whatever points it gets). */
function uTestRejections(shape: QueryShape, run: Run = {}): number {
  let rejected = 0;
  for (const [control, canary] of pairs(shape, run)) if (mannWhitneyU(control, canary).pValue < JUDGE_ALPHA) rejected++;
  return rejected;
}

const rate = (n: number, of = PAIRS) => `${n}/${of} (${((100 * n) / of).toFixed(1)} %)`;
const log = (shape: QueryShape, what: string) => console.log(`[judge fpr] ${shape.name}: ${what}`);

describe.each(SHAPES.map((s) => [s.name, s] as const))(
  'the judge on generated Prometheus series, %s',
  (_name, shape) => {
    it('the generator reproduces the defect: the U test on unthinned points rejects over 10 % of same-distribution pairs', () => {
      const rejected = uTestRejections(shape, { unthinned: true });
      log(shape, `U test alone, unthinned: ${rate(rejected)} same-distribution pairs rejected`);
      expect(rejected).toBeGreaterThan(PAIRS * 0.1);
    });

    it('thinning alone makes the U test honest: it rejects at most its 2 % (+3 SE over 1000 noisy pairs)', () => {
      const n = 1000;
      const rejected = uTestRejections(shape, { noise: 1, pairs: n });
      log(shape, `U test alone, thinned, noise 1.0: ${rate(rejected, n)} same-distribution pairs rejected`);
      expect(rejected / n).toBeLessThanOrEqual(0.02 + 3 * Math.sqrt((0.02 * 0.98) / n));
    });

    it('with the defaults, at most 2 % of 200 same-distribution pairs fail', () => {
      const failed = judgeFailures(shape);
      log(shape, `judge defaults: ${rate(failed)} same-distribution pairs fail`);
      expect(failed).toBeLessThanOrEqual(PAIRS * 0.02);
    });

    it('with the defaults, a 30 % higher canary fails in at least 95 % of 200 pairs', () => {
      const failed = judgeFailures(shape, { shift: 1.3 });
      log(shape, `judge defaults: ${rate(failed)} 30 %-shifted pairs fail`);
      expect(failed).toBeGreaterThanOrEqual(PAIRS * 0.95);
    });

    it('with the defaults, at most 2 % of 200 same-distribution pairs fail on noisy series too (noise 1.0)', () => {
      const failed = judgeFailures(shape, { noise: 1 });
      const shifted = judgeFailures(shape, { noise: 1, shift: 1.3 });
      log(
        shape,
        `judge defaults, noise 1.0: ${rate(failed)} same-distribution, ${rate(shifted)} 30 %-shifted pairs fail`,
      );
      expect(failed).toBeLessThanOrEqual(PAIRS * 0.02);
      expect(shifted).toBeGreaterThan(failed);
    });
  },
);
