// The JSON shapes kept on the state branch (DESIGN §4, §5). Keys are the DESIGN's names: `rollouts status --json`
// prints them as they are.

export type RolloutStatus =
  'none' | 'applying' | 'holding' | 'healthy' | 'failed' | 'paused' | 'rolling-back' | 'rolled-back' | 'complete';

export interface LeaseHolder {
  host: string;
  pid: number;
  /** The workflow run (GitHub `run_id`, or `run_id/attempt`) when the holder runs in Actions. */
  runId?: string;
  startedAt: string;
}

/** ISO times. */
export interface Lease {
  holder: LeaseHolder;
  expiresAt: string;
}

export interface StepProgress {
  done: boolean;
  batches: number;
  items: number;
  cursor: unknown;
  startedAt?: string;
  finishedAt?: string;
}

export interface GateState {
  phase: string;
  startedAt: string;
  passesAt: string;
  samples: unknown[];
  baseline?: Record<string, number>;
  [k: string]: unknown;
}

export interface CohortState {
  ids: string[] | null;
  added: string[] | null;
  percent?: number;
}

export interface RolloutState {
  name: string;
  /** Phase name or 'none'. */
  applied: string;
  status: RolloutStatus;
  /** Commit sha of the manifest change that entered `applied` (what a revert PR reverts). */
  enteredBy?: string;
  /** Current step name. */
  step?: string | null;
  /** Keyed `${phase}/${stepKind}/${step}`, e.g. 'full/apply/backfill'. */
  progress?: Record<string, StepProgress>;
  gate?: GateState | null;
  /** Per applied phase. */
  cohorts?: Record<string, CohortState>;
  lease?: Lease | null;
  updatedAt: string;
  /** The engine may add fields. */
  [k: string]: unknown;
}

export interface LedgerTrigger {
  event: string;
  commit?: string;
  pr?: number;
}

export interface LedgerEntry {
  time: string;
  actor: string;
  trigger?: LedgerTrigger;
  rollout: string;
  phase?: string;
  step?: string;
  kind: string;
  result?: unknown;
  counts?: Record<string, number>;
  durationMs?: number;
  error?: string;
  [k: string]: unknown;
}
