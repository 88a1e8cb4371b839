// Writing the state branch's objects through long-lived git processes (sys/git-pipe.ts), one pipe round trip each:
// blobs and commits through `hash-object -w --stdin-paths` (their bytes go through a temporary file, the one way
// hash-object takes many objects), trees through `mktree --batch`. A checkpoint commit used to spawn four git
// processes for its objects, each spawn blocking this thread for milliseconds in a large process.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitPipe } from '../sys/git-pipe.js';
import type { Git } from '../sys/git.js';
import { StateStoreError } from './errors.js';
import { writeTree, type TreeEntry } from './tree.js';

/** Where an object's bytes wait for hash-object: a file of its own, removed once hashed. */
function temporaryPrefix(): string {
  const prefix = join(tmpdir(), `rollouts-object-${process.pid}-${randomBytes(6).toString('hex')}-`);
  // hash-object reads a path a line, and takes one starting with a quote as C-quoted.
  if (/[\n"]/.test(prefix)) throw new StateStoreError(`cannot use the temporary directory ${JSON.stringify(tmpdir())}`);
  return prefix;
}

export interface CommitSpec {
  tree: string;
  parents: readonly string[];
  message: string;
}

/** `git var` identity line (`Name <email> <seconds> <zone>`) split at the date. */
interface Ident {
  who: string;
  /** The date git was given (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE), null: the time of each commit. */
  fixedDate: string | null;
}

/** The local zone as git writes it: `+0100`, `-0530`. */
function zone(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const abs = Math.abs(offset);
  const hhmm = String(Math.floor(abs / 60) * 100 + (abs % 60)).padStart(4, '0');
  return `${offset < 0 ? '-' : '+'}${hhmm}`;
}

export class ObjectWriter {
  private readonly blobs: GitPipe;
  private readonly commits: GitPipe;
  private readonly trees: GitPipe;
  private prefix: string | null = null;
  private seq = 0;
  private idents: Promise<[Ident, Ident]> | null = null;

  constructor(private readonly git: Git) {
    this.blobs = new GitPipe(git, ['hash-object', '-w', '--no-filters', '--stdin-paths']);
    // hash-object checks a commit's format before writing it (no --literally).
    this.commits = new GitPipe(git, ['hash-object', '-w', '-t', 'commit', '--no-filters', '--stdin-paths']);
    this.trees = new GitPipe(git, ['mktree', '-z', '--batch']);
  }

  /** Writes a blob; returns its id. */
  blob(text: string): Promise<string> {
    return this.hashed(this.blobs, text);
  }

  /** Writes a tree from entries (mktree sorts them); returns its id. */
  async tree(entries: readonly TreeEntry[]): Promise<string> {
    // An empty record ends a tree in batch mode, so an empty tree cannot be sent through it.
    if (entries.length === 0) return writeTree(this.git, entries);
    const records = entries.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`).join('');
    const [oid] = await this.trees.request(`${records}\0`).catch((e: Error) => {
      throw new StateStoreError(`git mktree --batch failed: ${e.message}`);
    });
    return oid!.trim();
  }

  /**
   * Writes the commit `git commit-tree --no-gpg-sign -m MESSAGE -p PARENT... TREE` would: the same identity and
   * dates (git's own, from `git var`, asked once), the message ending in a newline. Returns its id.
   */
  async commit(spec: CommitSpec): Promise<string> {
    const [author, committer] = await this.identities();
    const now = new Date();
    const date = (i: Ident) => i.fixedDate ?? `${Math.floor(now.getTime() / 1000)} ${zone(now)}`;
    const message = spec.message.endsWith('\n') ? spec.message : `${spec.message}\n`;
    const text =
      `tree ${spec.tree}\n` +
      spec.parents.map((p) => `parent ${p}\n`).join('') +
      `author ${author.who} ${date(author)}\ncommitter ${committer.who} ${date(committer)}\n\n${message}`;
    return this.hashed(this.commits, text);
  }

  /** Ends the processes. */
  async close(): Promise<void> {
    await Promise.all([this.blobs.close(), this.commits.close(), this.trees.close()]);
  }

  private async hashed(pipe: GitPipe, text: string): Promise<string> {
    this.prefix ??= temporaryPrefix();
    const path = `${this.prefix}${++this.seq}`;
    // Created afresh (never through a file or link already there), readable by this user only.
    await writeFile(path, text, { flag: 'wx', mode: 0o600 });
    try {
      const [oid] = await pipe.request(`${path}\n`);
      return oid!.trim();
    } catch (e) {
      throw new StateStoreError(`git hash-object failed: ${(e as Error).message}`);
    } finally {
      void rm(path, { force: true });
    }
  }

  private identities(): Promise<[Ident, Ident]> {
    this.idents ??= Promise.all([this.ident('AUTHOR'), this.ident('COMMITTER')]);
    this.idents.catch(() => {
      this.idents = null;
    });
    return this.idents;
  }

  private async ident(kind: 'AUTHOR' | 'COMMITTER'): Promise<Ident> {
    const line = (await this.git.ok(['var', `GIT_${kind}_IDENT`])).trim();
    const m = /^(.*>) (\d+ [+-]\d{4})$/.exec(line);
    if (!m) throw new StateStoreError(`unexpected git var GIT_${kind}_IDENT: ${line}`);
    return { who: m[1]!, fixedDate: this.git.env[`GIT_${kind}_DATE`] ? m[2]! : null };
  }
}
