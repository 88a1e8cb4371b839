// The engine's paging cost against a hand-written node:http keep-alive loop that checkpoints its cursor as often
// (bench/lib/http-loop.ts), the cost of a checkpoint commit, and peak memory.
// Run: node --import tsx bench/paging.ts [--reps 5] [--orgs 4000] [--big 40000] [--batch-size 1] [--commits 40]
//        [--no-memory] [--cpu-prof DIR] [--undici-loop]
//   --cpu-prof profiles every client process into DIR; --undici-loop also runs the baseline's loop on undici's
//   dispatcher (the engine's HTTP stack), which tells the stack's share of the engine's cost from the engine's own.
// Each measured run gets a fresh example target (a child process, so only the client's CPU differs) with a fresh
// database of --orgs organizations, paged --batch-size (numItems) at a time: by default 4,000 batches of one.
// Runs alternate and the figures are medians.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureCommitCost, type CommitCost } from './lib/commit-cost.js';
import { assertBuilt } from './lib/apply-child.js';
import { measureRun, type ClientKind, type RunFigures } from './lib/paging-runs.js';
import { median, medianInterval, mib, ms, ratio, ratioWithInterval, table } from './lib/stats.js';

const GOAL_RATIO = 1.05;
const GOAL_MEMORY = 1.2;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results', 'paging.json');

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    orgs: { type: 'string', default: '4000' },
    'batch-size': { type: 'string', default: '1' },
    big: { type: 'string', default: '40000' },
    commits: { type: 'string', default: '40' },
    'no-memory': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'undici-loop': { type: 'boolean', default: false },
  },
  strict: true,
});
const reps = Number(values.reps);
const orgs = Number(values.orgs);
const big = Number(values.big);
const batchSize = Number(values['batch-size']);
const batches = Math.ceil(orgs / batchSize);
const KINDS: ClientKind[] = ['baseline', 'engine', 'engine-no-checkpoints'];
if (values['undici-loop']) KINDS.push('baseline-undici');
// Absolute: the engine child runs in its temporary repository.
const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(values['cpu-prof'])] : undefined;

interface Summary {
  kind: ClientKind;
  pagedMs: number;
  commandMs: number;
  processMs: number;
  maxRssKb: number;
  cpuMs: number;
  gitCpuMs: number | null;
  perBatchUs: number;
  runs: number[];
}

function summarize(kind: ClientKind, runs: RunFigures[]): Summary {
  const mine = runs.filter((r) => r.kind === kind);
  const pagedMs = median(mine.map((r) => r.pagedMs));
  return {
    kind,
    pagedMs,
    commandMs: median(mine.map((r) => r.commandMs)),
    processMs: median(mine.map((r) => r.processMs)),
    maxRssKb: median(mine.map((r) => r.maxRssKb)),
    cpuMs: median(mine.map((r) => r.cpuMs)),
    gitCpuMs: mine.every((r) => r.gitCpuMs !== null) ? median(mine.map((r) => r.gitCpuMs!)) : null,
    perBatchUs: (pagedMs * 1000) / batches,
    runs: mine.map((r) => Math.round(r.pagedMs)),
  };
}

interface Report {
  baseline: Summary;
  engine: Summary;
  noCheckpoints: Summary;
  /** With --undici-loop: the baseline's loop on undici, and each repetition's engine (checkpoints off) / it. */
  undici: { summary: Summary; ratios: number[]; engineRatios: number[] } | null;
  engineRatio: number;
  offRatio: number;
  /** Each repetition's own ratios, for their interval. */
  engineRatios: number[];
  offRatios: number[];
  checkpointCommits: number;
  commits: CommitCost;
  memory: { small: RunFigures; big: RunFigures; ratio: number } | null;
  seconds: number;
}

