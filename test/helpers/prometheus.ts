// A real Prometheus server (Debian's `prometheus`) for end-to-end tests: its own free port on 127.0.0.1, a temp TSDB,
// a generated config scraping the given targets every second (and evaluating rules every second), stopped after.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exited, stopChild } from '../../examples/target/spawn.js';
import type { TempDirs } from './git-repo.js';

/** The prometheus executable: $PROMETHEUS_BIN, else `prometheus` on PATH; null when there is none. */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env.PROMETHEUS_BIN
    ? [env.PROMETHEUS_BIN]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, 'prometheus'));
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

export interface PrometheusOptions {
  /** `host:port` of each target to scrape (job `target`). */
  targets: string[];
  /** Text of a rule file (Prometheus rule groups YAML); none when absent. */
  rules?: string;
  /** Scrape and rule evaluation interval (default 1s). */
  interval?: string;
  /** Give up waiting for /-/ready after this long (default 30 s). */
  readyTimeoutMs?: number;
  /** Fills the TSDB directory before the server starts (e.g. `promtool tsdb create-blocks-from openmetrics`). */
  beforeStart?: (dataDir: string) => Promise<void>;
  /** `host:port` of each Alertmanager to send alerts to; none when absent. */
  alertmanagers?: string[];
  /** global.external_labels: added to what Prometheus sends out (Alertmanager), never to its own API's answers. */
  externalLabels?: Record<string, string>;
}

export interface RunningPrometheus {
  url: string;
  proc: ChildProcess;
  /** The server's stderr so far (last 64 KiB), for failure messages. */
  log(): string;
  /** The `data` of GET /api/v1/<path>; throws on an API error. */
  api<T>(path: string, params?: Record<string, string>): Promise<T>;
  /** The single value of an instant query, or null when it returns no sample (or NaN). */
  value(query: string): Promise<number | null>;
  /** Polls `probe` (every 250 ms) until it returns a value other than undefined; throws with `what` after `timeoutMs`. */
  until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s); resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const LOG_KEEP = 64 * 1024;

/** A port that was free a moment ago on 127.0.0.1 (for servers that cannot be told port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function configYaml(opts: PrometheusOptions, ruleFile: string | null): string {
  const interval = opts.interval ?? '1s';
  const targets = opts.targets.map((t) => JSON.stringify(t)).join(', ');
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(opts.externalLabels ? [`  external_labels: ${JSON.stringify(opts.externalLabels)}`] : []),
    ...(ruleFile ? ['rule_files:', `  - ${JSON.stringify(ruleFile)}`] : []),
    ...(opts.alertmanagers?.length
      ? ['alerting:', `  alertmanagers: [{ static_configs: [{ targets: ${JSON.stringify(opts.alertmanagers)} }] }]`]
      : []),
    'scrape_configs:',
    '  - job_name: target',
    `    static_configs: [{ targets: [${targets}] }]`,
    '',
  ].join('\n');
}

interface ApiBody {
  status?: string;
  data?: unknown;
  error?: string;
}

async function getJson(url: string): Promise<ApiBody> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  try {
    return JSON.parse(text) as ApiBody;
  } catch {
    throw new Error(`GET ${url}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
}

/** Starts one attempt on `port`; resolves once /-/ready answers 200, rejects if the process exits first. */
async function launch(bin: string, dir: string, port: number, readyTimeoutMs: number): Promise<RunningPrometheus> {
  const url = `http://127.0.0.1:${port}`;
  const argv = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  const proc = spawn(bin, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let logTail = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => {
    logTail = (logTail + chunk).slice(-LOG_KEEP);
  });
  // A test process that dies without its afterAll must not leave a server behind.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (graceMs = 5_000): Promise<void> => {
    process.off('exit', killOnExit);
    await stopChild(proc, graceMs);
  };

  const api = async <T>(path: string, params: Record<string, string> = {}): Promise<T> => {
    const query = new URLSearchParams(params).toString();
    const body = await getJson(`${url}/api/v1/${path}${query ? `?${query}` : ''}`);
    if (body.status !== 'success') throw new Error(`Prometheus /api/v1/${path}: ${body.error ?? JSON.stringify(body)}`);
    return body.data as T;
  };

  const value = async (query: string): Promise<number | null> => {
    const data = await api<{ resultType: string; result: unknown }>('query', { query });
    if (data.resultType === 'scalar') return numberOrNull((data.result as [number, string])[1]);
    const result = data.result as { value: [number, string] }[];
    if (result.length > 1) throw new Error(`${query} returned ${result.length} samples; expected at most one`);
    return result[0] ? numberOrNull(result[0].value[1]) : null;
  };

  const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`prometheus exited while waiting for ${what}\n${logTail}`);
      try {
        const got = await probe();
        if (got !== undefined) return got;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline)
        throw new Error(
          `gave up after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}\n${logTail}`,
        );
      await sleep(250);
    }
  };

  const running: RunningPrometheus = { url, proc, log: () => logTail, api, value, until, stop };
  const gone = exited(proc).then(() => {
    throw new Error(`prometheus exited (${proc.signalCode ?? proc.exitCode}) before it was ready\n${logTail}`);
  });
  gone.catch(() => undefined);
  const ready = until(
    `${url}/-/ready`,
    async () => {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return res.status === 200 ? true : undefined;
    },
    readyTimeoutMs,
  );
  try {
    await Promise.race([ready, gone]);
  } catch (err) {
    await stop(0);
    throw err;
  }
  return running;
}

function numberOrNull(raw: string): number | null {
  const n = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
  return Number.isNaN(n) ? null : n;
}

/**
 * Starts Prometheus in a fresh temp dir and waits until it is ready and every target has been scraped `up`.
 * The port is found free just before the start; when another process takes it first, it retries on a new one.
 */
export async function startPrometheus(
  bin: string,
  dirs: TempDirs,
  opts: PrometheusOptions,
): Promise<RunningPrometheus> {
  const dir = await dirs.make('prometheus');
  let ruleFile: string | null = null;
  if (opts.rules !== undefined) {
    ruleFile = join(dir, 'rules.yml');
    await writeFile(ruleFile, opts.rules);
  }
  await writeFile(join(dir, 'prometheus.yml'), configYaml(opts, ruleFile));
  await opts.beforeStart?.(join(dir, 'data'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    let prom: RunningPrometheus;
    try {
      prom = await launch(bin, dir, await freePort(), opts.readyTimeoutMs ?? 30_000);
    } catch (err) {
      lastError = err;
      if (/address already in use/i.test(String(err))) continue;
      throw err;
    }
    try {
      await prom.until('every target to be scraped up', async () => {
        const { activeTargets } = await prom.api<{
          activeTargets: { health: string; scrapeUrl: string; lastError: string }[];
        }>('targets');
        return activeTargets.length === opts.targets.length && activeTargets.every((t) => t.health === 'up')
          ? true
          : undefined;
      });
    } catch (err) {
      await prom.stop(0);
      throw err;
    }
    return prom;
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
