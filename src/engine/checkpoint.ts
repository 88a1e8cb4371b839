// Batch checkpoints, buffered (DESIGN §5): flushed every `maxBatches` batches or `maxMs`, one commit in flight at a
// time while the next batches run. A crash loses at most the buffer and the commit in flight, and never skips a
// batch: the saved cursor is always the one after the last saved batch.
import type { LedgerEntry, StepProgress } from '../state/index.js';
import type { RolloutSession } from './session.js';

export interface CheckpointPolicy {
  maxBatches: number;
  maxMs: number;
}

/**
 * A checkpoint is a state commit, whose cost is per commit: locally a few round trips through the store's long-lived
 * git processes (about 17 ms for 100 entries, bench/paging.ts), and with a remote a push as well, a network round
 * trip. Every 2 s keeps it near 1 % whatever the batch time, and a crash redoes at most 2 s of batches (replays the
 * target drops by batch key). The batch bound only caps the buffer when batches take well under a millisecond.
 */
export const DEFAULT_CHECKPOINTS: CheckpointPolicy = { maxBatches: 5000, maxMs: 2000 };

export class Checkpointer {
  private entries: LedgerEntry[] = [];
  private progress: StepProgress | null = null;
  private pending = 0;
  private lastFlush = performance.now();
  private inFlight: Promise<unknown> | null = null;
  private failure: unknown = null;
  /** Commits made, for figures. */
  flushes = 0;

  constructor(
    private readonly session: RolloutSession,
    private readonly key: string,
    private readonly policy: CheckpointPolicy = DEFAULT_CHECKPOINTS,
  ) {}

  /**
   * Records one batch; starts a flush in the background when one is due. When a full buffer waits behind the commit
   * in flight, waits for that commit first: commits slower than the batches must not let the buffer (what a crash
   * loses) grow past `maxBatches`. Throws a failure of an earlier flush.
   */
  async record(progress: StepProgress, entry: LedgerEntry): Promise<void> {
    if (this.failure) throw this.failure;
    this.progress = progress;
    this.entries.push(entry);
    // Its line is made now, between batches, rather than all at once in the flush.
    this.session.prepare(entry);
    this.pending++;
    const full = this.pending >= this.policy.maxBatches;
    if (!full && performance.now() - this.lastFlush < this.policy.maxMs) return;
    if (this.inFlight) {
      if (!full) return;
      await this.inFlight;
      if (this.failure) throw this.failure;
    }
    this.startFlush();
  }

  /** Throws the failure of an earlier flush (a lease lost), if any. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Adds ledger entries that move no cursor (a throttle's samples) to the buffer; written with the next flush. */
  note(entries: readonly LedgerEntry[]): void {
    this.entries.push(...entries);
  }

  /** Writes the buffer now (after the flush in flight): a step held between batches shows it, and renews its lease. */
  async flush(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    if (this.failure) throw this.failure;
    if (!this.entries.length && !this.progress) return;
    this.startFlush();
    await this.inFlight;
    if (this.failure) throw this.failure;
  }

  private startFlush(): void {
    const entries = this.entries;
    const progress = this.progress;
    this.entries = [];
    this.pending = 0;
    this.lastFlush = performance.now();
    this.flushes++;
    this.inFlight = this.session
      .commit(
        (s) => {
          if (progress) s.progress = { ...s.progress, [this.key]: progress };
        },
        entries,
        `checkpoint ${this.key} batch ${progress?.batches ?? '?'}`,
      )
      .catch((err: unknown) => {
        this.failure = err;
      })
      .finally(() => {
        this.inFlight = null;
      });
  }

  /** Waits for the flush in flight and writes whatever is buffered. */
  async drain(): Promise<void> {
    await this.flush();
    this.progress = null;
  }
}
