// Gate reaction time against a real Prometheus scraping the example target: from the `errors` fault switch to the
// failed gate, per failureLimit, as a ratio to the bound every x (failureLimit + 1); plus what one apply pass costs.
// Run: node --import tsx bench/gate.ts [--trials N]   (needs Debian's `prometheus` on PATH; skipped without it)
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { spawnTarget } from '../examples/target/spawn.js';
import { dueSlackMs } from '../src/checks/gate.js';
import type { Sample } from '../src/checks/types.js';
import { runCli } from '../src/cli/program.js';
import { isolateGitConfig, TempDirs, TempRepo } from '../test/helpers/git-repo.js';
import { findPrometheus, startPrometheus, type RunningPrometheus } from '../test/helpers/prometheus.js';
import { median, ms, ratio, table } from './lib/stats.js';

const EVERY_MS = 1_000;
const FAILURE_LIMITS = [0, 1, 2];
const PASSING_BEFORE = 2;
const QUERY =
  'sum(rate(target_app_errors_total{cohort="canary"}[5s])) / sum(rate(target_app_requests_total{cohort="canary"}[5s]))';

interface Trial {
  /** Fault switch -> the gate-failed ledger entry. */
  wallMs: number;
  /** First failing sample -> the gate-failed entry: what the gate itself adds once the metric has turned. */
  afterTurnMs: number;
  passMs: number[];
  sampleMs: number[];
}

function manifest(failureLimit: number): string {
  return stringify({
    apiVersion: 'rollouts/v1',
    kind: 'Rollout',
    name: 'gate-bench',
    phase: 'canary',
    checks: { 'canary-errors': { prometheus: { query: QUERY }, fail: 'value > 0.05', severity: 'critical' } },
    phases: [
      { name: 'canary', gate: { hold: '1h', every: `${EVERY_MS / 1000}s`, failureLimit, checks: ['canary-errors'] } },
    ],
  });
}

async function setFault(targetUrl: string, mode: string): Promise<number> {
  const res = await fetch(`${targetUrl}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode }),
  });
  if (!res.ok) throw new Error(`POST /faults: HTTP ${res.status}`);
  await res.arrayBuffer();
  return Date.now();
}

async function samples(repo: TempRepo): Promise<{ samples: Sample[]; failedAt: number | null }> {
  const ledger = await repo.ledger('gate-bench');
  const failed = ledger.find((e) => e.kind === 'gate-failed');
  return {
    samples: ledger.filter((e) => e.kind === 'sample').map((e) => e.result as Sample),
    failedAt: failed ? Date.parse(failed.time) : null,
  };
}

/** The engine's reporter writes progress to stderr; the bench prints only its table. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await fn();
  } finally {
    process.stderr.write = write;
  }
}

async function trial(dirs: TempDirs, prom: RunningPrometheus, targetUrl: string, failureLimit: number): Promise<Trial> {
  await setFault(targetUrl, 'none');
  await prom.until('a clean canary error ratio', async () => ((await prom.value(QUERY)) ?? 1) < 0.0101 || undefined);
  const repo = await TempRepo.create(dirs, { 'gate-bench': manifest(failureLimit) });
  const io = {
    out: () => {},
    err: () => {},
    isTTY: false,
    cwd: repo.dir,
    env: { ...process.env, PROMETHEUS_URL: prom.url },
  };
  const passMs: number[] = [];
  let switchedAt = 0;
  let started = 0;
  for (let pass = 0; pass < 30; pass++) {
    const { samples: soFar, failedAt } = await samples(repo);
    if (failedAt !== null) {
      const firstFail = soFar.find((s) => s.outcome === 'fail')!;
      return {
        wallMs: failedAt - switchedAt,
        afterTurnMs: failedAt - Date.parse(firstFail.at),
        passMs,
        sampleMs: soFar.map((s) => s.durationMs),
      };
    }
    const last = soFar.at(-1);
    const due = last ? Date.parse(last.at) + EVERY_MS - dueSlackMs(EVERY_MS) : 0;
    const wait = Math.max(started + EVERY_MS, due) - Date.now();
    if (wait > 0) await sleep(wait);
    if (!switchedAt && soFar.length >= PASSING_BEFORE) switchedAt = await setFault(targetUrl, 'errors');
    started = Date.now();
    const t0 = performance.now();
    await quietly(() => runCli(['apply', 'gate-bench'], io));
    passMs.push(performance.now() - t0);
  }
  throw new Error(`failureLimit ${failureLimit}: the gate did not fail within 30 passes`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { trials: { type: 'string', default: '3' } } });
  const trials = Number(values.trials);
  const bin = findPrometheus();
  if (!bin) {
    console.log('bench/gate.ts skipped: no `prometheus` binary on PATH (or $PROMETHEUS_BIN)');
    return 0;
  }
  await isolateGitConfig();
  const dirs = new TempDirs();
  const target = await spawnTarget({ dbPath: `${await dirs.make('target')}/target.db`, orgs: 20, fault: 'none' });
  let prom: RunningPrometheus | undefined;
  try {
    prom = await startPrometheus(bin, dirs, { targets: [new URL(target.url).host] });
    const rows: string[][] = [];
    const passes: number[] = [];
    const sampleCosts: number[] = [];
    for (const failureLimit of FAILURE_LIMITS) {
      const runs: Trial[] = [];
      for (let i = 0; i < trials; i++) runs.push(await trial(dirs, prom, target.url, failureLimit));
      const bound = EVERY_MS * (failureLimit + 1);
      const wall = runs.map((r) => r.wallMs);
      passes.push(...runs.flatMap((r) => r.passMs));
      sampleCosts.push(...runs.flatMap((r) => r.sampleMs));
      rows.push([
        String(failureLimit),
        ms(bound),
        ms(median(wall)),
        ms(Math.max(...wall)),
        ratio(median(wall) / bound),
        ms(median(runs.map((r) => r.afterTurnMs))),
      ]);
    }
    console.log(`errors fault -> failed gate, every ${EVERY_MS} ms, scrape 1s, rate window 5s, ${trials} trials each`);
    console.log(table(['failureLimit', 'bound', 'median', 'max', 'median/bound', 'first fail -> failed'], rows));
    console.log(
      `one apply pass (lease, sample, commit): median ${ms(median(passes))}; one prometheus sample: median ${ms(median(sampleCosts))}`,
    );
    return 0;
  } finally {
    await prom?.stop();
    await target.stop();
    await dirs.cleanup();
  }
}

process.exitCode = await main();
