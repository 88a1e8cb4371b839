// Desired state is the commit (DESIGN §4: "desired = manifest at HEAD"): the manifests of a rollouts directory as a
// commit holds them, never the working tree's uncommitted edits, and which of the directory's files differ from it.
import { join } from 'node:path';
import { Git } from '../sys/git.js';
import { parseManifest, type LoadResult } from './load.js';

export interface CommittedRollouts {
  /** The manifests of `dir` at the commit; each `file` is absolute (under the root), as loadRollouts gives it. */
  loaded: LoadResult[];
  /** Files under `dir` (relative to the root) with uncommitted changes or untracked: what the pass ignores. */
  dirty: string[];
}

const MANIFEST = /\.ya?ml$/;

/** The manifests directly in `dir` (relative to `root`, the repository's top) at `ref`; none when `ref` is not a commit. */
export async function loadCommittedRollouts(root: string, dir: string, ref = 'HEAD'): Promise<CommittedRollouts> {
  const git = new Git(root);
  const prefix = dir.replace(/\/+$/, '');
  const [listing, status] = await Promise.all([
    git.run(['ls-tree', '-z', '--name-only', '--full-tree', `${ref}`, '--', `${prefix}/`]),
    git.ok(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', prefix]),
  ]);
  const paths = listing.code === 0 ? listing.stdout.split('\0').filter((p) => MANIFEST.test(p)) : [];
  const direct = paths.filter((p) => p.slice(prefix.length + 1).indexOf('/') < 0).sort();
  const loaded = await Promise.all(
    direct.map(async (path) => {
      const text = (await git.showFile(ref, path)) ?? '';
      return parseManifest(join(root, path), text);
    }),
  );
  const dirty = status
    .split('\0')
    .filter((line) => line.length > 3)
    .map((line) => line.slice(3))
    .filter((p) => MANIFEST.test(p))
    .sort();
  return { loaded, dirty };
}
