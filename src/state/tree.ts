// Reading and writing git tree objects with `git ls-tree -z` / `git mktree -z` (no index, no work tree); a store
// writes its trees through its ObjectWriter (objects.ts).
import { isMissingObject, type Git } from '../sys/git.js';
import { StateStoreError } from './errors.js';

export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  name: string;
  /** Blob size in bytes, when listed with `ls-tree -l`. */
  size?: number;
}

/** Parses `git ls-tree -z [-l]` output. */
export function parseLsTree(out: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, type, oid, size] = rec.slice(0, tab).split(' ').filter(Boolean);
    if (!mode || !type || !oid || tab < 0) throw new Error(`unexpected ls-tree record: ${rec}`);
    const entry: TreeEntry = { mode, type, oid, name: rec.slice(tab + 1) };
    if (size !== undefined && size !== '-') entry.size = Number(size);
    entries.push(entry);
  }
  return entries;
}

/** The direct entries of a tree (or of a commit's root tree). */
export async function listTree(git: Git, treeish: string): Promise<TreeEntry[]> {
  return parseLsTree(await git.ok(['ls-tree', '-z', treeish]));
}

/** Like listTree, with blob sizes; null when `treeish` does not exist. */
export async function listTreeIfAny(git: Git, treeish: string, long = false): Promise<TreeEntry[] | null> {
  const r = await git.run(['ls-tree', '-z', ...(long ? ['-l'] : []), treeish]);
  if (r.code === 0) return parseLsTree(r.stdout);
  if (isMissingObject(r.stderr)) return null;
  throw new StateStoreError(`git ls-tree ${treeish} failed`, r.stderr);
}

/** Writes a tree from entries (mktree sorts them) and returns its id. */
export async function writeTree(git: Git, entries: readonly TreeEntry[]): Promise<string> {
  const input = entries.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`).join('');
  return (await git.ok(['mktree', '-z'], input)).trim();
}

/** The entries with `name` replaced by (or set to) `entry`. */
export function withEntry(entries: readonly TreeEntry[], entry: TreeEntry): TreeEntry[] {
  return [...entries.filter((e) => e.name !== entry.name), entry];
}
