// Running git plumbing as child processes (argv arrays, never a shell), with an environment that works in a repo
// with no user config and never prompts.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { StateStoreError } from './errors.js';

export interface GitIdentity {
  name: string;
  email: string;
}

export const DEFAULT_IDENTITY: GitIdentity = { name: 'rollouts-bot', email: 'rollouts-bot@users.noreply.github.com' };

/** Variables that would point git at another repository, index or work tree than the one we name with `-C`. */
const REDIRECTING_VARS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR'];

export function gitEnv(identity: GitIdentity, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of REDIRECTING_VARS) delete env[k];
  return {
    ...env,
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    GIT_TERMINAL_PROMPT: '0',
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

/** One git binary, one repository, one environment. */
export class Git {
  constructor(
    readonly repo: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  spawn(args: readonly string[], stdio: StdioOptions = 'pipe'): ChildProcess {
    return spawn('git', ['-C', this.repo, ...args], { env: this.env, stdio, windowsHide: true });
  }

  /** Runs git; resolves with the exit code (does not throw on a non-zero exit). */
  run(args: readonly string[], input?: string | Buffer): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = this.spawn(args);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (c: Buffer) => out.push(c));
      child.stderr?.on('data', (c: Buffer) => err.push(c));
      child.on('error', (e) => reject(new StateStoreError(`cannot run git ${args[0] ?? ''}: ${e.message}`)));
      child.on('close', (code, signal) =>
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        }),
      );
      // EPIPE when git exits before reading everything is reported through its exit code instead.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input ?? '');
    });
  }

  /** Runs git and returns stdout; throws StateStoreError on a non-zero exit. */
  async ok(args: readonly string[], input?: string | Buffer): Promise<string> {
    const r = await this.run(args, input);
    if (r.code !== 0) throw new StateStoreError(`git ${args.join(' ')} failed (exit ${r.code})`, r.stderr);
    return r.stdout;
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
