import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, normalSf, normalTails } from '../../../src/checks/judge/normal.js';

type Row = [number, number, number];
const r = JSON.parse(readFileSync(new URL('../../fixtures/judge/normal.json', import.meta.url), 'utf8')) as {
  rVersion: string;
  pnorm: Row[];
  qnorm: Row[];
};

/** Relative 1e-14, or exact for 0. */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-14);
}

describe(`normal distribution against R (${r.rVersion})`, () => {
  it.each(r.pnorm)('pnorm(%s): both tails to 1e-14, the small tail without cancellation', (x, lower, upper) => {
    expectClose(normalCdf(x), lower);
    expectClose(normalSf(x), upper);
    expect(normalTails(x)).toEqual({ lower: normalCdf(x), upper: normalSf(x) });
  });

  it.each(r.qnorm)('qnorm(%s): lower and upper tail quantiles to 1e-14', (p, lower, upper) => {
    expectClose(normalQuantile(p), lower);
    expectClose(normalQuantile(p, false), upper);
  });

  it('maps the ends of [0, 1] to infinities and rejects probabilities outside it', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(0, false)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalTails(Number.NaN).lower).toBeNaN();
  });
});
