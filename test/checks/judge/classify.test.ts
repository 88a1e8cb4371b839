import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normals } from './prometheus-series.js';
import { classifyMetric, KAYENTA_TOLERANCE } from '../../../src/checks/judge/classify.js';
import { scoreJudgement } from '../../../src/checks/judge/score.js';

interface RCase {
  name: string;
  pValue: number | null;
  control: number[];
  canary: number[];
}
const r = JSON.parse(readFileSync(new URL('../../fixtures/judge/mannwhitney.json', import.meta.url), 'utf8')) as {
  cases: RCase[];
};
const data = (name: string): RCase => {
  const c = r.cases.find((x) => x.name === name);
  if (!c) throw new Error(`no reference case ${name}`);
  return c;
};
const higher = data('one-sided-canary-higher'); // p 2.4e-10, mean ratio 1.205
const lower = data('one-sided-canary-lower'); // p 9.5e-7, mean ratio 0.873
const same = data('large-500-same-distribution'); // p 0.465

describe('classifyMetric', () => {
  it('is Pass when the difference is not significant at 98 %, with the reference p-value', () => {
    const result = classifyMetric({ name: 'latency', control: same.control, canary: same.canary });
    expect(result).toMatchObject({
      name: 'latency',
      classification: 'Pass',
      controlCount: 500,
      canaryCount: 500,
      critical: false,
    });
    expect(result.pValue).toBeCloseTo(same.pValue!, 12);
    expect(result.reason).toMatch(/^no significant difference \(p=0.465/);
  });

  it('is Pass at p between 0.02 and 0.05, significant at 95 % but not at 98 %', () => {
    const c = data('latency-lognormal-500'); // p 0.0496
    expect(classifyMetric({ control: c.control, canary: c.canary }).classification).toBe('Pass');
  });

  it('is High when the canary is significantly higher and Low when significantly lower', () => {
    const up = classifyMetric({ control: higher.control, canary: higher.canary });
    expect(up.classification).toBe('High');
    expect(up.hlShift).toBeGreaterThan(0);
    expect(up.hlInterval![0]).toBeGreaterThan(0);
    expect(up.reason).toMatch(/^canary significantly higher/);
    const down = classifyMetric({ control: lower.control, canary: lower.canary });
    expect(down.classification).toBe('Low');
    expect(down.hlInterval![1]).toBeLessThan(0);
  });

  it('direction increase: only High is bad, a significant decrease passes', () => {
    expect(
      classifyMetric({ control: higher.control, canary: higher.canary, direction: 'increase' }).classification,
    ).toBe('High');
    const down = classifyMetric({ control: lower.control, canary: lower.canary, direction: 'increase' });
    expect(down.classification).toBe('Pass');
    expect(down.reason).toMatch(/canary lower, but only an increase is bad/);
  });

  it('direction decrease: only Low is bad, a significant increase passes', () => {
    expect(classifyMetric({ control: lower.control, canary: lower.canary, direction: 'decrease' }).classification).toBe(
      'Low',
    );
    expect(
      classifyMetric({ control: higher.control, canary: higher.canary, direction: 'decrease' }).classification,
    ).toBe('Pass');
  });

  it('effect size: a significant increase whose mean ratio stays within allowedIncrease is Pass', () => {
    expect(
      classifyMetric({ control: higher.control, canary: higher.canary, effectSize: { allowedIncrease: 1.3 } })
        .classification,
    ).toBe('Pass');
    expect(
      classifyMetric({ control: higher.control, canary: higher.canary, effectSize: { allowedIncrease: 1.1 } })
        .classification,
    ).toBe('High');
  });

  it('effect size: a significant decrease whose mean ratio stays above allowedDecrease is Pass', () => {
    expect(
      classifyMetric({ control: lower.control, canary: lower.canary, effectSize: { allowedDecrease: 0.8 } })
        .classification,
    ).toBe('Pass');
    expect(
      classifyMetric({ control: lower.control, canary: lower.canary, effectSize: { allowedDecrease: 0.9 } })
        .classification,
    ).toBe('Low');
  });

  // 100 points a side, a fixed wiggle of +-0.5 around the level: any shift of the level is highly significant.
  const level = (mean: number) => Array.from({ length: 100 }, (_, i) => mean + (((i * 37) % 11) - 5) / 10);

  it('by default a significant change below 10 % is Pass (allowedIncrease 1.1, allowedDecrease 0.9, as Kayenta documents)', () => {
    const up = classifyMetric({ control: level(100), canary: level(105) });
    expect(up.pValue).toBeLessThan(1e-20);
    expect(up.classification).toBe('Pass');
    expect(up.meanRatio).toBeCloseTo(1.05, 4);
    expect(up.reason).toMatch(/^canary higher but within the allowed increase 1\.1 \(p=/);
    const down = classifyMetric({ control: level(100), canary: level(95) });
    expect(down.classification).toBe('Pass');
    expect(down.reason).toMatch(/^canary lower but within the allowed decrease 0\.9 /);
    expect(classifyMetric({ control: level(100), canary: level(111) }).classification).toBe('High');
    expect(classifyMetric({ control: level(100), canary: level(89) }).classification).toBe('Low');
  });

  it('a mean ratio equal to the allowed increase or decrease fails, as in Kayenta (deviation >= allowedIncrease)', () => {
    expect(classifyMetric({ control: level(100), canary: level(110) }).classification).toBe('High');
    expect(classifyMetric({ control: level(100), canary: level(90) }).classification).toBe('Low');
  });

  it('effect size 1.0 fails any significant change, as Kayenta without effectSize', () => {
    const none = { allowedIncrease: 1, allowedDecrease: 1 };
    expect(classifyMetric({ control: level(100), canary: level(100.3), effectSize: none }).classification).toBe('High');
    expect(classifyMetric({ control: level(100), canary: level(99.7), effectSize: none }).classification).toBe('Low');
  });

  it('effect size does not apply where a mean ratio means nothing (negative means): significance decides', () => {
    const result = classifyMetric({ control: level(-100), canary: level(-95) });
    expect(result.meanRatio).toBeCloseTo(0.95, 4);
    expect(result.classification).toBe('High');
  });

  // 50 points a side from N(100, 10) and N(105, 10), seeded: p between 0.002 and 0.02, near the tolerance band.
  const noisy = (seed: number) => {
    const z = normals(seed);
    return {
      control: Array.from({ length: 50 }, () => 100 + 10 * z()),
      canary: Array.from({ length: 50 }, () => 105 + 10 * z()),
      effectSize: { allowedIncrease: 1, allowedDecrease: 1 }, // only the band decides here
    };
  };

  it("Kayenta's tolerance: a significant shift whose 98 % interval reaches below 25 % of it is Pass", () => {
    const result = classifyMetric(noisy(3));
    expect(result.pValue).toBeGreaterThan(0.002);
    expect(result.pValue).toBeLessThan(0.02);
    expect(result.hlInterval![0]).toBeGreaterThan(0);
    expect(result.hlInterval![0]).toBeLessThan(KAYENTA_TOLERANCE * result.hlShift!);
    expect(result.classification).toBe('Pass');
    expect(result.reason).toMatch(
      /^canary higher but not clearly beyond 25 % of its shift \(\+1\.73, p=0\.0[0-9]+ there\)/,
    );
  });

  it("Kayenta's tolerance: a shift whose 98 % interval lies above 25 % of it is High, and mirrored Low", () => {
    const { control, canary, effectSize } = noisy(13);
    const result = classifyMetric({ control, canary, effectSize });
    expect(result.pValue).toBeGreaterThan(0.002);
    expect(result.hlInterval![0]).toBeGreaterThan(KAYENTA_TOLERANCE * result.hlShift!);
    expect(result.classification).toBe('High');
    expect(classifyMetric({ control: canary, canary: control, effectSize }).classification).toBe('Low');
    const band = classifyMetric(noisy(3));
    expect(classifyMetric({ control: noisy(3).canary, canary: noisy(3).control, effectSize }).classification).toBe(
      band.classification,
    );
  });

  it('effect size cannot forgive a change when the control mean is 0 (ratio undefined)', () => {
    const control = [-2, -1, 0, 1, 2, -2, -1, 0, 1, 2, -2, -1, 0, 1, 2];
    const canary = control.map((v) => v + 10);
    const result = classifyMetric({ control, canary, effectSize: { allowedIncrease: 1e9 } });
    expect(result.meanRatio).toBeNull();
    expect(result.classification).toBe('High');
  });

  it('a significant change with a zero median shift (mostly-zero error counts) is classified by the rank sums', () => {
    const control = [...Array<number>(90).fill(0), ...Array<number>(10).fill(1)];
    const canary = [...Array<number>(60).fill(0), ...Array<number>(40).fill(1)];
    const result = classifyMetric({ control, canary });
    expect(result.hlShift).toBe(0);
    expect(result.pValue).toBeLessThan(1e-5);
    expect(result.classification).toBe('High');
    expect(classifyMetric({ control: canary, canary: control }).classification).toBe('Low');
  });

  it('two different constant series are a significant difference', () => {
    const result = classifyMetric({
      control: [5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
      canary: [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7],
    });
    expect(result).toMatchObject({ classification: 'High', hlShift: 2, hlInterval: [2, 2], meanRatio: 1.4 });
  });

  it('identical series (in any order) are Pass with p = 1', () => {
    const result = classifyMetric({ control: [3, 1, 2, 2, 5], canary: [2, 5, 3, 2, 1] });
    expect(result).toMatchObject({ classification: 'Pass', pValue: 1, hlShift: 0, meanRatio: 1, u: 12.5 });
    expect(result.reason).toBe('control and canary data are identical');
  });

  it('a single value repeated in both series, of different lengths, is Pass with p = 1', () => {
    expect(classifyMetric({ control: [0, 0, 0, 0], canary: [0, 0, 0, 0, 0, 0] })).toMatchObject({
      classification: 'Pass',
      pValue: 1,
      meanRatio: 1,
    });
  });

  it('is NoData with fewer than 3 points in either series, counting only finite points', () => {
    expect(classifyMetric({ control: [], canary: [1, 2, 3] }).classification).toBe('NoData');
    const result = classifyMetric({
      control: [1, 2, Number.NaN, Number.POSITIVE_INFINITY],
      canary: [1, 2, 3],
      critical: true,
    });
    expect(result).toMatchObject({
      classification: 'NoData',
      controlCount: 2,
      canaryCount: 3,
      critical: true,
      pValue: null,
      u: null,
      hlShift: null,
      meanRatio: null,
    });
    expect(result.reason).toBe('not enough data: 2 control and 3 canary points, at least 3 each needed');
  });

  it('is NoData when the series are too short for any difference to be significant at 98 % (4 against 4)', () => {
    const result = classifyMetric({ control: [1, 2, 3, 4], canary: [11, 12, 13, 14], critical: true });
    expect(result).toMatchObject({ classification: 'NoData', controlCount: 4, canaryCount: 4, pValue: null });
    expect(result.reason).toBe(
      'not enough data: with 4 control and 4 canary points no difference can be significant (p >= 0.0304); ' +
        'lengthen the range or shorten the rate window',
    );
    // One more point and the same separation is significant: High.
    expect(classifyMetric({ control: [1, 2, 3, 4], canary: [11, 12, 13, 14, 15] }).classification).toBe('High');
  });

  it('drops NaN points before testing', () => {
    const withGaps = classifyMetric({
      control: [...higher.control, Number.NaN],
      canary: [Number.NaN, ...higher.canary],
    });
    const clean = classifyMetric({ control: higher.control, canary: higher.canary });
    expect(withGaps).toEqual(clean);
  });

  it('rejects an unknown direction', () => {
    expect(() => classifyMetric({ control: [1, 2, 3], canary: [1, 2, 3], direction: 'up' as never })).toThrow(
      /direction must be increase, decrease or either/,
    );
  });
});

describe('classified metrics, scored', () => {
  it('works end to end from classified reference data', () => {
    const metrics = [
      classifyMetric({ name: 'latency', control: same.control, canary: same.canary, critical: true }),
      classifyMetric({ name: 'errors', control: higher.control, canary: higher.canary, direction: 'increase' }),
      classifyMetric({ name: 'throughput', control: lower.control, canary: lower.canary, direction: 'increase' }),
    ];
    expect(metrics.map((m) => m.classification)).toEqual(['Pass', 'High', 'Pass']);
    const judgement = scoreJudgement(metrics, { pass: 90, marginal: 75 });
    expect(judgement.score).toBeCloseTo(66.667, 3);
    expect(judgement).toMatchObject({ verdict: 'fail', counted: 3, passed: 2 });
  });
});
