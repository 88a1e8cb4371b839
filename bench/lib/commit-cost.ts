// The cost of one checkpoint commit: N commits of the state store, each the rollout's progress plus 100 batch
// entries, as the engine's Checkpointer writes them. Measured both through RolloutSession.commit (what a checkpoint
// is: read, lease check, CAS commit) and through GitStateStore.commit on a known version (the write alone).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { currentHolder, GitStateStore, type LedgerEntry, type RolloutState } from '../../src/state/index.js';
import { Masker } from '../../src/engine/mask.js';
import { RolloutSession } from '../../src/engine/session.js';
import { git } from './rollout-repo.js';
import { median } from './stats.js';
import { childrenCpuMs, cpuMs } from './child.js';

export interface CommitCost {
  commits: number;
  entriesPerCommit: number;
  /** Median ms of one RolloutSession.commit (a checkpoint). */
  sessionCommitMs: number;
  /** CPU ms of this process per session commit (mean), and of its git children (Linux; null elsewhere). */
  sessionCpuMs: number;
  sessionGitCpuMs: number | null;
  /** Median ms of one GitStateStore.commit with the expected version known. */
  storeCommitMs: number;
  storeCpuMs: number;
  storeGitCpuMs: number | null;
  /** Ledger bytes appended per commit. */
  bytesPerCommit: number;
}

const NAME = 'bench-commits';

function batchEntry(batch: number): LedgerEntry {
  return {
    time: new Date().toISOString(),
    actor: 'bench:1',
    rollout: NAME,
    phase: 'full',
    step: 'backfill',
    kind: 'batch',
    counts: { batch, items: 1 },
    result: {
      status: 200,
      source: 'paginated',
      dryRun: false,
      processed: 1,
      updated: 1,
      unchanged: 0,
      failed: 0,
      nextCursor: Buffer.from(`after:org_${batch}`).toString('base64url'),
      hasNextPage: true,
    },
    durationMs: 1,
  };
}

function cpuNow(): { self: number; git: number | null } {
  return { self: cpuMs(), git: childrenCpuMs() };
}

function cpuSince(start: { self: number; git: number | null }, n: number): { self: number; git: number | null } {
  const now = cpuNow();
  return {
    self: (now.self - start.self) / n,
    git: now.git === null || start.git === null ? null : (now.git - start.git) / n,
  };
}

const entriesFrom = (first: number, n: number) => Array.from({ length: n }, (_, i) => batchEntry(first + i));

export async function measureCommitCost(work: string, commits: number, perCommit = 100): Promise<CommitCost> {
  await mkdir(work, { recursive: true });
  const repo = await mkdtemp(join(work, 'commits-'));
  try {
    await git(repo, ['init', '-q', '-b', 'main']);
    const store = new GitStateStore({ repo });
    const session = await RolloutSession.open({
      store,
      name: NAME,
      me: currentHolder(),
      ttlMs: 120_000,
      masker: new Masker(),
    });
    if (!session) throw new Error('could not claim the lease of a fresh repository');
    const sessionMs: number[] = [];
    let batch = 0;
    const session0 = cpuNow();
    try {
      for (let i = 0; i < commits; i++) {
        const entries = entriesFrom(batch, perCommit);
        batch += perCommit;
        const progress = { done: false, batches: batch, items: batch, cursor: `c${batch}` };
        const t0 = performance.now();
        await session.commit(
          (s) => void (s.progress = { ...s.progress, 'full/apply/backfill': progress }),
          entries,
          `checkpoint batch ${batch}`,
        );
        sessionMs.push(performance.now() - t0);
      }
    } finally {
      await session.close();
    }
    const sessionCpu = cpuSince(session0, commits);
    const storeMs: number[] = [];
    let { state, version } = await store.readState(NAME);
    const store0 = cpuNow();
    for (let i = 0; i < commits; i++) {
      const entries = entriesFrom(batch, perCommit);
      batch += perCommit;
      const next: RolloutState = {
        ...state!,
        updatedAt: new Date().toISOString(),
        progress: { 'full/apply/backfill': { done: false, batches: batch, items: batch, cursor: `c${batch}` } },
      };
      const t0 = performance.now();
      version = await store.commit({
        name: NAME,
        expected: version,
        state: next,
        ledger: entries,
        message: `checkpoint batch ${batch}`,
      });
      storeMs.push(performance.now() - t0);
      state = next;
    }
    const storeCpu = cpuSince(store0, commits);
    const bytes = entriesFrom(0, perCommit).reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)) + 1, 0);
    return {
      commits,
      entriesPerCommit: perCommit,
      sessionCommitMs: median(sessionMs),
      sessionCpuMs: sessionCpu.self,
      sessionGitCpuMs: sessionCpu.git,
      storeCommitMs: median(storeMs),
      storeCpuMs: storeCpu.self,
      storeGitCpuMs: storeCpu.git,
      bytesPerCommit: bytes,
    };
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}
