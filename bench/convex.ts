// The native convex driver against a hand-written node:http keep-alive loop doing the same requests, and `via: cli`
// beside them. Run: node --import tsx bench/convex.ts [--reps 3] [--orgs 4000] [--cli-batches 8]
// A stand-in deployment (bench/lib/convex-standin.ts, its own process, in memory) serves the seed-000 paged backfill
// with numItems 1: --orgs batches. The engine runs `rollouts apply` (checkpoints on, the default every 2 s) in a fresh
// repository; the loop saves its cursor durably as often (bench/lib/http-loop.ts). `via: cli` spawns `npx convex run`
// per batch (about a second each), so it runs --cli-batches batches (paginate.maxBatches) and is compared per batch.
// Where the time goes is shown by halves: the first half of the batches (connections, JIT warm-up), the second (warm),
// and the durable save after the last batch. --against OTHER/dist/cli.js also runs another build of the engine in
// every repetition, for an A/B of two builds in one run (a single run of the same build moves by up to ±15 % here).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runChild } from './lib/child.js';
import { assertBuilt, type ApplyFigures } from './lib/apply-child.js';
import type { LoopFigures } from './lib/http-loop.js';
import { git, pagedStepRecord, ROLLOUT, STEP, type BatchHalves } from './lib/rollout-repo.js';
import { median, ms, ratio, ratioWithInterval, table } from './lib/stats.js';

const GOAL = 1.05;
const here = dirname(fileURLToPath(import.meta.url));
const STANDIN = join(here, 'lib', 'convex-standin.ts');
const LOOP = join(here, 'lib', 'http-loop.ts');
const APPLY = join(here, 'lib', 'apply-child.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ADMIN_KEY = 'bench|standin-admin-key';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    orgs: { type: 'string', default: '4000' },
    'cli-batches': { type: 'string', default: '8' },
    'cpu-prof': { type: 'string' },
    against: { type: 'string' },
  },
  strict: true,
});
const reps = Number(values.reps);
const orgs = Number(values.orgs);
const cliBatches = Number(values['cli-batches']);
// Absolute: the engine child runs in its temporary repository.
const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(values['cpu-prof'])] : undefined;
const against = values.against ? resolve(values.against) : undefined;

async function startStandin(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', TSX, STANDIN, '--orgs', String(orgs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /^url (\S+)$/m.exec(out);
      if (m) res(m[1]!);
    });
    child.once('exit', (code) => rej(new Error(`stand-in exited ${code}`)));
  });
  return { url, stop: () => child.stdin.end() };
}

function manifest(via: 'http' | 'cli', maxBatches?: number): string {
  return `apiVersion: rollouts/v1
kind: Rollout
name: ${ROLLOUT}
phase: full
env: [CONVEX_SELF_HOSTED_URL, CONVEX_SELF_HOSTED_ADMIN_KEY]
phases:
  - name: full
    steps:
      - name: ${STEP}
        convex:
          function: "migrations/byok:backfillBatch"
          args: { numItems: 1, cursor: "{{ page.cursor }}", dryRun: false }
          via: ${via}
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage"${maxBatches ? `, maxBatches: ${maxBatches}` : ''} }
        expect: "result.json.failed == 0"
rollback:
  - name: rollback-paged
    convex: { function: "migrations/byok:rollbackBatch", args: { numItems: 1, cursor: "{{ page.cursor }}" }, via: ${via} }
    paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
`;
}

/** `rollouts apply` in a fresh repository that is also a Convex project (package.json, node_modules for npx). */
async function engineRun(work: string, url: string, via: 'http' | 'cli', maxBatches?: number, cli?: string) {
  const repo = await mkdtemp(join(work, `engine-${via}-`));
  await git(repo, ['init', '-q', '-b', 'main']);
  await writeFile(join(repo, 'package.json'), JSON.stringify({ name: 'app', dependencies: { convex: '1.48.0' } }));
  await writeFile(join(repo, '.gitignore'), 'node_modules\n');
  await symlink(resolve('node_modules'), join(repo, 'node_modules'));
  await mkdir(join(repo, 'rollouts'));
  await writeFile(join(repo, 'rollouts', `${ROLLOUT}.yaml`), manifest(via, maxBatches));
  await git(repo, ['add', '.']);
  await git(repo, ['commit', '-qm', 'bench rollout']);
  const env = { ...process.env, CONVEX_SELF_HOSTED_URL: url, CONVEX_SELF_HOSTED_ADMIN_KEY: ADMIN_KEY };
  const { result, stdout, stderr } = await runChild<ApplyFigures>(APPLY, cli ? [cli] : [], {
    cwd: repo,
    env,
    nodeArgs,
  });
  if (result.exitCode !== 0) throw new Error(`rollouts apply exited ${result.exitCode}\n${stdout}\n${stderr}`);
  const step = await pagedStepRecord(repo);
  await rm(repo, { recursive: true, force: true });
  return {
    pagedMs: step.stepMs,
    batches: step.batches,
    commits: step.stateCommits,
    cpuMs: result.cpuMs,
    halves: step.halves,
  };
}

async function loopRun(url: string, maxBatches?: number) {
  const args = ['--mode', 'convex', '--url', url, '--admin-key', ADMIN_KEY, '--half-at', String(Math.floor(orgs / 2))];
  if (maxBatches) args.push('--max-batches', String(maxBatches));
  const { result } = await runChild<LoopFigures>(LOOP, args, { nodeArgs });
  return {
    pagedMs: result.loopMs,
    batches: result.batches,
    checkpoints: result.checkpoints,
    cpuMs: result.cpuMs,
    halves: result.halves,
  };
}

