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
const NOT_REGULAR = 'a symbolic link or submodule: a manifest must be a regular file in the repository, not a link';

/**
 * The manifests directly in `dir` (relative to `root`, the repository's top) at `ref`; none when `ref` is not a commit.
 */
export async function loadCommittedRollouts(root: string, dir: string, ref = 'HEAD'): Promise<CommittedRollouts> {
  const git = new Git(root);
  const prefix = dir.replace(/\/+$/, '');
  const [listing, status] = await Promise.all([
    git.run(['ls-tree', '-z', '--full-tree', ref, '--', `${prefix}/`]),
    git.ok(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', prefix]),
  ]);
  // `<mode> <type> <oid>\t<path>`: a manifest is a regular file (100644, 100755), never a link (120000).
  const entries = (listing.code === 0 ? listing.stdout.split('\0') : [])
    .map((line) => /^(\d+) (\w+) \w+\t(.*)$/s.exec(line))
    .filter((e): e is RegExpExecArray => !!e && MANIFEST.test(e[3]!) && e[2] !== 'tree')
    .sort((a, b) => (a[3]! < b[3]! ? -1 : 1));
  const loaded = await Promise.all(
    entries.map(async ([, mode, , path]): Promise<LoadResult> => {
      const file = join(root, path!);
      if (mode !== '100644' && mode !== '100755')
        return { file, manifest: null, issues: [{ file, line: 1, col: 1, path: '(root)', message: NOT_REGULAR }] };
      return parseManifest(file, (await git.showFile(ref, path!)) ?? '');
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
