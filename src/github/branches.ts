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

export interface RevertSpec {
  /** The commit that entered the phase; undefined when it is not known. */
  commit: string | undefined;
  /** The manifest, relative to the root. */
  file: string;
  /** The phase the revert leaves. */
  phase: string;
  /** The phase below it: what `phase:` is set to when `commit` cannot be reverted as it is. */
  fallbackPhase: string;
  branch: string;
  /** The commit's title. */
  title: string;
}

export interface PushedRevert {
  sha: string;
  /** True when the branch is a revert of `commit`; false when it sets `phase:` to the fallback instead. */
  reverted: boolean;
  /** Why `commit` was not reverted as it is (it would change more than the manifest's `phase:`), when so. */
  refused?: string;
}

const phaseOf = (text: string | null): string | null =>
  text === null ? null : (/^phase:\s*([^\s#]+)/m.exec(text)?.[1] ?? null);

/**
 * What is wrong with the commit at HEAD as the revert of `spec.phase`, or undefined when it is exactly one: it changes
 * the manifest and nothing else, and moves its `phase:` off the failed phase (a revert of the wrong commit, e.g. a
 * shallow clone's root, would delete or change other files).
 */
async function revertProblem(wt: Git, spec: RevertSpec, fromFailedPhase = true): Promise<string | undefined> {
  const names = (await wt.ok(['diff', '--name-only', '--no-renames', 'HEAD~1', 'HEAD'])).split('\n').filter(Boolean);
  const others = names.filter((n) => n !== spec.file);
  if (others.length) {
    const listed = `${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}`;
    return `it would change ${others.length} file${others.length === 1 ? '' : 's'} besides ${spec.file} (${listed})`;
  }
  if (!names.length) return `it would change nothing`;
  const before = phaseOf(await wt.showFile('HEAD~1', spec.file));
  const after = phaseOf(await wt.showFile('HEAD', spec.file));
  if (after === null) return `it would leave ${spec.file} without a \`phase:\``;
  if ((fromFailedPhase && before !== spec.phase) || after === spec.phase)
    return `it would change \`phase:\` from ${before ?? 'nothing'} to ${after}, not off ${spec.phase}`;
  return undefined;
}

/** In a shallow clone, fetches history until `commit` and its parent are here (best effort: a revert then fails). */
async function deepenTo(ctx: BranchContext, commit: string): Promise<void> {
  const repo = new Git(ctx.repo, { env: ctx.env });
  if (!(await repo.isShallow())) return;
  const here = async () => (await repo.isCommit(commit)) && !(await repo.shallowBoundary()).has(commit);
  await repo.deepenUntil(ctx.remote, here).catch(() => false);
}

/**
 * Reverts `spec.commit` on top of the default branch, when its revert is exactly the manifest's change off the failed
 * phase. Otherwise (it does not apply cleanly because the file moved on, or it would change more: the wrong commit)
 * sets `phase:` to `fallbackPhase`, which is what the revert means for the rollout. Null when `phase:` already says
 * so. Throws, opening nothing, when even that change is not exactly the manifest's `phase:`.
 */
export async function pushRevert(ctx: BranchContext, spec: RevertSpec): Promise<PushedRevert | null> {
  if (spec.commit) await deepenTo(ctx, spec.commit);
  return withWorktree(ctx, async (wt, dir) => {
    let refused: string | undefined;
    if (spec.commit) {
      if ((await wt.run(['revert', '--no-edit', spec.commit])).code === 0) {
        refused = await revertProblem(wt, spec);
        if (!refused) {
          await wt.ok(['commit', '--amend', '-q', '-m', `${spec.title}\n\nThis reverts commit ${spec.commit}.`]);
          return { sha: await pushBranch(ctx, wt, spec.branch), reverted: true };
        }
        await wt.ok(['reset', '--hard', '-q', 'HEAD~1']);
      } else await wt.run(['revert', '--abort']).catch(() => undefined);
    }
    const why = refused ? `: reverting ${spec.commit} ${refused}` : '';
    const message = `${spec.title}\n\nSets phase: ${spec.fallbackPhase}${why}.`;
    if (!(await commitPhase(wt, dir, spec.file, spec.fallbackPhase, message))) return null;
    const problem = await revertProblem(wt, spec, false);
    if (problem) throw new Error(`refusing to push ${spec.branch}: setting phase: ${spec.fallbackPhase} ${problem}`);
    return { sha: await pushBranch(ctx, wt, spec.branch), reverted: false, ...(refused ? { refused } : {}) };
  });
}