function formatReport(r: Report): string {
  const { baseline, engine, noCheckpoints, commits, memory, undici } = r;
  const rows = [baseline, engine, noCheckpoints, ...(undici ? [undici.summary] : [])].map((s) => [
    s.kind,
    ms(s.pagedMs),
    `${s.perBatchUs.toFixed(0)} µs`,
    ratio(s.pagedMs / baseline.pagedMs),
    ms(s.commandMs),
    ms(s.cpuMs),
    s.gitCpuMs === null ? '-' : ms(s.gitCpuMs),
    mib(s.maxRssKb),
    s.runs.join(' / '),
  ]);
  const goal = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const gitCpu = (v: number | null) => (v === null ? '' : ` + ${v.toFixed(1)} ms in git`);
  const out = [
    `paging: ${batches} batches of numItems ${batchSize} against the example target (own process, fresh db each run); median of ${reps} alternating runs`,
    table(
      [
        'client',
        'paged loop',
        'per batch',
        'vs baseline',
        'command',
        'client CPU',
        'git CPU',
        'peak RSS',
        'runs (paged ms)',
      ],
      rows,
    ),
    "paged loop: the baseline's own timing, the engine's step-end durationMs; command: the whole `rollouts apply`;",
    'client CPU: the client process, start-up included; git CPU: its git children (state commits).',
    '',
    `engine/baseline (median of the repetitions' own ratios), checkpoints on (${r.checkpointCommits} checkpoint commits a run): ${ratioWithInterval(r.engineRatios)}  (goal <= ${GOAL_RATIO}x: ${goal(r.engineRatio <= GOAL_RATIO)})`,
    `engine/baseline, checkpoints off: ${ratioWithInterval(r.offRatios)}: the engine adds ${(noCheckpoints.perBatchUs - baseline.perBatchUs).toFixed(0)} µs to a batch of ${baseline.perBatchUs.toFixed(0)} µs`,
    ...(undici
      ? [
          `baseline on undici / on node:http: ${ratioWithInterval(undici.ratios)}; engine (checkpoints off) / baseline on undici: ${ratioWithInterval(undici.engineRatios)}`,
        ]
      : []),
    `checkpoints cost ${ms(engine.pagedMs - noCheckpoints.pagedMs)} a run (${((engine.pagedMs / noCheckpoints.pagedMs - 1) * 100).toFixed(1)} %)`,
    `checkpoint commit (100 ledger entries, ${commits.bytesPerCommit} bytes), median of ${commits.commits}: ${commits.sessionCommitMs.toFixed(1)} ms through the session (CPU ${commits.sessionCpuMs.toFixed(1)} ms here${gitCpu(commits.sessionGitCpuMs)}), ${commits.storeCommitMs.toFixed(1)} ms store.commit alone (CPU ${commits.storeCpuMs.toFixed(1)} ms${gitCpu(commits.storeGitCpuMs)})`,
  ];
  if (memory) {
    out.push(
      `peak RSS of the engine: ${mib(memory.small.maxRssKb)} for ${memory.small.batches} batches, ${mib(memory.big.maxRssKb)} for ${memory.big.batches} batches (paged in ${ms(memory.big.pagedMs)}): ${ratio(memory.ratio)}  (goal <= ${GOAL_MEMORY}x: ${goal(memory.ratio <= GOAL_MEMORY)})`,
    );
  }
  out.push(`bench time ${r.seconds.toFixed(0)} s`);
  return out.join('\n');
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The order of the clients in repetition `rep`: rotated by one each time. */
function order(rep: number): ClientKind[] {
  return KINDS.map((_, i) => KINDS[(i + rep) % KINDS.length]!);
}

async function main(): Promise<void> {
  assertBuilt();
  const work = await mkdtemp(join(tmpdir(), 'rollouts-bench-paging-'));
  const started = performance.now();
  try {
    // Alternate: every repetition runs each client once, in an order rotated by one, so that drift of the machine's
    // load spreads over all three.
    const runs: RunFigures[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const kind of order(rep)) {
        const r = await measureRun(kind, { work, orgs, batchSize, nodeArgs });
        if (r.batches !== batches) throw new Error(`${kind}: ${r.batches} batches, expected ${batches}`);
        runs.push(r);
        log(
          `  rep ${rep + 1}/${reps} ${kind}: paged ${ms(r.pagedMs)}, command ${ms(r.commandMs)}, peak RSS ${mib(r.maxRssKb)}${r.step ? `, ${r.step.stateCommits} state commits` : ''}`,
        );
      }
    }
    const [baseline, engine, noCheckpoints] = KINDS.map((k) => summarize(k, runs)) as [Summary, Summary, Summary];

    log(`  checkpoint commits: ${values.commits} x 100 ledger entries`);
    const commits: CommitCost = await measureCommitCost(work, Number(values.commits));

    let memory: Report['memory'] = null;
    if (!values['no-memory']) {
      const bigBatches = Math.ceil(big / batchSize);
      log(`  memory: the engine over ${bigBatches} batches`);
      const bigRun = await measureRun('engine', { work, orgs: big, batchSize });
      if (bigRun.batches !== bigBatches) throw new Error(`engine: ${bigRun.batches} batches, expected ${bigBatches}`);
      const small = runs.filter((r) => r.kind === 'engine').sort((a, b) => a.maxRssKb - b.maxRssKb)[
        Math.floor(reps / 2)
      ]!;
      memory = { small, big: bigRun, ratio: bigRun.maxRssKb / small.maxRssKb };
    }

    // Each repetition's own ratio, then their median: a burst of load on the machine moves both runs of a repetition.
    const paired = (kind: ClientKind, over: ClientKind = 'baseline') =>
      Array.from(
        { length: reps },
        (_, rep) =>
          runs[rep * KINDS.length + order(rep).indexOf(kind)]!.pagedMs /
          runs[rep * KINDS.length + order(rep).indexOf(over)]!.pagedMs,
      );
    const undici = values['undici-loop']
      ? {
          summary: summarize('baseline-undici', runs),
          ratios: paired('baseline-undici'),
          engineRatios: paired('engine-no-checkpoints', 'baseline-undici'),
        }
      : null;
    const engineRatios = paired('engine');
    const offRatios = paired('engine-no-checkpoints');
    const engineRatio = median(engineRatios);
    const offRatio = median(offRatios);
    const stateCommits = (kind: ClientKind) =>
      median(runs.filter((r) => r.kind === kind).map((r) => r.step?.stateCommits ?? 0));
    const checkpointCommits = stateCommits('engine') - stateCommits('engine-no-checkpoints');
    console.log(
      formatReport({
        baseline,
        engine,
        noCheckpoints,
        undici,
        engineRatio,
        offRatio,
        engineRatios,
        offRatios,
        checkpointCommits,
        commits,
        memory,
        seconds: (performance.now() - started) / 1000,
      }),
    );

    await mkdir(dirname(RESULTS), { recursive: true });
    const result = {
      at: new Date().toISOString(),
      node: process.version,
      orgs,
      batchSize,
      batches,
      reps,
      goals: { engineOverBaseline: GOAL_RATIO, memoryBigOverSmall: GOAL_MEMORY },
      summary: {
        baseline,
        engine,
        engineNoCheckpoints: noCheckpoints,
        ...(undici ? { baselineUndici: undici.summary } : {}),
      },
      ratios: {
        engineOverBaseline: engineRatio,
        engineNoCheckpointsOverBaseline: offRatio,
        checkpointsOnOverOff: engine.pagedMs / noCheckpoints.pagedMs,
        ...(undici
          ? {
              baselineUndiciOverBaseline: median(undici.ratios),
              engineNoCheckpointsOverBaselineUndici: median(undici.engineRatios),
            }
          : {}),
      },
      ratioIntervals: {
        engineOverBaseline: medianInterval(engineRatios),
        engineNoCheckpointsOverBaseline: medianInterval(offRatios),
      },
      checkpointCommitsPerRun: checkpointCommits,
      checkpointCommit: commits,
      memory: memory && {
        smallBatches: batches,
        smallMaxRssKb: memory.small.maxRssKb,
        bigBatches: memory.big.batches,
        bigMaxRssKb: memory.big.maxRssKb,
        bigPagedMs: memory.big.pagedMs,
        ratio: memory.ratio,
      },
      runs,
    };
    await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`results: ${RESULTS}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
