import { inCohort } from './bucket.js';

/** A phase's `cohort:` as far as selection needs it (`from` has already been run into a listing by the caller). */
export interface CohortSpec {
  ids?: readonly string[] | undefined;
  percent?: number | undefined;
  salt?: string | undefined;
}

/** The ids a phase applies to; `null` means everyone (a phase without `cohort`). */
export interface CohortSelection {
  ids: string[] | null;
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/**
 * The ids of a phase's cohort.
 * - `ids` given: those ids (duplicates dropped, order kept).
 * - `percent` given: the ids of `listing` (the `from:` step's output) whose bucket under the salt is in the percent,
 *   in the listing's order. The salt is `cohort.salt`, else `defaultSalt` (the rollout name, per the schema).
 * - neither: everyone, `{ids: null}`.
 */
export function selectCohort(
  cohort: CohortSpec | null | undefined,
  listing?: readonly string[] | null,
  defaultSalt?: string,
): CohortSelection {
  if (!cohort || (cohort.ids === undefined && cohort.percent === undefined)) return { ids: null };
  if (cohort.ids !== undefined && cohort.percent !== undefined) {
    throw new Error('cohort takes either ids or percent, not both');
  }
  if (cohort.ids !== undefined) return { ids: unique(cohort.ids) };

  const percent = cohort.percent as number;
  const salt = cohort.salt ?? defaultSalt;
  if (salt === undefined || salt === '') {
    throw new Error('cohort percent needs a salt (cohort.salt, else the rollout name)');
  }
  if (!listing) throw new Error(`cohort percent ${percent} needs the listing of ids from its \`from:\` step`);
  return { ids: unique(listing).filter((id) => inCohort(salt, id, percent)) };
}

/**
 * `cohort.added`: the ids new in this phase compared with the ids the previous phase covered.
 * `previousIds`: the previous phase's `cohort.ids`; `[]` or undefined when there is no previous phase, `null` when
 * the previous phase covered everyone.
 * - this phase is everyone (null): null. Which ids were "not yet done" cannot be known by ids, and a phase for
 *   everyone after another phase for everyone (one flag a phase) did apply to everyone; callers treat null as
 *   everyone.
 * - this phase has ids, the previous covered everyone: [] (nothing is new).
 * - both have ids: this phase's ids not in the previous phase's, in this phase's order.
 */
export function cohortAdded(
  current: CohortSelection,
  previousIds: readonly string[] | null | undefined,
): string[] | null {
  if (current.ids === null) return null;
  if (previousIds === null) return [];
  const before = new Set(previousIds ?? []);
  return current.ids.filter((id) => !before.has(id));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    return keys.length
      ? `an object with keys ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', ...' : ''}`
      : 'an empty object';
  }
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}...` : text}`;
}

/**
 * The ids listed by a cohort's `from:` step (its `result.json`): an array of ids, or an object with an `ids` array.
 * Ids must be non-empty strings; duplicates are dropped, order kept.
 */
export function parseCohortListing(json: unknown): string[] {
  let list: unknown = json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    list = (json as { ids?: unknown }).ids;
    if (!Array.isArray(list)) {
      throw new Error(`cohort listing must be an array of ids or {ids: [...]}, got ${describe(json)}`);
    }
  }
  if (!Array.isArray(list)) {
    throw new Error(`cohort listing must be an array of ids or {ids: [...]}, got ${describe(json)}`);
  }
  list.forEach((id, index) => {
    if (typeof id !== 'string' || id === '') {
      throw new Error(
        `cohort listing must be an array of ids or {ids: [...]}: id #${index} is ${describe(id)}, not a non-empty string`,
      );
    }
  });
  return unique(list as string[]);
}
