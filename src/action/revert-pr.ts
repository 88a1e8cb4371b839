// The revert PR of a failed phase: a revert of the commit that entered the phase on branch
// rollouts/revert-<name>-<sha7>, its body the failing samples and the incident timeline from the ledger (both
// rendered by revertBody in github/markdown.ts); merged at once when `auto-rollback` names the severity.
import * as core from '@actions/core';
import type { Manifest } from '../manifest/index.js';
import type { RolloutState } from '../state/index.js';
import { pushRevert } from '../github/branches.js';
import { revertBody, type SampleLike } from '../github/markdown.js';
import { upsertPullRequest } from '../github/pulls.js';
import type { ActionContext } from './context.js';
import { mergeAndDispatch, type OpenedPull } from './opened.js';

export interface RevertRequest {
  manifest: Manifest;
  /** The manifest's file, relative to the repository root. */
  file: string;
  /** The phase that failed. */
  phase: string;
  severity: string;
  reason: string;
  failing: SampleLike[];
  state: RolloutState;
}

/** Null when the revert would change nothing (the default branch already left the phase). */
export async function openRevertPr(ctx: ActionContext, req: RevertRequest): Promise<OpenedPull | null> {
  const { cfg, octokit } = ctx;
  const { manifest, phase, severity, reason, failing } = req;
  const commit = typeof req.state.enteredBy === 'string' ? req.state.enteredBy : cfg.sha;
  const branch = `rollouts/revert-${manifest.name}-${commit.slice(0, 7)}`;
  const title = `rollouts: revert ${manifest.name} ${phase} (${severity})`;
  const below = manifest.phases[manifest.phases.findIndex((p) => p.name === phase) - 1]?.name ?? 'none';
  const pushed = await pushRevert(
    { repo: cfg.cwd, remote: 'origin', defaultBranch: cfg.defaultBranch, env: ctx.gitEnv },
    commit,
    req.file,
    below,
    branch,
    `${title}\n\nThis reverts commit ${commit}.`,
  );
  if (!pushed) return null;
  const timeline = await ctx.store.tailLedger(manifest.name, 300, { fetch: false });
  const merged = cfg.autoRollback.has(severity);
  const pr = await upsertPullRequest(octokit, cfg.repo, {
    branch,
    base: cfg.defaultBranch,
    title,
    body: revertBody({ rollout: manifest.name, phase, severity, reason, commit, failing, timeline, merged }),
    labels: ['rollouts:rollback'],
  });
  if (merged) await mergeAndDispatch(ctx, pr.number, title);
  core.info(`${manifest.name}: revert PR #${pr.number}${merged ? ' merged' : ''}`);
  return { number: pr.number, url: pr.url, kind: 'rollback', rollout: manifest.name, merged };
}
