// The real git behind the emulator: one bare repository per emulated GitHub repository.
import { execFile } from 'node:child_process';

export interface GitIdentity {
  name: string;
  email: string;
  date: string;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  message: string;
}

export type DiffStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed';

export interface DiffFile {
  filename: string;
  previousFilename?: string;
  status: DiffStatus;
  /** Blob of the file after the change; null when it was removed. */
  blobSha: string | null;
  additions: number;
  deletions: number;
  /** Unified diff hunks (from the first `@@`), absent for binary files. */
  patch?: string;
}

export type MergeTreeResult = { clean: true; tree: string } | { clean: false; conflicts: string[] };

interface RunResult {
  stdout: string;
  code: number;
}

const STATUS_BY_LETTER: Record<string, DiffStatus> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'changed',
};

const ZERO_SHA = '0000000000000000000000000000000000000000';

function run(args: string[], env: NodeJS.ProcessEnv = {}, okCodes: number[] = [0]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (okCodes.includes(code)) resolve({ stdout, code });
        else reject(new Error(`git ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      },
    );
  });
}

function identityEnv(author: GitIdentity, committer: GitIdentity): NodeJS.ProcessEnv {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: author.date,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: committer.date,
  };
}

export class BareRepo {
  private constructor(readonly dir: string) {}

  static async init(dir: string, defaultBranch: string): Promise<BareRepo> {
    await run(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, dir]);
    return new BareRepo(dir);
  }

  git(args: string[], env?: NodeJS.ProcessEnv, okCodes?: number[]): Promise<RunResult> {
    return run(['--git-dir', this.dir, ...args], env, okCodes);
  }

  /** The commit a ref, branch, tag or sha names; undefined when it names none. */
  async resolveCommit(ref: string): Promise<string | undefined> {
    if (ref.startsWith('-')) return undefined;
    const { stdout, code } = await this.git(
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
      {},
      [0, 1, 128],
    );
    return code === 0 ? stdout.trim() : undefined;
  }

  branchSha(branch: string): Promise<string | undefined> {
    return this.resolveCommit(`refs/heads/${branch}`);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const { code } = await this.git(['merge-base', '--is-ancestor', ancestor, descendant], {}, [0, 1]);
    return code === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const { stdout, code } = await this.git(['merge-base', a, b], {}, [0, 1]);
    return code === 0 ? stdout.trim() : undefined;
  }

  /** Commits reachable from `head` and not from `base`, oldest first. */
  async commitsBetween(base: string, head: string): Promise<CommitInfo[]> {
    const { stdout } = await this.git(['rev-list', '--reverse', `${base}..${head}`]);
    const shas = stdout.split('\n').filter(Boolean);
    return Promise.all(shas.map((sha) => this.commitInfo(sha)));
  }

  async commitInfo(sha: string): Promise<CommitInfo> {
    const format = ['%H', '%T', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x00');
    const { stdout } = await this.git(['show', '-s', `--format=${format}`, sha, '--']);
    const [full = '', tree = '', parents = '', an = '', ae = '', ad = '', cn = '', ce = '', cd = '', ...message] =
      stdout.split('\0');
    return {
      sha: full,
      tree,
      parents: parents.split(' ').filter(Boolean),
      author: { name: an, email: ae, date: ad },
      committer: { name: cn, email: ce, date: cd },
      message: message.join('\0').replace(/\n+$/, ''),
    };
  }

  /** Files changed from `from` to `to`; `from` undefined means from nothing (a root commit). */
  async diff(from: string | undefined, to: string): Promise<DiffFile[]> {
    const base = from ?? (await this.git(['hash-object', '-t', 'tree', '/dev/null'])).stdout.trim();
    const raw = (await this.git(['diff', '--raw', '-z', '-M', '--no-abbrev', base, to])).stdout.split('\0');
    const numstat = (await this.git(['diff', '--numstat', '-z', '-M', base, to])).stdout.split('\0');
    const counts = parseNumstat(numstat);
    const files: DiffFile[] = [];
    for (let i = 0; i + 1 < raw.length;) {
      const header = raw[i] ?? '';
      const [, , , newSha = ZERO_SHA, letters = 'M'] = header.slice(1).split(' ');
      const letter = letters[0] ?? 'M';
      const twoPaths = letter === 'R' || letter === 'C';
      const first = raw[i + 1] ?? '';
      const second = twoPaths ? (raw[i + 2] ?? '') : undefined;
      i += twoPaths ? 3 : 2;
      const filename = second ?? first;
      const count = counts.get(filename) ?? { additions: 0, deletions: 0, binary: false };
      const paths = second !== undefined ? [first, second] : [first];
      const patch = count.binary ? undefined : await this.filePatch(base, to, paths);
      files.push({
        filename,
        ...(second !== undefined ? { previousFilename: first } : {}),
        status: STATUS_BY_LETTER[letter] ?? 'modified',
        blobSha: newSha === ZERO_SHA ? null : newSha,
        additions: count.additions,
        deletions: count.deletions,
        ...(patch !== undefined ? { patch } : {}),
      });
    }
    return files;
  }

  private async filePatch(from: string, to: string, paths: string[]): Promise<string | undefined> {
    const { stdout } = await this.git(['diff', '--no-color', '--no-ext-diff', '-M', from, to, '--', ...paths]);
    const start = stdout.indexOf('\n@@');
    if (start < 0) return stdout.startsWith('@@') ? stdout.replace(/\n$/, '') : undefined;
    return stdout.slice(start + 1).replace(/\n$/, '');
  }

  /** A three-way merge of two commits without a work tree (git merge-tree --write-tree). */
  async mergeTree(ours: string, theirs: string): Promise<MergeTreeResult> {
    const { stdout, code } = await this.git(
      ['merge-tree', '--write-tree', '--no-messages', '--name-only', ours, theirs],
      {},
      [0, 1],
    );
    const [tree = '', ...rest] = stdout.split('\n');
    return code === 0 ? { clean: true, tree: tree.trim() } : { clean: false, conflicts: rest.filter(Boolean) };
  }

  async commitTree(
    tree: string,
    parents: string[],
    message: string,
    author: GitIdentity,
    committer: GitIdentity,
  ): Promise<string> {
    const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message];
    return (await this.git(args, identityEnv(author, committer))).stdout.trim();
  }

  /** Compare-and-swap of a ref; false when it no longer holds `expected` (use ZERO for "must not exist"). */
  async updateRef(ref: string, value: string, expected?: string): Promise<boolean> {
    const { code } = await this.git(['update-ref', ref, value, ...(expected ? [expected] : [])], {}, [0, 1, 128]);
    return code === 0;
  }

  async deleteRef(ref: string): Promise<boolean> {
    const { code } = await this.git(['update-ref', '-d', ref], {}, [0, 1, 128]);
    return code === 0;
  }

  /** Full ref names (`refs/heads/...`, `refs/tags/...`) with the object each points at. */
  async listRefs(prefix = 'refs/'): Promise<Array<{ ref: string; sha: string; type: string }>> {
    const { stdout } = await this.git(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(objecttype)', prefix]);
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [ref = '', sha = '', type = ''] = line.split('\0');
        return { ref, sha, type };
      });
  }

  /** Paths of the files directly in `dir` at `ref` ([] when it has none). */
  async listFiles(ref: string, dir: string): Promise<string[]> {
    const { stdout, code } = await this.git(
      ['ls-tree', '--name-only', ref, `${dir.replace(/\/+$/, '')}/`],
      {},
      [0, 128],
    );
    return code === 0 ? stdout.split('\n').filter(Boolean) : [];
  }

  async readFile(ref: string, path: string): Promise<string | undefined> {
    const { stdout, code } = await this.git(['cat-file', 'blob', `${ref}:${path}`], {}, [0, 128]);
    return code === 0 ? stdout : undefined;
  }
}

export const ZERO_OID = ZERO_SHA;

function parseNumstat(parts: string[]): Map<string, { additions: number; deletions: number; binary: boolean }> {
  const counts = new Map<string, { additions: number; deletions: number; binary: boolean }>();
  for (let i = 0; i < parts.length;) {
    const entry = parts[i] ?? '';
    if (!entry) {
      i += 1;
      continue;
    }
    const [added = '0', deleted = '0', path = ''] = entry.split('\t');
    let filename = path;
    i += 1;
    if (path === '') {
      // rename or copy: the old and new names follow as their own fields
      filename = parts[i + 1] ?? '';
      i += 2;
    }
    const binary = added === '-';
    counts.set(filename, { additions: binary ? 0 : Number(added), deletions: binary ? 0 : Number(deleted), binary });
  }
  return counts;
}
