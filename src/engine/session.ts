// A rollout while this process holds its lease: every write is a CAS commit that first proves the lease is still
// ours (same holder, same epoch: the fencing token a takeover increments), renews it, and appends ledger entries
// (the store masks what it writes). Commits are serialised; a heartbeat renews during long steps, and `fence()` proves
// the lease current before a batch is sent: a lease renewed half a TTL ago or more (by this process's monotonic clock)
// is renewed first, and one that cannot be renewed stops the holder with LeaseLostError.
//
// A lean session (`adopt`) holds no lease: it is a pass that only samples a gate. Its first commit is a CAS on the
// version it read with the lease free, so claim, sample and release are that one commit; a rollout that moved
// meanwhile (another run claimed it) fails that CAS, and the lean pass stops with LeaseLostError, having written
// nothing.
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

/** A ledger entry of `rollout`, stamped now; the one builder of entries, with or without a session. */
export function ledgerEntry(
  at: { time: Date; rollout: string; actor: string; trigger?: LedgerTrigger },
  input: EntryInput,
): LedgerEntry {
  const e: LedgerEntry = { ...input, time: at.time.toISOString(), actor: input.actor ?? at.actor, rollout: at.rollout };
  if (at.trigger) e.trigger = at.trigger;
  return e;
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
  /** performance.now() when the last commit that renewed the lease started (its expiresAt was computed after). */
  private renewedAt = performance.now();
  private readonly actor: string;
  /** The lease epoch this session holds (the fencing token); checked by every commit. */
  readonly epoch: number;

  private constructor(
    private readonly opts: SessionOptions,
    public state: RolloutState,
    /** The state branch version `state` was read or written at: commits are a CAS on it. */
    private version: string | null,
    /** Holds no lease: commits are a CAS on `version` and keep the lease free. */
    readonly lean = false,
  ) {
    this.actor = holderLabel(opts.me);
    this.epoch = state.epoch ?? 0;
  }

  /** Claims the lease; null when a live other holder has it. */
  static async open(opts: SessionOptions): Promise<RolloutSession | null> {
    const started = performance.now();
    const claimed = await claimLease(opts.store, opts.name, opts.me, opts.ttlMs, { now: opts.now, ...opts.claim });
    if (!claimed) return null;
    const session = new RolloutSession(opts, claimed.state, claimed.version);
    session.renewedAt = started;
    session.startHeartbeat();
    return session;
  }

  /** A lean session on `state` as read at `version`, whose lease is free: it claims nothing until it commits. */
  static adopt(opts: SessionOptions, state: RolloutState, version: string): RolloutSession {
    if (state.lease) throw new Error(`adopt: the lease of ${opts.name} is not free`);
    return new RolloutSession(opts, state, version, true);
  }

  get name(): string {
    return this.opts.name;
  }

  now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** Masks and serialises an entry that a later commit will write, now (GitStateStore.prepareLedger). */
  prepare(entry: LedgerEntry): void {
    this.opts.store.prepareLedger(entry);
  }

  entry(input: EntryInput): LedgerEntry {
    const at = { time: this.now(), rollout: this.opts.name, actor: this.actor, trigger: this.opts.trigger };
    return ledgerEntry(at, input);
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
      const started = performance.now();
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
          this.renewedAt = started;
          return next;
        } catch (err) {
          if (!(err instanceof LostRaceError)) throw err;
          if (this.lean) throw new LeaseLostError(`${this.opts.name} was moved by another run`, this.opts.name);
        }
      }
      const result = await this.opts.store.update(this.opts.name, (current) => ({
        state: this.planned(current, mutate),
        ledger,
        message,
      }));
      this.version = result.version;
      this.renewedAt = started;
      if (result.state) this.state = result.state;
      return this.state;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /**
   * `current` after `mutate`, with the lease renewed; throws LeaseLostError when the lease is not ours: another
   * holder, or our holder at another epoch (the lease was taken over and claimed again since).
   */
  private planned(current: RolloutState | null, mutate: ((s: RolloutState) => void) | null): RolloutState {
    const lease = current?.lease;
    if (this.lean ? !current || !!lease : !lease || !isSameHolder(lease.holder, this.opts.me))
      throw new LeaseLostError(
        `lost the lease of ${this.opts.name}${lease ? ` to ${holderLabel(lease.holder)}` : ''}`,
        this.opts.name,
      );
    if ((current!.epoch ?? 0) !== this.epoch)
      throw new LeaseLostError(
        `lost the lease of ${this.opts.name}: its epoch is ${current!.epoch ?? 0}, this run held ${this.epoch}`,
        this.opts.name,
      );
    const next = structuredClone(current!);
    mutate?.(next);
    const now = this.now();
    next.updatedAt = now.toISOString();
    return this.lean ? next : withRenewedLease(next, this.opts.me, this.opts.ttlMs, now);
  }

  /**
   * Proves the lease is current before something is sent to a target, and returns its epoch: when the last renewal
   * started half a TTL ago or more, renews it first (a CAS commit). Throws LeaseLostError when it cannot: the
   * holder must stop sending.
   */
  fence(): number | Promise<number> {
    if (this.lean) throw new LeaseLostError(`${this.opts.name}: a gate-sampling pass holds no lease`, this.opts.name);
    // The common case answers at once: a batch loop asks before every call.
    return performance.now() - this.renewedAt < this.opts.ttlMs / 2 ? this.epoch : this.renewForFence();
  }

  private async renewForFence(): Promise<number> {
    try {
      await this.commit(null, [], 'lease renewed');
    } catch (err) {
      if (err instanceof LostRaceError)
        throw new LeaseLostError(`cannot prove the lease of ${this.opts.name}: ${err.message}`, this.opts.name);
      throw err;
    }
    if (performance.now() - this.renewedAt >= this.opts.ttlMs / 2)
      throw new LeaseLostError(`cannot renew the lease of ${this.opts.name} in time`, this.opts.name);
    return this.epoch;
  }

  private startHeartbeat(): void {
    const every = Math.max(500, Math.floor(this.opts.ttlMs / 4));
    this.heartbeat = setInterval(() => {
      if (performance.now() - this.renewedAt < every) return;
      this.commit(null, [], 'lease renewed').catch(() => undefined);
    }, every);
    this.heartbeat.unref();
  }

  /** Stops the heartbeat and gives the lease up. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.queue;
    if (this.lean) return;
    await releaseLease(this.opts.store, this.opts.name, this.opts.me, { now: this.opts.now }).catch(() => undefined);
  }

  /** Stops the heartbeat without releasing (after a lost lease). */
  abandon(): void {
    clearInterval(this.heartbeat);
  }
}
