// One small interface for step drivers (DESIGN §3 "Steps"): adding a driver is adding a file.
import type { StepDriverKind } from '../manifest/index.js';

/** What a call returns; CEL conditions (`expect`, `paginate`) see it as `result`. */
export interface StepResult {
  json?: unknown;
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** The function's log lines (the native `convex:` call), kept in the ledger. */
  logLines?: string[];
}

export interface DriverCall {
  /** The driver's configuration with templates already rendered. */
  config: unknown;
  /** The same configuration as the manifest has it, before templates (what a driver's own argument rules look at). */
  written?: unknown;
  /** Environment the call may see: the manifest's `env:` names plus ROLLOUTS_IDEMPOTENCY_KEY. */
  env: Record<string, string>;
  idempotencyKey: string;
  /** The rollout's lease epoch the call is sent under (the fencing token), when a lease holder sends it. */
  lease?: { rollout: string; epoch: number };
  signal: AbortSignal;
  cwd: string;
}

/**
 * A failed call. `retryable` tells the step runner whether another attempt may succeed (timeouts, refused
 * connections, 5xx, 429, a process that failed) or not (a 4xx: the request itself is wrong).
 */
export class StepCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly result?: StepResult,
  ) {
    super(message);
  }
}

export interface StepDriver {
  kind: StepDriverKind;
  /**
   * Performs one call. Resolves with the result when it succeeded by the driver's own rule; else throws StepCallError.
   */
  call(call: DriverCall, opts: { judgedByExpect: boolean }): Promise<StepResult>;
}
