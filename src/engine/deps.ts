// What the engine is handed: the state store, the job's environment, how to report, and the narrow interface to the
// outside (GitHub, notifications) through which it announces what happened. The CLI runs it with no GitHub at all.
import type { Manifest } from '../manifest/index.js';
import type { GitStateStore, LeaseHolder, LedgerTrigger, RolloutState } from '../state/index.js';
import type { Sample } from '../checks/types.js';
import type { CheckpointPolicy } from './checkpoint.js';
import type { Reporter } from './progress.js';

export interface RolloutEvents {
  /** A phase's gate held healthy; `next` is the phase a promotion would move to (null after the last). */
  gateHealthy?(ev: {
    manifest: Manifest;
    phase: string;
    next: string | null;
    state: RolloutState;
  }): Promise<void> | void;
  /** A gate or a step failed with a severity that asks for a rollback of the commit that entered the phase. */
  rollbackRequested?(ev: {
    manifest: Manifest;
    phase: string;
    severity: string;
    reason: string;
    failing: Sample[];
    state: RolloutState;
  }): Promise<void> | void;
  /** A gate paused for a person (medium severity, too many inconclusive samples or errors). */
  paused?(ev: { manifest: Manifest; phase: string; reason: string; state: RolloutState }): Promise<void> | void;
  rollbackStarted?(ev: { manifest: Manifest; from: string; to: string; reason: string }): Promise<void> | void;
  rollbackDone?(ev: { manifest: Manifest; applied: string; ok: boolean; state: RolloutState }): Promise<void> | void;
  phaseApplied?(ev: { manifest: Manifest; phase: string; state: RolloutState }): Promise<void> | void;
}

export interface EngineDeps {
  store: GitStateStore;
  /** Working directory of steps (the repository root). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  me: LeaseHolder;
  leaseTtlMs: number;
  /** The clock-skew margin past a lease's expiry before it is taken over (default: the state layer's). */
  leaseSkewMs?: number;
  reporter: Reporter;
  checkpoints: CheckpointPolicy;
  events: RolloutEvents;
  trigger?: LedgerTrigger;
  now?: () => Date;
  /** The commit that set the manifest's current desired phase (what a revert PR reverts). */
  enteredBy?: (m: Manifest) => Promise<string | undefined>;
  /** Whether the workflow run named in a lease has completed (GitHub side); absent on the CLI. */
  isRunFinished?: (holder: LeaseHolder) => Promise<boolean>;
}
