// One measured run of the paging bench: a fresh example target (its own process, a fresh database) and one client
// against it, either the hand-written baseline loop (node:http keep-alive, its cursor saved durably every 2 s like
// the engine's checkpoints: lib/http-loop.ts) or the engine (`rollouts apply` on a fresh rollouts repository).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTarget, type SpawnedTarget } from '../../examples/target/spawn.js';
import { runChild } from './child.js';
import type { ApplyFigures } from './apply-child.js';
import type { LoopFigures } from './http-loop.js';
import { makeRolloutRepo, pagedStepRecord, type PagedStepRecord } from './rollout-repo.js';

const BASELINE = fileURLToPath(new URL('./http-loop.ts', import.meta.url));
const APPLY = fileURLToPath(new URL('./apply-child.ts', import.meta.url));

/** Checkpoints effectively off: a buffer nothing fills, a time nothing reaches. */
export const NO_CHECKPOINTS = { ROLLOUTS_CHECKPOINT_BATCHES: String(1e9), ROLLOUTS_CHECKPOINT_MS: String(1e9) };

/** `baseline-undici`: the baseline's loop on undici's dispatcher, the engine's HTTP stack (http-loop.ts --client). */
export type ClientKind = 'baseline' | 'baseline-undici' | 'engine' | 'engine-no-checkpoints';

export interface RunFigures {
  kind: ClientKind;
  orgs: number;
  /** The paged loop: the baseline's own timing, or the engine's step-end durationMs. */
  pagedMs: number;
  /** The whole command around runCli (engine), or the loop (baseline). */
  commandMs: number;
  /** The client process from spawn to exit, node start-up included. */
  processMs: number;
  batches: number;
  maxRssKb: number;
  /** CPU time of the client process (start-up included, git children not). */
  cpuMs: number;
  /** CPU time of the client's git children (Linux), null when unknown or none. */
  gitCpuMs: number | null;
  step?: PagedStepRecord;
}

export interface RunOptions {
  work: string;
  orgs: number;
  batchSize?: number;
  /** Extra node flags for the client (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

async function withFreshTarget<T>(dir: string, orgs: number, fn: (t: SpawnedTarget) => Promise<T>): Promise<T> {
  const target = await spawnTarget({ dbPath: join(dir, 'target.db'), orgs });
  try {
    return await fn(target);
  } finally {
    await target.stop();
  }
}

export async function measureRun(kind: ClientKind, opts: RunOptions): Promise<RunFigures> {
  await mkdir(opts.work, { recursive: true });
  const dir = await mkdtemp(join(opts.work, `${kind}-`));
  const batchSize = opts.batchSize ?? 1;
  try {
    return await withFreshTarget(dir, opts.orgs, async (target) => {
      if (kind === 'baseline' || kind === 'baseline-undici') {
        const client = kind === 'baseline' ? 'node' : 'undici';
        const { result, wallMs } = await runChild<LoopFigures>(
          BASELINE,
          ['--mode', 'target', '--url', target.url, '--num-items', String(batchSize), '--client', client],
          { nodeArgs: opts.nodeArgs },
        );
        return {
          kind,
          orgs: opts.orgs,
          pagedMs: result.loopMs,
          commandMs: result.loopMs,
          processMs: wallMs,
          batches: result.batches,
          maxRssKb: result.maxRssKb,
          cpuMs: result.cpuMs,
          gitCpuMs: null,
        };
      }
      const repo = await makeRolloutRepo(join(dir, 'repo'), batchSize);
      const env = {
        ...process.env,
        TARGET_URL: target.url,
        ...(kind === 'engine-no-checkpoints' ? NO_CHECKPOINTS : {}),
      };
      const { result, wallMs, stdout, stderr } = await runChild<ApplyFigures>(APPLY, [], {
        cwd: repo,
        env,
        nodeArgs: opts.nodeArgs,
      });
      if (result.exitCode !== 0)
        throw new Error(`rollouts apply exited ${result.exitCode}\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`);
      const step = await pagedStepRecord(repo);
      return {
        kind,
        orgs: opts.orgs,
        pagedMs: step.stepMs,
        commandMs: result.commandMs,
        processMs: wallMs,
        batches: step.batches,
        maxRssKb: result.maxRssKb,
        cpuMs: result.cpuMs,
        gitCpuMs: result.gitCpuMs,
        step,
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
