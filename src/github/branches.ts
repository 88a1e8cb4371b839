// The promotion and revert branches, made with git in a throwaway worktree (the job's checkout is never touched)
// and pushed with the scoped auth environment.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface BranchContext {
  /** The repository (the job's checkout). */
  repo: string;
  remote: string;
  defaultBranch: string;
  /** Environment for git: identity and the scoped auth header. */
  env: NodeJS.ProcessEnv;
}

const BOT = {
  GIT_AUTHOR_NAME: 'rollouts-bot',
  GIT_AUTHOR_EMAIL: 'rollouts-bot@users.noreply.github.com',
  GIT_COMMITTER_NAME: 'rollouts-bot',
  GIT_COMMITTER_EMAIL: 'rollouts-bot@users.noreply.github.com',
};

async function git(cwd: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, env: { ...BOT, ...env }, maxBuffer: 32 * 1024 * 1024 });
  return stdout.trim();
}

async function withWorktree<T>(ctx: BranchContext, fn: (dir: string) => Promise<T>): Promise<T> {
  await git(ctx.repo, ctx.env, [
    'fetch',
    '--no-tags',
    ctx.remote,
    `+refs/heads/${ctx.defaultBranch}:refs/remotes/${ctx.remote}/${ctx.defaultBranch}`,
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'rollouts-wt-'));
  await git(ctx.repo, ctx.env, ['worktree', 'add', '--detach', dir, `refs/remotes/${ctx.remote}/${ctx.defaultBranch}`]);
  try {
    return await fn(dir);
  } finally {
    await git(ctx.repo, ctx.env, ['worktree', 'remove', '--force', dir]).catch(() =>
      rm(dir, { recursive: true, force: true }),
    );
  }
}

async function pushBranch(ctx: BranchContext, dir: string, branch: string): Promise<string> {
  const sha = await git(dir, ctx.env, ['rev-parse', 'HEAD']);
  await git(dir, ctx.env, ['push', '--force', ctx.remote, `HEAD:refs/heads/${branch}`]);
  return sha;
}

/** Sets `phase:` of the manifest on top of the default branch; null when it already says so (nothing to promote). */
export async function pushPhaseChange(
  ctx: BranchContext,
  file: string,
  phase: string,
  branch: string,
  message: string,
): Promise<string | null> {
  return withWorktree(ctx, async (dir) => {
    const path = join(dir, file);
    const text = await readFile(path, 'utf8');
    const next = text.replace(
      /^phase:[^\n#]*?(\s*#.*)?$/m,
      (_l, comment: string | undefined) => `phase: ${phase}${comment ?? ''}`,
    );
    if (next === text) return null;
    await writeFile(path, next);
    await git(dir, ctx.env, ['commit', '-q', '-am', message]);
    return pushBranch(ctx, dir, branch);
  });
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
  return withWorktree(ctx, async (dir) => {
    try {
      await git(dir, ctx.env, ['revert', '--no-edit', commit]);
      await git(dir, ctx.env, ['commit', '--amend', '-q', '-m', message]);
    } catch {
      await git(dir, ctx.env, ['revert', '--abort']).catch(() => undefined);
      const path = join(dir, file);
      const text = await readFile(path, 'utf8');
      const next = text.replace(
        /^phase:[^\n#]*?(\s*#.*)?$/m,
        (_l, comment: string | undefined) => `phase: ${fallbackPhase}${comment ?? ''}`,
      );
      if (next === text) return null;
      await writeFile(path, next);
      await git(dir, ctx.env, ['commit', '-q', '-am', message]);
    }
    return pushBranch(ctx, dir, branch);
  });
}
