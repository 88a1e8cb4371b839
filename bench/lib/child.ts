// Bench children: a measured program runs in its own node process (so its CPU and peak RSS are its own) and hands
// its figures back as one marked JSON line on stdout.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const MARK = 'BENCH-RESULT ';
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const KEEP = 64 * 1024;

/** Child side: prints the figures for the parent. */
export function report(result: object): void {
  process.stdout.write(`\n${MARK}${JSON.stringify(result)}\n`);
}

/** Peak resident set size of this process so far, in KiB. */
export function peakRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/** CPU time (user + system) of this process so far, in ms; not that of its children (git). */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU time of this process's exited children (git), in ms: cutime + cstime of /proc/self/stat, Linux only (null
 * elsewhere). Clock ticks are taken as 100 a second, the Linux USER_HZ.
 */
export function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0; cutime and cstime are fields 16 and 17.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

export interface ChildRun<T> {
  result: T;
  /** Wall time of the whole child process, node start-up included. */
  wallMs: number;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

/** Runs `node --import tsx file ...args` and returns the figures it reported; rejects when it reported none. */
export function runChild<T>(file: string, args: readonly string[], opts: ChildOptions = {}): Promise<ChildRun<T>> {
  const argv = [...(opts.nodeArgs ?? []), '--import', TSX_LOADER, file, ...args];
  const started = performance.now();
  const child = spawn(process.execPath, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout = (stdout + c).slice(-KEEP)));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-KEEP)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const wallMs = performance.now() - started;
      const line = stdout.split('\n').findLast((l) => l.startsWith(MARK));
      if (!line) {
        reject(
          new Error(
            `${file} exited (${signal ?? code}) without figures\n${stdout.slice(-2000)}\n${stderr.slice(-4000)}`,
          ),
        );
        return;
      }
      resolve({ result: JSON.parse(line.slice(MARK.length)) as T, wallMs, stdout, stderr });
    });
  });
}
