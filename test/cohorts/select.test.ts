import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inCohort } from '../../src/cohorts/bucket.js';
import { cohortAdded, parseCohortListing, selectCohort } from '../../src/cohorts/select.js';

const listing = Array.from({ length: 500 }, (_, i) => `org_${i}`);

describe('selectCohort', () => {
  it('returns the given ids, without duplicates, in their order', () => {
    expect(selectCohort({ ids: ['org_2', 'org_1', 'org_2'] })).toEqual({ ids: ['org_2', 'org_1'] });
  });

  it('returns everyone (ids null) for a phase without cohort', () => {
    expect(selectCohort(undefined)).toEqual({ ids: null });
    expect(selectCohort({ salt: 'byok' })).toEqual({ ids: null });
  });

  it('picks the listed ids in the percent cohort, in the order of the listing', () => {
    const { ids } = selectCohort({ percent: 10, salt: 'byok' }, listing);
    expect(ids).toEqual(listing.filter((id) => inCohort('byok', id, 10)));
    expect(ids!.length).toBeGreaterThan(25);
    expect(ids!.length).toBeLessThan(80);
  });

  it('uses the default salt (the rollout name) when the cohort has none', () => {
    expect(selectCohort({ percent: 25 }, listing, 'byok')).toEqual(
      selectCohort({ percent: 25, salt: 'byok' }, listing),
    );
    expect(selectCohort({ percent: 25, salt: 'other' }, listing, 'byok')).not.toEqual(
      selectCohort({ percent: 25, salt: 'byok' }, listing),
    );
  });

  it('keeps the ids of a smaller percent inside a larger one, whatever order the listing comes in', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(listing, { minLength: 1 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        (list, a, b) => {
          const [p, q] = a <= b ? [a, b] : [b, a];
          const big = new Set(selectCohort({ percent: q, salt: 'ramp' }, list).ids);
          return selectCohort({ percent: p, salt: 'ramp' }, list).ids!.every((id) => big.has(id));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('needs a listing and a salt for a percent cohort, and refuses ids with percent', () => {
    expect(() => selectCohort({ percent: 10, salt: 'byok' })).toThrow(/needs the listing of ids/);
    expect(() => selectCohort({ percent: 10 }, listing)).toThrow(/needs a salt/);
    expect(() => selectCohort({ ids: ['a'], percent: 10, salt: 's' }, listing)).toThrow(/either ids or percent/);
  });
});

describe('cohortAdded', () => {
  it('is the ids of this phase not in the previous phase', () => {
    expect(cohortAdded({ ids: ['a', 'b', 'c', 'd'] }, ['b', 'd'])).toEqual(['a', 'c']);
  });

  it('is all of this phase for the first phase', () => {
    expect(cohortAdded({ ids: ['a', 'b'] }, undefined)).toEqual(['a', 'b']);
    expect(cohortAdded({ ids: ['a', 'b'] }, [])).toEqual(['a', 'b']);
  });

  it('is null (everyone) for a phase covering everyone, after anything', () => {
    expect(cohortAdded({ ids: null }, ['a'])).toBeNull();
    expect(cohortAdded({ ids: null }, null)).toBeNull();
    expect(cohortAdded({ ids: null }, [])).toBeNull();
  });

  it('is empty for a phase with ids after a phase that covered everyone', () => {
    expect(cohortAdded({ ids: ['a'] }, null)).toEqual([]);
  });

  it('gives the ramp step ids for nested percent phases: 10 % -> 25 % adds exactly the new buckets', () => {
    const ten = selectCohort({ percent: 10, salt: 'byok' }, listing);
    const quarter = selectCohort({ percent: 25, salt: 'byok' }, listing);
    const added = cohortAdded(quarter, ten.ids)!;
    expect(added.length).toBe(quarter.ids!.length - ten.ids!.length);
    expect([...added, ...ten.ids!].sort()).toEqual([...quarter.ids!].sort());
  });
});

describe('parseCohortListing', () => {
  it('accepts an array of ids', () => {
    expect(parseCohortListing(['org_1', 'org_2'])).toEqual(['org_1', 'org_2']);
  });

  it('accepts an object with an ids array and ignores its other fields', () => {
    expect(parseCohortListing({ ids: ['org_1'], nextCursor: null })).toEqual(['org_1']);
  });

  it('drops duplicate ids, keeping the first occurrence', () => {
    expect(parseCohortListing(['b', 'a', 'b'])).toEqual(['b', 'a']);
  });

  it.each([
    [null, 'got null'],
    ['org_1', 'got string "org_1"'],
    [42, 'got number 42'],
    [{ items: [] }, 'got an object with keys items'],
    [{ ids: 'org_1' }, 'got an object with keys ids'],
  ])('rejects %j with a clear message', (value, detail) => {
    expect(() => parseCohortListing(value)).toThrow(
      `cohort listing must be an array of ids or {ids: [...]}, ${detail}`,
    );
  });

  it('rejects ids that are not non-empty strings, naming the position', () => {
    expect(() => parseCohortListing(['a', 7])).toThrow(/id #1 is number 7, not a non-empty string/);
    expect(() => parseCohortListing({ ids: [''] })).toThrow(/id #0 is string "", not a non-empty string/);
  });
});
