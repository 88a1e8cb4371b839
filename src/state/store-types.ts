// The store's public shapes and the names it accepts, apart from the store itself (store.ts).
import { StateStoreError } from './errors.js';
import type { GitIdentity } from '../sys/git.js';
import type { LedgerEntry, RolloutState } from './types.js';

export const DEFAULT_STATE_BRANCH = 'rollouts-state';
export const STATE_FILE = 'state.json';

export interface StateStoreOptions {
  /** Path of the git repository (a work tree or a bare repository). */
  repo: string;
  /** Default `rollouts-state`. */
  branch?: string;
  /** With a remote (e.g. `origin`) the remote branch is the truth: fetched before reads, pushed without force. */
  remote?: string;
  /** Author and committer of state commits; default `rollouts-bot`. */
  identity?: GitIdentity;
  /** Attempts of `update` before it gives up with LostRaceError; default 5. */
  attempts?: number;
  /** Base of the jittered backoff between `update` attempts; default 25 ms. */
  backoffMs?: number;
  /** The live ledger file is sealed and moved to the ledger archive once it passes this size; default 64 KiB. */
  ledgerSegmentBytes?: number;
  /** With a remote: fetch only the tip (`--depth=N`); a compare-and-swap needs nothing older. Default: all. */
  fetchDepth?: number;
  /** Commits since the root after which the next commit is made a fresh root; default DEFAULT_COMPACT_AFTER. */
  compactAfter?: number;
  /** Bytes of blobs written since the root past which the next commit is a fresh root; default DEFAULT_COMPACT_BYTES. */
  compactBytes?: number;
  /** Environment for git; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface ReadOptions {
  /** With a remote: fetch before reading (default true). Pass false to read what the last fetch saw. */
  fetch?: boolean;
}

export interface LedgerReadOptions extends ReadOptions {
  /** Read the ledger as it was at this version. */
  version?: string;
}

export interface ReadResult {
  state: RolloutState | null;
  /** The state branch commit the read saw; null when the branch or the rollout does not exist. */
  version: string | null;
}

export interface StateChange {
  name: string;
  /** The version this change was planned on (from readState, update or a previous commit); null: a new rollout. */
  expected: string | null;
  /** The new state.json; omitted: unchanged. */
  state?: RolloutState;
  /** Entries appended to the ledger, in order. */
  ledger?: readonly LedgerEntry[];
  /** Commit message subject after `<name>: `. */
  message?: string;
}

export interface PlannedChange {
  state?: RolloutState;
  ledger?: readonly LedgerEntry[];
  message?: string;
}

export interface PlanContext {
  version: string | null;
  /** 1 on the first call, 2 after the first lost race, ... */
  attempt: number;
}

/** Computes the change from the current state; null means nothing to write. Re-run after a lost race. */
export type Planner = (
  current: RolloutState | null,
  ctx: PlanContext,
) => PlannedChange | null | Promise<PlannedChange | null>;

export interface UpdateResult {
  state: RolloutState | null;
  version: string | null;
  committed: boolean;
  attempts: number;
}

export interface UpdateOptions {
  attempts?: number;
}

export function assertRolloutName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(name) || name.endsWith('.lock')) {
    throw new StateStoreError(`invalid rollout name for the state branch: ${JSON.stringify(name)}`);
  }
}

export function assertBranchName(branch: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(branch) || /\.\.|\/\/|\/$|\.lock$|\/\./.test(branch)) {
    throw new StateStoreError(`invalid state branch name: ${JSON.stringify(branch)}`);
  }
}
