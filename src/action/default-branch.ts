// The repository's default branch, which promotion and revert PRs are based on and dispatches run on. A `schedule`
// payload has no `repository`, so a scheduled run (the one that samples gates) asks GitHub once
// (GET /repos/{owner}/{repo}), else the remote's HEAD (`git ls-remote --symref origin HEAD`); it never guesses `main`
// silently.
import * as core from '@actions/core';
import { Git } from '../sys/git.js';
import type { ActionContext } from './context.js';

export async function settleDefaultBranch(ctx: ActionContext): Promise<void> {
  const { cfg, octokit } = ctx;
  if (cfg.defaultBranchKnown) return;
  let why = '';
  try {
    const { data } = await octokit.rest.repos.get({ owner: cfg.repo.owner, repo: cfg.repo.repo });
    if (data.default_branch) {
      cfg.defaultBranch = data.default_branch;
      cfg.defaultBranchKnown = true;
      return;
    }
  } catch (err) {
    why = (err as Error).message;
  }
  const head = await new Git(cfg.cwd, { env: ctx.gitEnv }).remoteHead('origin').catch(() => null);
  if (head) {
    cfg.defaultBranch = head;
    cfg.defaultBranchKnown = true;
    return;
  }
  core.warning(
    `the default branch of ${cfg.repo.owner}/${cfg.repo.repo} is not known (GET /repos: ${why || 'no default_branch'}; ` +
      `origin's HEAD: unreadable): using ${cfg.defaultBranch}`,
  );
}
