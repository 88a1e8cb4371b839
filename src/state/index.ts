export {
  ROLLOUT_STATUSES,
  KEPT_DRILLS,
  rolloutState as rolloutStateSchema,
  type RolloutStatus,
  type RolloutState,
  type RolloutHold,
  type RolloutFailure,
  type PauseRequest,
  type LeaseHolder,
  type Lease,
  type StepProgress,
  type GateSample,
  type GateState,
  type CohortState,
  type LedgerTrigger,
  type LedgerEntry,
  type DrillRecord,
} from './types.js';
export * from './errors.js';
export { parseStateFile, checkPhases } from './state-file.js';
export {
  GitStateStore,
  DEFAULT_STATE_BRANCH,
  DEFAULT_COMPACT_AFTER,
  DEFAULT_COMPACT_BYTES,
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
