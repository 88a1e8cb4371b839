export * from './types.js';
export * from './errors.js';
export {
  GitStateStore,
  DEFAULT_STATE_BRANCH,
  assertRolloutName,
  type StateStoreOptions,
  type ReadOptions,
  type LedgerReadOptions,
  type ReadResult,
  type StateChange,
  type PlannedChange,
  type PlanContext,
  type Planner,
  type UpdateResult,
  type UpdateOptions,
} from './store.js';
export * from './lease.js';
export { DEFAULT_IDENTITY, type GitIdentity } from './git.js';
