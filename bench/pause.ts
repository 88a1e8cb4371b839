// The pause switch (`rollouts pause`): what watching for it costs the batch loop, beside what polling the state ref
// between batches would cost (a local read; a fetch from a remote), and how soon a running paged apply stops once the
// request is committed by another process (default checkpoints: every 2 s), with every batch sent exactly once.
// Run: node --import tsx bench/pause.ts [--reps 3] [--orgs 6000] [--checks 200000] [--reads 20]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnTarget } from '../examples/target/spawn.js';
import { Masker } from '../src/engine/mask.js';
import { stopIfPaused } from '../src/engine/pause-switch.js';
import { RolloutSession } from '../src/engine/session.js';
import { currentHolder, GitStateStore, type LedgerEntry } from '../src/state/index.js';
import { git, makeRolloutRepo, ROLLOUT } from './lib/rollout-repo.js';
import { median, ms, table } from './lib/stats.js';

const ms1 = (v: number) => `${v.toFixed(1)} ms`;

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    orgs: { type: 'string', default: '6000' },
    checks: { type: 'string', default: '200000' },
    reads: { type: 'string', default: '20' },
  },
  strict: true,
});
const reps = Number(values.reps);
const orgs = Number(values.orgs);
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv): { done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env, stdio: 'ignore' });
  return { done: new Promise((resolve) => child.once('close', (code) => resolve(code))) };
}

async function timed(n: number, fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t0) / n;
}

/** Per batch: the switch as built (a field of the session's state) vs a read of the state ref (local, and fetched). */
async function switchCost(work: string) {
  const repo = await makeRolloutRepo(join(work, 'cost'));
  const store = new GitStateStore({ repo });
  const session = (await RolloutSession.open({
    store,
    name: ROLLOUT,
    me: currentHolder(),
    ttlMs: 120_000,
    masker: new Masker(),
  }))!;
  const checkMs = await timed(Number(values.checks), () => stopIfPaused(session, 'apply', 'backfill'));
  const readMs = await timed(Number(values.reads), () => store.readState(ROLLOUT));
  await session.close();
  const bare = join(work, 'cost-remote.git');
  await git(work, ['clone', '-q', '--bare', repo, bare]);
  const clone = join(work, 'cost-clone');
  await git(work, ['clone', '-q', bare, clone]);
  const remote = new GitStateStore({ repo: clone, remote: 'origin', fetchDepth: 1 });
  const fetchMs = await timed(Number(values.reads), () => remote.readState(ROLLOUT));
  return { checkMs, readMs, fetchMs };
}

async function ledger(repo: string): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for await (const e of new GitStateStore({ repo }).readLedger(ROLLOUT)) out.push(e);
  return out;
}

interface Stop {
  afterRequestMs: number;
  batchesAfterRequest: number;
  batchMs: number;
  exactlyOnce: boolean;
}

/** A paged apply in one process, paused from a second once 300 batches are checkpointed, then resumed. */
async function pauseRun(work: string, rep: number): Promise<Stop> {
  const dir = await mkdtemp(join(work, `run${rep}-`));
  const target = await spawnTarget({ dbPath: join(dir, 'target.db'), orgs });
  try {
    const repo = await makeRolloutRepo(join(dir, 'repo'));
    const env = { ...process.env, TARGET_URL: target.url, NO_COLOR: '1' };
    const store = new GitStateStore({ repo });
    const apply = cli(repo, ['apply'], env);
    let exited = false;
    void apply.done.then(() => (exited = true));
    for (;;) {
      const s = (await store.readState(ROLLOUT).catch(() => null))?.state;
      const p = s?.progress?.['full/apply/backfill'];
      if (p && p.batches >= 300) break;
      if (exited) throw new Error('the apply ended before it could be paused: raise --orgs');
      await sleep(50);
    }
    if ((await cli(repo, ['pause', ROLLOUT, '--reason', 'bench'], env).done) !== 0) throw new Error('pause failed');
    await apply.done;
    const paused = await ledger(repo);
    const asked = Date.parse(paused.find((e) => e.kind === 'pause')!.time);
    const stopped = paused.find((e) => e.kind === 'paused');
    if (!stopped) throw new Error('the apply finished before the pause was honoured: raise --orgs');
    const start = Date.parse(paused.find((e) => e.kind === 'step-start')!.time);
    const batches = paused.filter((e) => e.kind === 'batch');
    if ((await cli(repo, ['resume', ROLLOUT], env).done) !== 0) throw new Error('resume failed');
    const numbers = (await ledger(repo)).filter((e) => e.kind === 'batch').map((e) => e.counts!.batch);
    const integrity = (await (await fetch(`${target.url}/integrity`)).json()) as { providerAgnostic: number };
    return {
      afterRequestMs: Date.parse(stopped.time) - asked,
      batchesAfterRequest: batches.filter((e) => Date.parse(e.time) > asked).length,
      batchMs: (Date.parse(batches.at(-1)!.time) - start) / batches.length,
      exactlyOnce:
        numbers.length === orgs && numbers.every((n, i) => n === i + 1) && integrity.providerAgnostic === orgs,
    };
  } finally {
    await target.stop();
  }
}

const work = await mkdtemp(join(tmpdir(), 'bench-pause-'));
try {
  const cost = await switchCost(work);
  const stops: Stop[] = [];
  for (let rep = 0; rep < reps; rep++) stops.push(await pauseRun(work, rep));
  const batchMs = median(stops.map((s) => s.batchMs));
  const share = (v: number) => `${((100 * v) / batchMs).toFixed(3)} %`;
  const us = (v: number) => `${(v * 1000).toFixed(3)} µs`;
  process.stdout.write(
    `${table(
      ['watching the switch, per batch', 'cost', 'share of a batch'],
      [
        ['session.state.pause (as built)', us(cost.checkMs), share(cost.checkMs)],
        ['a local read of the state ref', ms1(cost.readMs), share(cost.readMs)],
        ['a fetch --depth=1 of it + read', ms1(cost.fetchMs), share(cost.fetchMs)],
      ],
    )}\n(a batch: ${batchMs.toFixed(2)} ms through the engine, median of ${reps} runs of ${orgs} orgs)\n\n`,
  );
  process.stdout.write(
    `${table(
      ['run', 'request -> paused', 'batches sent after the request', 'every batch once after resume'],
      stops.map((s, i) => [String(i + 1), ms(s.afterRequestMs), String(s.batchesAfterRequest), String(s.exactlyOnce)]),
    )}\nmedian request -> paused: ${ms(median(stops.map((s) => s.afterRequestMs)))} (checkpoints every 2 s)\n`,
  );
  if (stops.some((s) => !s.exactlyOnce)) process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