/** The medians of each part of the step (BatchHalves), the loop's beside the engine's (and the --against build's). */
function byHalves(
  loop: { halves: BatchHalves }[],
  native: { halves: BatchHalves }[],
  other: { halves: BatchHalves }[],
  n: number,
): string {
  const half = Math.floor(n / 2);
  const parts: [string, keyof BatchHalves][] = [
    [`batches 1-${half}`, 'firstMs'],
    [`batches ${half + 1}-${n}`, 'secondMs'],
    ['durable save after the last', 'saveMs'],
  ];
  const part = (runs: { halves: BatchHalves }[], key: keyof BatchHalves) => median(runs.map((x) => x.halves[key]));
  return table(
    ['part of the paged loop', 'node:http loop', 'engine', 'engine - loop', ...(other.length ? ['--against'] : [])],
    parts.map(([label, key]) => {
      const l = part(loop, key);
      const e = part(native, key);
      const row = [label, ms(l), ms(e), `${e - l >= 0 ? '+' : ''}${ms(e - l)}`];
      return other.length ? [...row, ms(part(other, key))] : row;
    }),
  );
}

async function main(): Promise<void> {
  assertBuilt();
  const work = await mkdtemp(join(tmpdir(), 'rollouts-bench-convex-'));
  const standin = await startStandin();
  const started = performance.now();
  try {
    const loop: Awaited<ReturnType<typeof loopRun>>[] = [];
    const native: Awaited<ReturnType<typeof engineRun>>[] = [];
    const ratios: number[] = [];
    const other: Awaited<ReturnType<typeof engineRun>>[] = [];
    const abRatios: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      // Alternating: the loop first in even repetitions, the engines first in odd ones (and the --against build
      // before this tree's); each repetition's own ratio.
      const first = rep % 2 === 0 ? await loopRun(standin.url) : undefined;
      const b = against && rep % 2 === 1 ? await engineRun(work, standin.url, 'http', undefined, against) : undefined;
      const n = await engineRun(work, standin.url, 'http');
      const o = against ? (b ?? (await engineRun(work, standin.url, 'http', undefined, against))) : undefined;
      const l = first ?? (await loopRun(standin.url));
      if (l.batches !== orgs || n.batches !== orgs || (o && o.batches !== orgs))
        throw new Error(`batches: loop ${l.batches}, engine ${n.batches}, --against ${o?.batches ?? '-'}`);
      loop.push(l);
      native.push(n);
      ratios.push(n.pagedMs / l.pagedMs);
      if (o) {
        other.push(o);
        abRatios.push(n.pagedMs / o.pagedMs);
      }
      const also = o ? `, --against ${ms(o.pagedMs)}` : '';
      process.stderr.write(`  rep ${rep + 1}/${reps}: loop ${ms(l.pagedMs)}, native ${ms(n.pagedMs)}${also}\n`);
    }
    const cliLoop = await loopRun(standin.url, cliBatches);
    const cli = await engineRun(work, standin.url, 'cli', cliBatches);
    const perBatch = (v: number, n: number) => `${((v * 1000) / n).toFixed(0)} µs`;
    const loopMs = median(loop.map((r) => r.pagedMs));
    const nativeMs = median(native.map((r) => r.pagedMs));
    const cliPer = cli.pagedMs / cli.batches;
    const loopPer = cliLoop.pagedMs / cliLoop.batches;
    const r = median(ratios);
    console.log(
      `convex: ${orgs} batches of numItems 1 against a stand-in /api/function (own process); median of ${reps} alternating runs`,
    );
    console.log(
      table(
        ['client', 'batches', 'paged loop', 'per batch', 'vs loop', 'client CPU', 'checkpoints', 'runs (ms)'],
        [
          [
            'node:http loop',
            String(orgs),
            ms(loopMs),
            perBatch(loopMs, orgs),
            '1.000x',
            ms(median(loop.map((x) => x.cpuMs))),
            String(median(loop.map((x) => x.checkpoints))),
            loop.map((x) => x.pagedMs.toFixed(0)).join(' / '),
          ],
          [
            'engine, convex native',
            String(orgs),
            ms(nativeMs),
            perBatch(nativeMs, orgs),
            ratio(r),
            ms(median(native.map((x) => x.cpuMs))),
            `${median(native.map((x) => x.commits))} state commits`,
            native.map((x) => x.pagedMs.toFixed(0)).join(' / '),
          ],
          [
            'engine, convex via: cli',
            String(cli.batches),
            ms(cli.pagedMs),
            perBatch(cli.pagedMs, cli.batches),
            ratio(cliPer / loopPer),
            ms(cli.cpuMs),
            `${cli.commits} state commits`,
            `per batch vs the loop's ${perBatch(cliLoop.pagedMs, cliLoop.batches)} over ${cliLoop.batches}`,
          ],
        ],
      ),
    );
    console.log(byHalves(loop, native, other, orgs));
    console.log(
      `native/loop (median of the repetitions' own ratios): ${ratioWithInterval(ratios)}  (goal <= ${GOAL}x: ${r <= GOAL ? 'met' : 'MISSED'})`,
    );
    if (against)
      console.log(
        `this build / ${against} (median of the repetitions' own ratios): ${ratioWithInterval(abRatios)}; ` +
          `native/loop of that build: ${ratio(median(other.map((o, i) => o.pagedMs / loop[i]!.pagedMs)))}`,
      );
    console.log(
      `via: cli costs ${(cliPer / 1000).toFixed(2)} s a batch: ${orgs} batches would take ${((cliPer * orgs) / 60000).toFixed(0)} min (native: ${(nativeMs / 1000).toFixed(1)} s)`,
    );
    console.log(`bench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    standin.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
