// The plan of a change between a git ref and the working tree: which manifests changed, before and after.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseManifest, type Manifest, type ManifestIssue } from '../manifest/index.js';
import { planRollout, type RolloutPlan } from '../plan/index.js';

const exec = promisify(execFile);

export class GitError extends Error {}

export async function git(cwd: string, args: string[]): Promise<string> {
  try {
    return (await exec('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new GitError(`git ${args.join(' ')}: ${(e.stderr || e.message).trim()}`);
  }
}

export async function repoRoot(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
}

/** The file's text at `ref`, or null when it does not exist there. */
export async function showAt(cwd: string, ref: string, path: string): Promise<string | null> {
  return git(cwd, ['show', `${ref}:${path}`]).catch(() => null);
}

/** Manifest paths (relative to the root) changed between `ref` and the working tree, untracked ones included. */
export async function changedManifests(root: string, ref: string, dir: string): Promise<string[]> {
  await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new GitError(`${ref} is not a commit in this repository (fetch it first)`);
  });
  const diff = await git(root, ['diff', '--name-only', '--no-renames', ref, '--', dir]);
  const untracked = await git(root, ['ls-files', '--others', '--exclude-standard', '--', dir]);
  const all = `${diff}\n${untracked}`.split('\n').filter((p) => /\.ya?ml$/.test(p));
  return [...new Set(all)].sort();
}

export interface ChangePlans {
  plans: RolloutPlan[];
  /** The manifests after the change, by plan, for callers that need the phases (checklists, audits). */
  after: Map<string, Manifest>;
  issues: ManifestIssue[];
}

export async function planChanges(
  root: string,
  base: string,
  dir: string,
  appliedOf?: (name: string) => Promise<string | null>,
): Promise<ChangePlans> {
  const out: ChangePlans = { plans: [], after: new Map(), issues: [] };
  for (const file of await changedManifests(root, base, dir)) {
    const beforeText = await showAt(root, base, file);
    const afterText = await readFile(join(root, file), 'utf8').catch(() => null);
    const before = beforeText === null ? null : parseManifest(file, beforeText).manifest;
    let after: Manifest | null = null;
    if (afterText !== null) {
      const parsed = parseManifest(file, afterText);
      out.issues.push(...parsed.issues);
      if (!parsed.manifest) continue;
      after = parsed.manifest;
    }
    const name = after?.name ?? before?.name;
    const applied = name && appliedOf ? await appliedOf(name) : null;
    const plan = planRollout({ file, before, after, applied });
    out.plans.push(plan);
    if (after) out.after.set(plan.name, after);
  }
  return out;
}
