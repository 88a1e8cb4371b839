// A rollout while this process holds its lease: every write is a CAS commit that first proves the lease is still
// ours, renews it, and appends ledger entries (the store masks what it writes). Commits are serialised; a heartbeat renews during long steps.
import {
  claimLease,
  holderLabel,
  isSameHolder,
  LeaseLostError,
  LostRaceError,
  releaseLease,
  withRenewedLease,
  type ClaimOptions,
  type GitStateStore,
  type LeaseHolder,
  type LedgerEntry,
  type LedgerTrigger,
  type RolloutState,
} from '../state/index.js';
import type { Masker } from './mask.js';

export interface EntryInput {
  kind: string;
  /** Who did it, when a person asked (a resume, a retry, an override); default: this process. */
  actor?: string;
  phase?: string;
  step?: string;
  result?: unknown;
  counts?: Record<string, number>;
  durationMs?: number;
  error?: string;
  source?: string;
}

export interface SessionOptions {
  store: GitStateStore;
  name: string;
  me: LeaseHolder;
  ttlMs: number;
  masker: Masker;
  trigger?: LedgerTrigger;
  claim?: ClaimOptions;
  now?: () => Date;
}

export class RolloutSession {
  private queue: Promise<unknown> = Promise.resolve();
  private heartbeat: NodeJS.Timeout | undefined;
  private lastWrite = Date.now();
  private readonly actor: string;

  private constructor(
    private readonly opts: SessionOptions,
    public state: RolloutState,
    /** The state branch version `state` was read or written at: commits are a CAS on it. */
    private version: string | null,
  ) {
    this.actor = holderLabel(opts.me);
  }

  /** Claims the lease; null when a live other holder has it. */
  static async open(opts: SessionOptions): Promise<RolloutSession | null> {
    const claimed = await claimLease(opts.store, opts.name, opts.me, opts.ttlMs, { now: opts.now, ...opts.claim });
    if (!claimed) return null;
    const session = new RolloutSession(opts, claimed.state, claimed.version);
    session.startHeartbeat();
    return session;
  }

  get name(): string {
    return this.opts.name;
  }

  now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  entry(input: EntryInput): LedgerEntry {
    const e: LedgerEntry = {
      ...input,
      time: this.now().toISOString(),
      actor: input.actor ?? this.actor,
      rollout: this.opts.name,
    };
    if (this.opts.trigger) e.trigger = this.opts.trigger;
    return e;
  }

  /**
   * Applies `mutate` to the state as committed (it must be a pure function of it) and appends `ledger`, in one
   * commit. Throws LeaseLostError when another holder took the lease.
   *
   * The commit is a CAS on the version this session last read or wrote, so a checkpoint costs no read (and, with a
   * remote, no fetch). When the rollout changed since (only a lease takeover can do that while we hold the lease),
   * the CAS fails and the commit falls back to read, lease check, write.
   */
  commit(
    mutate: ((s: RolloutState) => void) | null,
    ledger: readonly LedgerEntry[],
    message: string,
  ): Promise<RolloutState> {
    const run = async () => {
      if (this.version) {
        const next = this.planned(this.state, mutate);
        try {
          this.version = await this.opts.store.commit({
            name: this.opts.name,
            expected: this.version,
            state: next,
            ledger,
            message,
          });
          this.state = next;
          this.lastWrite = Date.now();
          return next;
        } catch (err) {
          if (!(err instanceof LostRaceError)) throw err;
        }
      }
      const result = await this.opts.store.update(this.opts.name, (current) => ({
        state: this.planned(current, mutate),
        ledger,
        message,
      }));
      this.version = result.version;
      this.lastWrite = Date.now();
      if (result.state) this.state = result.state;
      return this.state;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** `current` after `mutate`, with the lease renewed; throws LeaseLostError when the lease is not ours. */
  private planned(current: RolloutState | null, mutate: ((s: RolloutState) => void) | null): RolloutState {
    if (!current?.lease || !isSameHolder(current.lease.holder, this.opts.me))
      throw new LeaseLostError(
        `lost the lease of ${this.opts.name}${current?.lease ? ` to ${holderLabel(current.lease.holder)}` : ''}`,
        this.opts.name,
      );
    const next = structuredClone(current);
    mutate?.(next);
    const now = this.now();
    next.updatedAt = now.toISOString();
    return withRenewedLease(next, this.opts.me, this.opts.ttlMs, now);
  }

  private startHeartbeat(): void {
    const every = Math.max(1000, Math.floor(this.opts.ttlMs / 3));
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastWrite < every) return;
      this.commit(null, [], 'lease renewed').catch(() => undefined);
    }, every);
    this.heartbeat.unref();
  }

  /** Stops the heartbeat and gives the lease up. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.queue;
    await releaseLease(this.opts.store, this.opts.name, this.opts.me, { now: this.opts.now }).catch(() => undefined);
  }

  /** Stops the heartbeat without releasing (after a lost lease). */
  abandon(): void {
    clearInterval(this.heartbeat);
  }
}
