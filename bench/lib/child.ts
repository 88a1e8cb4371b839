// Bench children: a measured program runs in its own node process (so its CPU and peak RSS are its own) and hands
// its figures back as one marked JSON line on stdout.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

/** Fields of /proc/PID/stat after "pid (comm) ": field 3 (state) is index 0. */
function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU ms of the children still running (the store's long-lived git processes), theirs and their own children's. */
function liveChildrenCpuMs(): number {
  let ticks = 0;
  for (const task of readdirSync('/proc/self/task')) {
    const children = readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ').filter(Boolean);
    for (const pid of children) {
      try {
        const f = statFields(Number(pid));
        // utime, stime, cutime, cstime: fields 14 to 17.
        ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      } catch {
        // it exited since the list was read: counted in cutime below, or about to be
      }
    }
  }
  return ticks * 10;
}

/**
 * CPU time of this process's children (git), in ms: those that exited (cutime + cstime of /proc/self/stat) and those
 * still running. Linux only (null elsewhere). Clock ticks are taken as 100 a second, the Linux USER_HZ.
 */
export function childrenCpuMs(): number | null {
  try {
    const fields = statFields('self');
    // cutime and cstime: fields 16 and 17.
    return (Number(fields[13]) + Number(fields[14])) * 10 + liveChildrenCpuMs();
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
