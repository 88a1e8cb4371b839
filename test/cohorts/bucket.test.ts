import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketOf, inCohort } from '../../src/cohorts/bucket.js';

interface BucketCase {
  salt: string;
  id: string;
  bucket: number;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/cohorts/buckets.json', import.meta.url), 'utf8')) as {
  cases: BucketCase[];
};

describe('bucketOf', () => {
  it('matches the buckets computed independently with Python hashlib (stable across runs and machines)', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(50);
    for (const c of fixture.cases) expect({ ...c, bucket: bucketOf(c.salt, c.id) }).toEqual(c);
  });

  it('stays in [0, 100000) and is an integer for any salt and id', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (salt, id) => {
        const b = bucketOf(salt, id);
        return Number.isInteger(b) && b >= 0 && b < BUCKET_COUNT;
      }),
    );
  });

  it('changes with the salt, so two rollouts do not hit the same tenants first', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `org_${i}`);
    const same = ids.filter((id) => bucketOf('byok', id) === bucketOf('flag-ramp', id)).length;
    expect(same).toBeLessThan(5);
  });
});

describe('inCohort', () => {
  it('is nested: an id in p % is in every q % >= p with the same salt', () => {
    const percent = fc.double({ min: 0, max: 100, noNaN: true });
    fc.assert(
      fc.property(fc.string(), fc.string(), percent, percent, (salt, id, a, b) => {
        const [p, q] = a <= b ? [a, b] : [b, a];
        return !inCohort(salt, id, p) || inCohort(salt, id, q);
      }),
      { numRuns: 2000 },
    );
  });

  it('nests whole cohorts: the p % set of a listing is a subset of its q % set', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `tenant-${i}`);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (a, b) => {
        const [p, q] = a <= b ? [a / 1000, b / 1000] : [b / 1000, a / 1000];
        const big = new Set(ids.filter((id) => inCohort('s', id, q)));
        return ids.filter((id) => inCohort('s', id, p)).every((id) => big.has(id));
      }),
      { numRuns: 50 },
    );
  });

  it.each([1, 10, 25, 50, 90])(
    'selects %s percent of 100,000 ids within +-1 percent point of the target',
    (percent) => {
      let hits = 0;
      for (let i = 0; i < 100_000; i++) if (inCohort('share-test', `org_${i}`, percent)) hits++;
      expect(Math.abs(hits / 1000 - percent)).toBeLessThanOrEqual(1);
    },
  );

  it('takes fractional percents: 2.5 % is exactly the buckets below 2500', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `org_${i}`);
    const below = ids.filter((id) => bucketOf('byok', id) < 2500);
    const justAbove = ids.filter((id) => bucketOf('byok', id) >= 2500 && bucketOf('byok', id) < 3000);
    expect(below.length).toBeGreaterThan(0);
    expect(justAbove.length).toBeGreaterThan(0);
    expect(ids.filter((id) => inCohort('byok', id, 2.5))).toEqual(below);
  });

  it('puts nobody in 0 % and everybody in 100 %', () => {
    for (const c of fixture.cases) {
      expect(inCohort(c.salt, c.id, 0)).toBe(false);
      expect(inCohort(c.salt, c.id, 100)).toBe(true);
    }
  });

  it.each([-1, 100.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects the percent %s', (percent) => {
    expect(() => inCohort('s', 'id', percent)).toThrow(/cohort percent must be a number in \[0, 100\]/);
  });
});
