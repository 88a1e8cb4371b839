// A throwaway git repository holding one rollout whose `full` phase is the paged backfill of the example target
// (the `full` phase of examples/demo/byok-demo.yaml), and readers of what the engine recorded in its state branch.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitStateStore, type LedgerEntry } from '../../src/state/index.js';
import { pagedManifest } from '../../test/helpers/manifests.js';

const run = promisify(execFile);
export const ROLLOUT = 'bench-paging';
export const STEP = 'backfill'; // the step of test/helpers/manifests.ts pagedManifest

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

export async function git(repo: string, args: string[]): Promise<string> {
  return (await run('git', args, { cwd: repo, env: { ...process.env, ...GIT_ENV } })).stdout;
}

/** Creates `dir` as a git repository with the manifest committed on `main`. */
export async function makeRolloutRepo(dir: string, batchSize = 1): Promise<string> {
  await mkdir(join(dir, 'rollouts'), { recursive: true });
  await git(dir, ['init', '-q', '-b', 'main']);
  await writeFile(
    join(dir, 'rollouts', `${ROLLOUT}.yaml`),
    pagedManifest({ name: ROLLOUT, batchSize, retry: '{ attempts: 4, backoff: [200ms, 400ms, 800ms] }' }),
  );
  await git(dir, ['add', '.']);
  await git(dir, ['commit', '-qm', 'bench rollout']);
  return dir;
}

export interface PagedStepRecord {
  /** The step-end entry's durationMs: the paged loop, checkpoints included, final flush included. */
  stepMs: number;
  /** From the step-start entry's time to the step-end entry's time. */
  startToEndMs: number;
  /** From the step-start entry's time to the last batch entry's time: the loop without the final flush. */
  startToLastBatchMs: number;
  batches: number;
  items: number;
  batchEntries: number;
  /** Commits on the state branch (lease, transitions, checkpoints, release). */
  stateCommits: number;
  /** The step's time by part (ledger times, ms resolution): see BatchHalves. */
  halves: BatchHalves;
}

/**
 * Where a paged loop's time went: its first half of batches (connection, JIT warm-up), its second half (warm), and
 * the durable save after the last batch (the engine's final checkpoint commit, the loop's fsync).
 */
export interface BatchHalves {
  firstMs: number;
  secondMs: number;
  saveMs: number;
}

export async function pagedStepRecord(repo: string): Promise<PagedStepRecord> {
  const store = new GitStateStore({ repo });
  let start: LedgerEntry | undefined;
  let end: LedgerEntry | undefined;
  let lastBatch: LedgerEntry | undefined;
  let batchEntries = 0;
  const batchTimes: number[] = [];
  for await (const e of store.readLedger(ROLLOUT)) {
    if (e.step !== STEP) continue;
    if (e.kind === 'step-start') start = e;
    else if (e.kind === 'step-end') end = e;
    else if (e.kind === 'batch') {
      batchEntries++;
      batchTimes.push(Date.parse(e.time));
      lastBatch = e;
    }
  }
  if (!start || !end || end.durationMs === undefined)
    throw new Error(`the ledger of ${repo} has no finished ${STEP} step`);
  // The branch's reflog, not its history: compaction snapshots the tip onto a fresh root, so rev-list misses commits.
  const reflog = await git(repo, ['reflog', '--format=%gs', `refs/heads/${store.branch}`]);
  const stateCommits = reflog.split('\n').filter(Boolean).length;
  // The step's clock starts after its step-start commit, which the step-start entry's time precedes: its start in
  // ledger time is the step-end entry's time less the step's duration. A batch entry is stamped when it is booked.
  const t0 = Date.parse(end.time) - end.durationMs;
  const half = batchTimes[Math.floor(batchTimes.length / 2) - 1] ?? t0;
  const lastAt = batchTimes.at(-1) ?? t0;
  const halves = { firstMs: half - t0, secondMs: lastAt - half, saveMs: Date.parse(end.time) - lastAt };
  return {
    stepMs: end.durationMs,
    startToEndMs: Date.parse(end.time) - Date.parse(start.time),
    startToLastBatchMs: lastBatch ? Date.parse(lastBatch.time) - Date.parse(start.time) : 0,
    batches: end.counts?.batches ?? 0,
    items: end.counts?.items ?? 0,
    batchEntries,
    stateCommits,
    halves,
  };
}
