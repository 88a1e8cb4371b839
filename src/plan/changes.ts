// The plan of a change between a git ref and the working tree: which manifests changed, before and after.
import { join } from 'node:path';
import { parseManifest, readManifestText, type Manifest, type ManifestIssue } from '../manifest/index.js';
import { Git, GitError } from '../sys/git.js';
import { planRollout, type RolloutPlan } from './plan.js';

/** Manifest paths (relative to the root) changed between `ref` and the working tree, untracked ones included. */
async function changedManifests(git: Git, ref: string, dir: string): Promise<string[]> {
  if (!(await git.isCommit(ref))) throw new GitError(`${ref} is not a commit in this repository (fetch it first)`);
  const diff = await git.ok(['diff', '--name-only', '--no-renames', ref, '--', dir]);
  const untracked = await git.ok(['ls-files', '--others', '--exclude-standard', '--', dir]);
  const all = `${diff}\n${untracked}`.split('\n').filter((p) => /\.ya?ml$/.test(p));
  return [...new Set(all)].sort();
}

export interface ChangePlans {
  plans: RolloutPlan[];
  /** The manifests after the change, by plan, for callers that need the phases (checklists, audits). */
  after: Map<string, Manifest>;
  /** The manifests as the base ref has them (valid ones), by plan: what a PR audit may run. */
  before: Map<string, Manifest>;
  issues: ManifestIssue[];
}

export async function planChanges(
  root: string,
  base: string,
  dir: string,
  appliedOf?: (name: string) => Promise<string | null>,
): Promise<ChangePlans> {
  const git = new Git(root);
  const out: ChangePlans = { plans: [], after: new Map(), before: new Map(), issues: [] };
  for (const file of await changedManifests(git, base, dir)) {
    const beforeText = await git.showFile(base, file);
    const read = await readManifestText(join(root, file));
    // A deleted file has no after; a link, a device, a huge or non-UTF-8 file is an issue, never read further.
    if ('issue' in read && read.issue.message !== 'no such file') {
      out.issues.push({ ...read.issue, file });
      continue;
    }
    const afterText = 'text' in read ? read.text : null;
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
    if (before) out.before.set(plan.name, before);
  }
  return out;
}

/**
 * The commit that last changed the `phase:` line of the manifest at `file` (relative to the root): what a revert of
 * the applied phase reverts. In a shallow clone `git log` takes the boundary commit, whose parent is missing, for one
 * that added the whole file; so the history is deepened from `remote` until the commit found is not on the boundary.
 * Undefined when there is none, or when it cannot be told (an uncommitted file, a shallow clone that cannot fetch).
 */
export async function phaseCommit(
  root: string,
  file: string,
  env?: NodeJS.ProcessEnv,
  remote = 'origin',
): Promise<string | undefined> {
  const git = new Git(root, { env });
  const log = ['log', '-1', '--format=%H', '-G', '^phase:', '--', file];
  let found: string | undefined;
  const trusted = async (): Promise<boolean> => {
    const r = await git.run(log).catch(() => null);
    found = (r?.code === 0 && r.stdout.trim()) || undefined;
    return found !== undefined && !(await git.shallowBoundary()).has(found);
  };
  if (await trusted()) return found;
  if (!(await git.isShallow())) return found;
  return (await git.deepenUntil(remote, trusted).catch(() => false)) ? found : undefined;
}
