// The engine's deps for a run inside GitHub Actions: the state branch on `origin`, this workflow run as the lease
// holder, GitHub's answers to the engine's events.
import { DEFAULT_CHECKPOINTS, streamReporter, type EngineDeps, type RolloutEvents } from '../engine/index.js';
import { phaseCommit } from '../plan/index.js';
import { currentHolder } from '../state/index.js';
import { isWorkflowRunFinished } from '../github/pulls.js';
import type { ActionContext } from './context.js';
import { fileOf } from './manifests.js';

export function engineDepsFor(ctx: ActionContext, files: Map<string, string>, events: RolloutEvents): EngineDeps {
  const { cfg } = ctx;
  return {
    store: ctx.store,
    cwd: cfg.cwd,
    env: process.env,
    me: currentHolder(`${cfg.runId}/${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`),
    leaseTtlMs: 10 * 60_000,
    reporter: streamReporter((t) => process.stdout.write(t), false),
    checkpoints: DEFAULT_CHECKPOINTS,
    events,
    trigger: cfg.trigger,
    enteredBy: (m) => phaseCommit(cfg.cwd, fileOf(cfg, files, m), ctx.gitEnv),
    isRunFinished: (holder) =>
      holder.runId ? isWorkflowRunFinished(ctx.octokit, cfg.repo, holder.runId) : Promise.resolve(false),
  };
}
