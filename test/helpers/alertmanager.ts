// A real Alertmanager (Debian's `prometheus-alertmanager`) for end-to-end tests: its own free port on 127.0.0.1,
// clustering off (--cluster.listen-address=""), a temp storage dir and the given config, stopped after.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChild } from '../../examples/target/spawn.js';
import type { TempDirs } from './git-repo.js';
import { freePort } from './prometheus.js';

/** The alertmanager executable: $ALERTMANAGER_BIN, else `prometheus-alertmanager` (Debian) or `alertmanager` on PATH. */
export function findAlertmanager(env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = env.ALERTMANAGER_BIN
    ? [env.ALERTMANAGER_BIN]
    : ['prometheus-alertmanager', 'alertmanager'].flatMap((name) => dirs.map((d) => join(d, name)));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      continue;
    }
  }
  return null;
}

export interface RunningAlertmanager {
  url: string;
  /** `host:port`, for Prometheus' alerting config. */
  address: string;
  proc: ChildProcess;
  log(): string;
  stop(graceMs?: number): Promise<void>;
}

const LOG_KEEP = 64 * 1024;

async function launch(bin: string, dir: string, port: number, readyTimeoutMs: number): Promise<RunningAlertmanager> {
  const address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  const proc = spawn(
    bin,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let logTail = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    logTail = (logTail + chunk).slice(-LOG_KEEP);
  });
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async (graceMs = 5_000) => {
    process.off('exit', killOnExit);
    await stopChild(proc, graceMs);
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`alertmanager exited (${proc.signalCode ?? proc.exitCode}) before it was ready\n${logTail}`);
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return { url, address, proc, log: () => logTail, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(0);
      throw new Error(`alertmanager at ${url} was not ready after ${readyTimeoutMs} ms\n${logTail}`);
    }
    await sleep(100);
  }
}

/** Starts Alertmanager with `config` (YAML text) in a fresh temp dir; retries on a new port if one is taken. */
export async function startAlertmanager(
  bin: string,
  dirs: TempDirs,
  config: string,
  readyTimeoutMs = 30_000,
): Promise<RunningAlertmanager> {
  const dir = await dirs.make('alertmanager');
  await writeFile(join(dir, 'alertmanager.yml'), config);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const am = await launch(bin, dir, await freePort(), readyTimeoutMs);
      return am;
    } catch (err) {
      lastError = err;
      if (!/address already in use/i.test(String(err))) throw err;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
