// The one process runner: argv arrays, never a shell. Every child leads its own process group, so a timeout or an
// abort ends what it started too (a grandchild that ignores SIGTERM included), and a signal that ends this process
// (Ctrl-C, a cancelled workflow run) is passed on to the groups still running instead of leaving them orphaned.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { formatMs } from './duration.js';

/**
 * What any program needs to start, taken from this process's environment: find binaries (PATH), a home (HOME), a temp
 * dir (TMPDIR, TEMP, TMP), a locale and a time zone (LANG, LC_ALL, TZ), and Windows' SystemRoot. Everything else a
 * child sees must be given by name.
 */
export const BASE_ENV_NAMES = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL', 'TZ', 'SystemRoot'] as const;

/** A child's environment: the base names above (when set here), then `given` on top of them. */
export function childEnv(given: Readonly<Record<string, string>>, base = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of BASE_ENV_NAMES) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...given };
}

/** Stdout and stderr together past this are refused (the group is killed), not held in memory: 16 MiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface RunOptions {
  /** Exactly the environment the child sees (build it with childEnv, or pass a whole one for git). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the child's stdin, which is closed after it; without it stdin is /dev/null. */
  input?: string | Buffer;
  /** Aborting kills the group; the run rejects with a ProcessError ('timeout' when the reason is a TimeoutError). */
  signal?: AbortSignal;
  /** Kills the group after this long; the run rejects with a ProcessError 'timeout'. */
  timeoutMs?: number;
  /** Default DEFAULT_MAX_OUTPUT_BYTES. */
  maxOutputBytes?: number;
}

export interface ProcessResult {
  /** Null when a signal ended the process (see `signal`). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export type ProcessFailure = 'not-found' | 'timeout' | 'aborted' | 'output-limit' | 'spawn';

/** The process could not be started, or was stopped before it finished; the message names the command. */
export class ProcessError extends Error {
  override readonly name = 'ProcessError';
  constructor(
    message: string,
    readonly reason: ProcessFailure,
  ) {
    super(message);
  }
}

const groups = process.platform !== 'win32';
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(groups ? -child.pid : child.pid, signal);
  } catch {
    // the whole group is gone already
  }
}

/** Passes a terminating signal on to the children's groups, then lets it end this process as it would have. */
function forward(signal: NodeJS.Signals): void {
  for (const child of live) killGroup(child, signal);
  if (process.listenerCount(signal) > 1) return; // someone else handles it (e.g. aborts and exits in order)
  for (const s of FORWARDED) process.off(s, forward);
  process.kill(process.pid, signal);
}

function track(child: ChildProcess): void {
  if (!groups || child.pid === undefined) return;
  if (live.size === 0) for (const s of FORWARDED) process.on(s, forward);
  live.add(child);
  child.once('close', () => {
    live.delete(child);
    if (live.size === 0) for (const s of FORWARDED) process.off(s, forward);
  });
}

/** Starts a long-lived child (a streaming `git cat-file`, say) in its own group; the caller owns its stdio. */
export function spawnProcess(
  argv: readonly string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; stdio?: StdioOptions },
): ChildProcess {
  const [file, ...args] = argv;
  if (!file) throw new ProcessError('empty argv: nothing to run', 'spawn');
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: opts.stdio ?? 'pipe',
    shell: false,
    detached: groups,
    windowsHide: true,
  });
  track(child);
  return child;
}

function spawnFailure(file: string, cwd: string | undefined, e: NodeJS.ErrnoException): ProcessError {
  if (e.code === 'ENOENT' && cwd !== undefined && !existsSync(cwd))
    return new ProcessError(`${file}: working directory ${cwd} does not exist`, 'spawn');
  if (e.code === 'ENOENT') return new ProcessError(`${file}: command not found`, 'not-found');
  return new ProcessError(`${file}: ${e.message}`, 'spawn');
}

function abortFailure(file: string, signal: AbortSignal): ProcessError {
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return timedOut ? new ProcessError(`${file}: timed out`, 'timeout') : new ProcessError(`${file}: aborted`, 'aborted');
}

/** Runs argv to its end and resolves with its exit, whatever the exit code; rejects only with a ProcessError. */
export function runProcess(argv: readonly string[], opts: RunOptions): Promise<ProcessResult> {
  const file = argv[0];
  if (!file) return Promise.reject(new ProcessError('empty argv: nothing to run', 'spawn'));
  const { signal, timeoutMs, input } = opts;
  if (signal?.aborted) return Promise.reject(abortFailure(file, signal));
  const maxBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise((resolve, reject) => {
    const stdio: StdioOptions = [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'];
    const child = spawnProcess(argv, { env: opts.env, cwd: opts.cwd, stdio });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let failure: ProcessError | undefined;
    const stop = (why: ProcessError): void => {
      failure ??= why;
      killGroup(child, 'SIGKILL');
    };
    const onAbort = (): void => stop(abortFailure(file, signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => stop(new ProcessError(`${file}: timed out after ${formatMs(timeoutMs)}`, 'timeout')),
            timeoutMs,
          );
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) stop(new ProcessError(`${file}: more than ${maxBytes} bytes of output`, 'output-limit'));
      else into.push(chunk);
    };
    child.stdout?.on('data', collect(out));
    child.stderr?.on('data', collect(err));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill or write; 'close' still follows
      done();
      reject(failure ?? spawnFailure(file, opts.cwd, e));
    });
    child.on('close', (code, sig) => {
      done();
      if (failure) return reject(failure);
      resolve({
        exitCode: code,
        signal: sig,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    if (child.stdin) {
      // EPIPE when the child exits before reading everything shows in its exit code instead.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}
