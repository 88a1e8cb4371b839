// The promotion and revert branches, made with git in a throwaway worktree (the job's checkout is never touched)
// and pushed with the scoped auth environment.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Git } from '../sys/git.js';

export interface BranchContext {
  /** The repository (the job's checkout). */
  repo: string;
  remote: string;
  defaultBranch: string;
  /** Environment for git, e.g. with the scoped auth header; commits are made as rollouts-bot. */
  env: NodeJS.ProcessEnv;
}

async function withWorktree<T>(ctx: BranchContext, fn: (wt: Git, dir: string) => Promise<T>): Promise<T> {
  const repo = new Git(ctx.repo, { env: ctx.env });
  const tracking = `refs/remotes/${ctx.remote}/${ctx.defaultBranch}`;
  await repo.ok(['fetch', '--no-tags', ctx.remote, `+refs/heads/${ctx.defaultBranch}:${tracking}`]);
  const dir = await mkdtemp(join(tmpdir(), 'rollouts-wt-'));
  await repo.ok(['worktree', 'add', '--detach', dir, tracking]);
  try {
    return await fn(new Git(dir, { env: ctx.env }), dir);
  } finally {
    await repo.ok(['worktree', 'remove', '--force', dir]).catch(() => rm(dir, { recursive: true, force: true }));
  }
}

async function pushBranch(ctx: BranchContext, wt: Git, branch: string): Promise<string> {
  const sha = (await wt.ok(['rev-parse', 'HEAD'])).trim();
  await wt.ok(['push', '--force', ctx.remote, `HEAD:refs/heads/${branch}`]);
  return sha;
}

/** Commits `phase: <phase>` in the manifest (its comment kept); false when it already says so. */
async function commitPhase(wt: Git, dir: string, file: string, phase: string, message: string): Promise<boolean> {
  const path = join(dir, file);
  const text = await readFile(path, 'utf8');
  const next = text.replace(
    /^phase:[^\n#]*?(\s*#.*)?$/m,
    (_l, comment: string | undefined) => `phase: ${phase}${comment ?? ''}`,
  );
  if (next === text) return false;
  await writeFile(path, next);
  await wt.ok(['commit', '-q', '-am', message]);
  return true;
}

/** Sets `phase:` of the manifest on top of the default branch; null when it already says so (nothing to promote). */
export async function pushPhaseChange(
  ctx: BranchContext,
  file: string,
  phase: string,
  branch: string,
  message: string,
): Promise<string | null> {
  return withWorktree(ctx, async (wt, dir) =>
    (await commitPhase(wt, dir, file, phase, message)) ? pushBranch(ctx, wt, branch) : null,
  );
}

/**
 * Reverts `commit` on top of the default branch. When the revert does not apply cleanly (the file moved on since),
 * falls back to setting `phase:` to `fallbackPhase`, which is what the revert means for the rollout.
 */
export async function pushRevert(
  ctx: BranchContext,
  commit: string,
  file: string,
  fallbackPhase: string,
  branch: string,
  message: string,
): Promise<string | null> {
  return withWorktree(ctx, async (wt, dir) => {
    try {
      await wt.ok(['revert', '--no-edit', commit]);
      await wt.ok(['commit', '--amend', '-q', '-m', message]);
    } catch {
      await wt.run(['revert', '--abort']).catch(() => undefined);
      if (!(await commitPhase(wt, dir, file, fallbackPhase, message))) return null;
    }
    return pushBranch(ctx, wt, branch);
  });
}
