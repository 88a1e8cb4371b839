// Reading and writing git tree objects with `git ls-tree -z` / `git mktree -z` (no index, no work tree).
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { exited, isMissingObject, type Git } from '../sys/git.js';
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

/**
 * One `git mktree -z --batch` process writing trees on request. Started before the trees are known, so its start-up
 * overlaps other work; each tree then costs a round trip instead of a process. Always `close()` it.
 */
export class TreeWriter {
  private readonly child: ChildProcess;
  private readonly lines: AsyncIterator<string>;
  private readonly done: Promise<{ code: number; stderr: string }>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly git: Git) {
    this.child = git.spawn(['mktree', '-z', '--batch'], ['pipe', 'pipe', 'pipe']);
    this.done = exited(this.child);
    this.child.stdin?.on('error', () => undefined); // a dead mktree is reported by write()
    this.lines = createInterface({ input: this.child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  }

  write(entries: readonly TreeEntry[]): Promise<string> {
    // An empty record ends a tree in batch mode, so an empty tree cannot be sent through it.
    if (entries.length === 0) return writeTree(this.git, entries);
    const run = async () => {
      this.child.stdin?.write(`${entries.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`).join('')}\0`);
      const line = await this.lines.next();
      if (line.done) {
        const r = await this.done;
        throw new StateStoreError('git mktree --batch failed', r.stderr);
      }
      return line.value.trim();
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    this.child.stdin?.end();
    await this.done;
  }
}
