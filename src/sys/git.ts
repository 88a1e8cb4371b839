// The one git runner: a repository, an environment that never prompts and never follows GIT_DIR & co. to another
// repository, and the identity commits are made with. Processes go through sys/exec (argv, own group, output cap).
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { runProcess, spawnProcess, ProcessError } from './exec.js';
import { GitError } from './git-error.js';

export interface GitIdentity {
  name: string;
  email: string;
}

export const DEFAULT_IDENTITY: GitIdentity = { name: 'rollouts-bot', email: 'rollouts-bot@users.noreply.github.com' };

/** Variables that would point git at another repository, index or work tree than the one we name with `-C`. */
const REDIRECTING_VARS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR'];

/** `base` (e.g. the job's environment with a scoped auth header) without redirection, with the identity, no prompts. */
export function gitEnv(
  identity: GitIdentity = DEFAULT_IDENTITY,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of REDIRECTING_VARS) delete env[k];
  return {
    ...env,
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'never',
    // Messages we match on (push rejections, missing paths) must not be translated.
    LC_ALL: 'C',
    LANGUAGE: 'C',
  };
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export { GitError };

/** Output of one git command past this is refused: 64 MiB. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** One git binary, one repository, one environment. */
export class Git {
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly repo: string,
    opts: { env?: NodeJS.ProcessEnv; identity?: GitIdentity } = {},
  ) {
    this.env = gitEnv(opts.identity, opts.env);
  }

  /** A long-lived git process whose stdio the caller streams (e.g. `cat-file --batch`, `mktree --batch`). */
  spawn(args: readonly string[], stdio: StdioOptions = 'pipe'): ChildProcess {
    return spawnProcess(['git', '-C', this.repo, ...args], { env: this.env, stdio });
  }

  /** Runs git; resolves with the exit code (does not throw on a non-zero exit). */
  async run(args: readonly string[], input?: string | Buffer): Promise<GitResult> {
    try {
      const r = await runProcess(['git', '-C', this.repo, ...args], {
        env: this.env,
        input,
        maxOutputBytes: MAX_OUTPUT_BYTES,
      });
      return { code: r.exitCode ?? 128, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      if (err instanceof ProcessError) throw new GitError(`cannot run git ${args[0] ?? ''}: ${err.message}`);
      throw err;
    }
  }

  /** Runs git and returns stdout; throws GitError on a non-zero exit. */
  async ok(args: readonly string[], input?: string | Buffer): Promise<string> {
    const r = await this.run(args, input);
    if (r.code !== 0) throw new GitError(`git ${args.join(' ')} failed (exit ${r.code})`, r.stderr);
    return r.stdout;
  }

  /** The top of the work tree this repository path is in. */
  async root(): Promise<string> {
    const r = await this.run(['rev-parse', '--show-toplevel']);
    if (r.code === 0) return r.stdout.trim();
    if (/not a git repository/i.test(r.stderr)) throw new GitError(`${this.repo} is not inside a git repository`);
    throw new GitError(`git rev-parse --show-toplevel failed (exit ${r.code})`, r.stderr);
  }

  /** True when `ref` names a commit here. */
  async isCommit(ref: string): Promise<boolean> {
    return (await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).code === 0;
  }

  /** True in a shallow clone (actions/checkout's default is `fetch-depth: 1`): some commits lack their parents. */
  async isShallow(): Promise<boolean> {
    return (await this.run(['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
  }

  /** A shallow clone's boundary: the commits that are here without their parents (none when the history is whole). */
  async shallowBoundary(): Promise<Set<string>> {
    const r = await this.run(['rev-parse', '--path-format=absolute', '--git-path', 'shallow']);
    const text = r.code === 0 ? await readFile(r.stdout.trim(), 'utf8').catch(() => '') : '';
    return new Set(text.split('\n').filter(Boolean));
  }

  /**
   * Fetches more of HEAD's history from `remote` into a shallow clone, in growing steps and at last all of it, until
   * `enough()` holds or the history is whole. Resolves with `enough()`'s last answer; throws GitError when a fetch
   * fails (no such remote, no access), so a caller never takes a boundary commit for the start of the history.
   */
  async deepenUntil(remote: string, enough: () => Promise<boolean>): Promise<boolean> {
    const head = (await this.ok(['rev-parse', 'HEAD'])).trim();
    for (const step of [64, 512, 4096, 0]) {
      if (await enough()) return true;
      if (!(await this.isShallow())) return false;
      const how = step ? [`--deepen=${step}`] : ['--unshallow'];
      await this.ok(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', ...how, remote, head]);
    }
    return enough();
  }

  /** The branch `remote`'s HEAD names (its default branch), asked of the remote itself; null when it cannot tell. */
  async remoteHead(remote: string): Promise<string | null> {
    const r = await this.run(['ls-remote', '--symref', remote, 'HEAD']);
    if (r.code !== 0) return null;
    return /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(r.stdout)?.[1] ?? null;
  }

  /** The file's text at `ref`, or null when it does not exist there. */
  async showFile(ref: string, path: string): Promise<string | null> {
    const r = await this.run(['show', `${ref}:${path}`]);
    return r.code === 0 ? r.stdout : null;
  }
}

/** Resolves when the child exits: its exit code and collected stderr. */
export function exited(child: ChildProcess): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const err: Buffer[] = [];
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/** `git cat-file` / `rev-parse` wording for "that path or object is not there". */
export function isMissingObject(stderr: string): boolean {
  return /does not exist|not a valid object name|invalid object name|exists on disk, but not in|bad revision|Not a valid object/i.test(
    stderr,
  );
}
