// What a run opens on GitHub, as the engine-event handlers return it (the job summary and the `pull-request` output
// list it), and the merge-then-dispatch that promotion and revert PRs share.
import * as core from '@actions/core';
import { dispatchWorkflow, mergePullRequest } from '../github/pulls.js';
import type { ActionContext } from './context.js';

export interface OpenedPull {
  number: number;
  url: string;
  kind: 'promotion' | 'rollback';
  rollout: string;
  /** Merged by this run (`promote: auto`, or `auto-rollback` for the failure's severity). */
  merged: boolean;
}

export interface OpenedDeployment {
  id: number;
  rollout: string;
  phase: string;
  environment: string;
}

export interface Opened {
  pullRequests: OpenedPull[];
  deployments: OpenedDeployment[];
}

/** Merges a PR the run opened; merges made with GITHUB_TOKEN start no workflow, so it dispatches one (exempt). */
export async function mergeAndDispatch(ctx: ActionContext, number: number, title: string): Promise<void> {
  const { cfg, octokit } = ctx;
  await mergePullRequest(octokit, cfg.repo, number, title);
  try {
    await dispatchWorkflow(octokit, cfg.repo, cfg.workflow, cfg.defaultBranch);
  } catch (err) {
    core.warning(
      `workflow dispatch of ${cfg.workflow} after merging #${number}: ${(err as Error).message} ` +
        '(run the workflow by hand: a merge made with GITHUB_TOKEN starts none)',
    );
  }
}
