// The engine's deps for a run inside GitHub Actions: the state branch on `origin` with scoped auth, GitHub's events.
import { join, relative } from 'node:path';
import * as core from '@actions/core';
import { loadRollouts, type LoadResult, type Manifest } from '../manifest/index.js';
import { DEFAULT_CHECKPOINTS, git, streamReporter, type EngineDeps } from '../engine/index.js';
import { currentHolder, GitStateStore } from '../state/index.js';
import { createOctokit, type Octokit } from '../github/client.js';
import { gitAuthEnv } from '../github/git-auth.js';
import { isWorkflowRunFinished } from '../github/pulls.js';
import type { ActionConfig } from './config.js';
import { githubEvents, type ActionResults } from './events.js';

export interface ActionContext {
  cfg: ActionConfig;
  octokit: Octokit;
  gitEnv: NodeJS.ProcessEnv;
  store: GitStateStore;
  results: ActionResults;
}

export function actionContext(cfg: ActionConfig): ActionContext {
  const octokit = createOctokit({ token: cfg.token, baseUrl: cfg.apiUrl, log: (l) => core.info(l) });
  const gitEnv = gitAuthEnv(cfg.token, cfg.serverUrl);
  const store = new GitStateStore({ repo: cfg.cwd, branch: cfg.stateBranch, remote: 'origin', env: gitEnv });
  return { cfg, octokit, gitEnv, store, results: { pullRequests: [] } };
}

export async function loadManifests(
  ctx: ActionContext,
): Promise<{ loaded: LoadResult[]; manifests: Manifest[]; files: Map<string, string> }> {
  const loaded = await loadRollouts(join(ctx.cfg.cwd, ctx.cfg.dir));
  const files = new Map<string, string>();
  for (const r of loaded) if (r.manifest) files.set(r.manifest.name, relative(ctx.cfg.cwd, r.file));
  return { loaded, manifests: loaded.flatMap((r) => (r.manifest ? [r.manifest] : [])), files };
}

/** Reports validation errors as annotations at file and line; true when there were any. */
export function annotate(ctx: ActionContext, loaded: LoadResult[]): boolean {
  let any = false;
  for (const r of loaded)
    for (const i of r.issues) {
      any = true;
      core.error(`${i.path === '(root)' ? '' : `${i.path}: `}${i.message}`, {
        file: relative(ctx.cfg.cwd, i.file),
        startLine: i.line,
        startColumn: i.col,
        title: 'rollouts: invalid manifest',
      });
    }
  return any;
}

export function engineDeps(ctx: ActionContext, files: Map<string, string>): EngineDeps {
  const { cfg } = ctx;
  return {
    store: ctx.store,
    cwd: cfg.cwd,
    env: process.env,
    me: currentHolder(`${cfg.runId}/${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`),
    leaseTtlMs: 10 * 60_000,
    reporter: streamReporter((t) => process.stdout.write(t), false),
    checkpoints: DEFAULT_CHECKPOINTS,
    events: githubEvents(ctx, files),
    trigger: {
      event: cfg.event,
      commit: cfg.sha,
      ...(typeof cfg.payload.pull_request?.number === 'number' ? { pr: cfg.payload.pull_request.number } : {}),
    },
    enteredBy: async (m) => {
      const file = files.get(m.name) ?? `${cfg.dir}/${m.name}.yaml`;
      const sha = (
        await git(cfg.cwd, ['log', '-1', '--format=%H', '-G', '^phase:', '--', file]).catch(() => '')
      ).trim();
      return sha || cfg.sha;
    },
    isRunFinished: (holder) =>
      holder.runId ? isWorkflowRunFinished(ctx.octokit, cfg.repo, holder.runId) : Promise.resolve(false),
  };
}
