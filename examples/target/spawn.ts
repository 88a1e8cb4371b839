// Runs the target as a child process: for tests that kill and restart clients around it, and for a Prometheus server
// that must scrape it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FaultMode, FaultSpec } from './faults.js';

export interface SpawnTargetOptions {
  dbPath: string;
  port?: number;
  orgs?: number;
  migratedShare?: number;
  fault?: FaultMode | FaultSpec;
  /** Extra environment for the child (merged over process.env). */
  env?: NodeJS.ProcessEnv;
  /** Give up waiting for the url line after this long (default 30 s). */
  startTimeoutMs?: number;
}

export interface SpawnedTarget {
  url: string;
  proc: ChildProcess;
  /** The child's stderr so far (last 64 KiB), for failure messages. */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s); resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const STDERR_KEEP = 64 * 1024;

export function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopChild(proc: ChildProcess, graceMs = 5_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const done = exited(proc);
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

export function spawnTarget(opts: SpawnTargetOptions): Promise<SpawnedTarget> {
  const argv = [
    '--import',
    TSX_LOADER,
    MAIN,
    '--db',
    opts.dbPath,
    '--port',
    String(opts.port ?? 0),
    '--exit-on-stdin-eof',
  ];
  if (opts.orgs !== undefined) argv.push('--orgs', String(opts.orgs));
  if (opts.migratedShare !== undefined) argv.push('--migrated-share', String(opts.migratedShare));
  if (opts.fault !== undefined)
    argv.push('--fault', typeof opts.fault === 'string' ? opts.fault : JSON.stringify(opts.fault));
  const proc = spawn(process.execPath, argv, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });

  let stderrTail = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_KEEP);
  });

  const stop = (graceMs = 5_000): Promise<void> => stopChild(proc, graceMs);

  return new Promise<SpawnedTarget>((resolve, reject) => {
    let stdout = '';
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop(0).then(() => reject(new Error(`example target did not start: ${why}\n${stderrTail}`)));
    };
    const timer = setTimeout(() => fail('timed out waiting for its url'), opts.startTimeoutMs ?? 30_000);
    proc.once('error', (err) => fail(err.message));
    proc.once('exit', (code, signal) => fail(`exited (${signal ?? code})`));
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (chunk: string) => {
      if (settled) return;
      stdout += chunk;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      try {
        const { url } = JSON.parse(stdout.slice(0, nl)) as { url: string };
        settled = true;
        clearTimeout(timer);
        resolve({ url, proc, stderr: () => stderrTail, stop });
      } catch {
        fail(`unexpected first stdout line ${JSON.stringify(stdout.slice(0, nl))}`);
      }
    });
  });
}
