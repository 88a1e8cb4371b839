import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  finiteValues,
  hodgesLehmannInterval,
  hodgesLehmannShift,
  mannWhitneyU,
  mannWhitneyShifted,
  meanRatio,
  smallestPValue,
} from '../../../src/checks/judge/stats.js';

interface RCase {
  name: string;
  statistic: number;
  pValue: number | null;
  confInt: [number, number] | null;
  hodgesLehmann: number;
  meanRatio: number;
  control: number[];
  canary: number[];
}
interface SciPyCase {
  name: string;
  u1: number;
  pValue: number;
  control: number[];
  canary: number[];
}
const fixture = <T>(file: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/judge/${file}`, import.meta.url), 'utf8')) as T;
const r = fixture<{ rVersion: string; confLevel: number; cases: RCase[] }>('mannwhitney.json');
const scipy = fixture<{ scipyVersion: string; cases: SciPyCase[] }>('scipy-mannwhitneyu.json');

/** |actual - expected| <= 1e-9 x |expected| (absolute 1e-300 for an expected 0). */
function expectClose(actual: number | undefined, expected: number, what: string): void {
  const tolerance = Math.max(Math.abs(expected) * 1e-9, 1e-300);
  if (actual === undefined || !(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`${what}: got ${actual}, expected ${expected} (relative tolerance 1e-9)`);
  }
}

describe(`mannWhitneyU against R (${r.rVersion}) wilcox.test(exact = FALSE, correct = TRUE)`, () => {
  it('covers the reference cases the judge needs', () => {
    expect(r.cases.length).toBeGreaterThanOrEqual(12);
    expect(Math.max(...r.cases.map((c) => c.control.length))).toBe(500);
  });

  it.each(r.cases.map((c) => [c.name, c] as const))('%s: U equals W and the p-value matches to 1e-9', (_name, c) => {
    const result = mannWhitneyU(c.control, c.canary);
    expect(result.u).toBe(c.statistic);
    if (c.pValue === null)
      expect(result.pValue).toBe(1); // all tied: R says NaN, the judge (and SciPy) 1
    else expectClose(result.pValue, c.pValue, 'p-value');
  });
});

describe(`mannWhitneyU against SciPy ${scipy.scipyVersion} mannwhitneyu(method='asymptotic')`, () => {
  it.each(scipy.cases.map((c) => [c.name, c] as const))('%s: U1 and p-value match to 1e-9', (_name, c) => {
    const result = mannWhitneyU(c.control, c.canary);
    expect(result.u).toBe(c.u1);
    expectClose(result.pValue, c.pValue, 'p-value');
  });

  it('gives the documented U1 = 17 for the males/females example', () => {
    const males = [19, 22, 16, 29, 24];
    const females = [20, 11, 17, 12];
    expect(mannWhitneyU(males, females).u).toBe(17);
    expect(mannWhitneyU(males, females).pValue).toBeCloseTo(0.1113, 4);
  });

  it('is symmetric: swapping the series gives U2 = n1 n2 - U1 and the same p-value', () => {
    const c = r.cases.find((x) => x.name === 'unequal-sizes-30-200')!;
    const forward = mannWhitneyU(c.control, c.canary);
    const backward = mannWhitneyU(c.canary, c.control);
    expect(backward.u).toBe(c.control.length * c.canary.length - forward.u);
    expectClose(backward.pValue, forward.pValue, 'p-value');
  });
});

describe('hodgesLehmannShift', () => {
  it.each(r.cases.map((c) => [c.name, c] as const))('%s: equals R median(outer(canary, control, "-"))', (_name, c) => {
    expectClose(hodgesLehmannShift(c.control, c.canary), c.hodgesLehmann, 'HL shift');
  });

  it('equals the median of the sorted differences for any series, ties and odd or even counts included', () => {
    const series = fc.array(
      fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
      { minLength: 1, maxLength: 40 },
    );
    fc.assert(
      fc.property(series, series, (control, canary) => {
        const differences = canary.flatMap((y) => control.map((x) => y - x)).sort((a, b) => a - b);
        const n = differences.length;
        const median = n % 2 ? differences[(n - 1) / 2]! : (differences[n / 2 - 1]! + differences[n / 2]!) / 2;
        return hodgesLehmannShift(control, canary) === median + 0;
      }),
      { numRuns: 500 },
    );
  });

  it('is the shift itself when the canary is the control moved by a constant', () => {
    expect(hodgesLehmannShift([1, 2, 3, 4, 5], [11, 12, 13, 14, 15])).toBe(10);
  });
});

describe('hodgesLehmannInterval', () => {
  const withInterval = r.cases.filter((c) => c.confInt !== null);

  it.each(withInterval.map((c) => [c.name, c] as const))(
    '%s: equals R conf.int at 98 % (negated: canary - control)',
    (_name, c) => {
      const [lower, upper] = hodgesLehmannInterval(c.control, c.canary, r.confLevel);
      expectClose(lower, -c.confInt![1], 'lower bound');
      expectClose(upper, -c.confInt![0], 'upper bound');
    },
  );

  it('contains the HL shift in every reference case', () => {
    for (const c of withInterval) {
      const [lower, upper] = hodgesLehmannInterval(c.control, c.canary);
      const shift = hodgesLehmannShift(c.control, c.canary);
      expect(lower - 1e-3 * Math.abs(shift)).toBeLessThanOrEqual(shift);
      expect(upper + 1e-3 * Math.abs(shift)).toBeGreaterThanOrEqual(shift);
    }
  });

  it('is the point shift for two constant series, where R cannot compute one', () => {
    expect(hodgesLehmannInterval([5, 5, 5], [7, 7, 7, 7])).toEqual([2, 2]);
  });
});

describe('meanRatio', () => {
  it.each(r.cases.filter((c) => c.name !== 'constant-identical').map((c) => [c.name, c] as const))(
    '%s: equals R mean(canary)/mean(control)',
    (_name, c) => {
      expectClose(meanRatio(c.control, c.canary) ?? undefined, c.meanRatio, 'mean ratio');
    },
  );

  it('is null when the control mean is 0, whatever the canary', () => {
    expect(meanRatio([0, 0, 0], [1, 2, 3])).toBeNull();
    expect(meanRatio([-1, 1, 0], [0, 0, 0])).toBeNull();
  });
});

const plain = fixture<{
  python: string;
  smallest: { nx: number; ny: number; pValue: number }[];
  shifted: { case: string; at: string; shift: number; u: number; pValue: number; z: number }[];
}>('mannwhitney-python.json');
const rCase = (name: string): RCase => r.cases.find((c) => c.name === name)!;

describe(`mannWhitneyShifted against plain Python ${plain.python} (control + shift against canary)`, () => {
  it.each(plain.shifted.map((c) => [c.case, c.at, c] as const))('%s at shift %s: U, p and z match', (_n, _at, c) => {
    const { control, canary } = rCase(c.case);
    const result = mannWhitneyShifted(control, canary, c.shift);
    expect(result.u).toBe(c.u);
    expectClose(result.pValue, c.pValue, 'p-value');
    expectClose(result.z, c.z, 'z');
  });

  it('at shift 0 is mannWhitneyU', () => {
    for (const c of r.cases)
      expect(mannWhitneyShifted(c.control, c.canary, 0)).toEqual(mannWhitneyU(c.control, c.canary));
  });

  // R's conf.int is of control - canary and its bounds are found to an absolute 1e-4; 1e-3 either side is decisive.
  it.each(
    [
      'small-hollander-wolfe',
      'large-500-shift-up',
      'shifted-normal-100',
      'one-sided-canary-higher',
      'one-sided-canary-lower',
      'complete-separation-50',
      'unequal-sizes-30-200',
    ].map((n) => [n]),
  )("%s: a shift just outside R's 98 %% interval is rejected (p < 0.02), one just inside is not", (name) => {
    const c = rCase(name);
    const [lower, upper] = [-c.confInt![1], -c.confInt![0]];
    const p = (shift: number) => mannWhitneyShifted(c.control, c.canary, shift);
    expect(p(lower - 1e-3).pValue).toBeLessThan(0.02);
    expect(p(lower - 1e-3).z).toBeLessThan(0); // the canary lies above control + shift
    expect(p(lower + 1e-3).pValue).toBeGreaterThanOrEqual(0.02);
    expect(p(upper - 1e-3).pValue).toBeGreaterThanOrEqual(0.02);
    expect(p(upper + 1e-3).pValue).toBeLessThan(0.02);
    expect(p(upper + 1e-3).z).toBeGreaterThan(0);
  });
});

describe(`smallestPValue against plain Python ${plain.python} (ranked samples, math.erfc)`, () => {
  it.each(plain.smallest.map((c) => [c.nx, c.ny, c] as const))('%d against %d points', (_nx, _ny, c) => {
    expectClose(smallestPValue(c.nx, c.ny), c.pValue, 'smallest p-value');
  });

  it('is the p-value mannWhitneyU gives when every control point is below every canary point', () => {
    for (const [nx, ny] of [
      [5, 5],
      [4, 9],
      [31, 31],
    ] as const) {
      const control = Array.from({ length: nx }, (_, i) => i);
      const canary = Array.from({ length: ny }, (_, j) => nx + j);
      expectClose(smallestPValue(nx, ny), mannWhitneyU(control, canary).pValue, `${nx} vs ${ny}`);
    }
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => smallestPValue(0, 3)).toThrow(RangeError);
    expect(() => smallestPValue(2.5, 3)).toThrow(RangeError);
  });
});

describe('finiteValues', () => {
  it('drops NaN and infinities and keeps order', () => {
    expect(finiteValues([1, Number.NaN, 2, Number.POSITIVE_INFINITY, -3, Number.NEGATIVE_INFINITY, 0])).toEqual([
      1, 2, -3, 0,
    ]);
  });
});

describe('input checks', () => {
  it('refuses NaN, infinities and empty series instead of returning garbage', () => {
    expect(() => mannWhitneyU([1, Number.NaN, 3], [1, 2, 3])).toThrow(/finite values only/);
    expect(() => hodgesLehmannShift([1, 2, 3], [Number.POSITIVE_INFINITY])).toThrow(/finite values only/);
    expect(() => hodgesLehmannInterval([], [1, 2])).toThrow(/at least one value in each series/);
  });
});
