export { BUCKET_COUNT, bucketOf, inCohort } from './bucket.js';
export { cohortAdded, parseCohortListing, selectCohort } from './select.js';
export type { CohortSelection, CohortSpec } from './select.js';
