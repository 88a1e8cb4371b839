// What an ageing state branch costs: 10 rollouts whose gates took 576 samples each (48 h sampled every 5 min), as the
// engine writes them now (one compare-and-swap commit a sample, the last GATE_SAMPLES_KEPT samples and a tally in
// state.json, the history compacted past COMPACT_AFTER commits) and as it wrote them before (claim, sample and
// release commits, every sample in state.json, no compaction); each figure as a ratio to a fresh branch (the 10
// gates just opened). Figures: commits reachable from the tip, the `.git` size (packed: `git gc`), a fresh
// `git fetch --depth=1` of the branch over file:// (what the action does), and a no-op pass (`rollouts apply`, in
// process, with no sample due).
// The histories are written with `git fast-import` from the states the engine's own functions compute
// (appendSamples, the ledger's line format), so the bench takes seconds, not the hours of 5,760 real passes.
// Run: node --import tsx bench/state.ts [--samples 576] [--rollouts 10] [--trials 5] [--before]
import { spawn } from 'node:child_process';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { runCli } from '../src/cli/program.js';
import { parseManifest, type Manifest } from '../src/manifest/index.js';
import { appendSamples } from '../src/engine/gate.js';
import { DEFAULT_COMPACT_AFTER } from '../src/state/index.js';
import type { GateSample, LedgerEntry, RolloutState } from '../src/state/index.js';
import { git } from './lib/rollout-repo.js';
import { isolateGitConfig, TempDirs } from '../test/helpers/git-repo.js';
import { median, ms, ratio, table } from './lib/stats.js';

const EVERY_MIN = 5;
const BRANCH = 'rollouts-state';
const SEGMENT_BYTES = 1024 * 1024;

type Layout = 'fresh' | 'now' | 'before';

function manifestText(name: string): string {
  return stringify({
    apiVersion: 'rollouts/v1',
    kind: 'Rollout',
    name,
    phase: 'canary',
    checks: {
      'error-rate': {
        http: { url: 'http://127.0.0.1:9/error-rate' },
        fail: 'result.status != 200',
        severity: 'critical',
      },
      latency: { http: { url: 'http://127.0.0.1:9/latency' }, fail: 'result.status != 200', severity: 'high' },
    },
    phases: [
      {
        name: 'canary',
        steps: [{ name: 'enable', run: ['true'] }],
        gate: { hold: '72h', every: `${EVERY_MIN}m`, checks: ['error-rate', 'latency'] },
      },
      { name: 'full', steps: [{ name: 'enable-all', run: ['true'] }] },
    ],
  });
}

function sample(check: string, at: Date): GateSample {
  return {
    check,
    at: at.toISOString(),
    outcome: 'pass',
    value: 0.004,
    severity: check === 'latency' ? 'high' : 'critical',
    durationMs: 23,
    reason: 'value 0.004 is within the threshold',
    detail: { status: 200, query: `rate(http_requests_errors_total{cohort="canary",check="${check}"}[5m])` },
  };
}

const holder = { host: 'runner-1', pid: 4242, runId: '1234/1', startedAt: '2026-01-01T00:00:00.000Z' };

/** fast-import stream writer: one rollout directory per tree, full trees each commit (`deleteall`). */
class History {
  private readonly parts: string[] = [];
  private mark = 0;
  private count = 0;
  commits = 0;
  private readonly files = new Map<string, string>();
  private readonly dirty = new Set<string>();

  constructor(private readonly compactAfter: number | null) {}

  set(path: string, text: string): void {
    this.files.set(path, text);
    this.dirty.add(path);
  }

  commit(message: string, when: Date): void {
    const root = this.compactAfter !== null && this.count >= this.compactAfter;
    if (root) {
      this.parts.push(`reset refs/heads/${BRANCH}\n`);
      this.count = 0;
    }
    const t = Math.floor(when.getTime() / 1000);
    this.parts.push(
      `commit refs/heads/${BRANCH}\nmark :${++this.mark}\ncommitter rollouts-bot <bot@example.com> ${t} +0000\n` +
        `data ${Buffer.byteLength(message)}\n${message}\n${root ? 'deleteall\n' : ''}`,
    );
    // A fresh root gets the whole tree; a child only the files that changed (the rest is its parent's).
    for (const [path, text] of this.files)
      if (root || this.dirty.has(path))
        this.parts.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(text)}\n${text}\n`);
    this.dirty.clear();
    this.parts.push('\n');
    this.count++;
    this.commits++;
  }

  stream(): string[] {
    return this.parts;
  }
}

interface Rollout {
  name: string;
  m: Manifest;
  state: RolloutState;
  ledger: string;
  segments: number;
}

function appendLedger(h: History, r: Rollout, entries: LedgerEntry[]): void {
  r.ledger += entries.map((e) => `${JSON.stringify(e)}\n`).join('');
  if (Buffer.byteLength(r.ledger) > SEGMENT_BYTES) {
    r.segments++;
    h.set(`${r.name}/ledger/${String(r.segments).padStart(6, '0')}.jsonl`, r.ledger);
    r.ledger = '';
  }
  h.set(`${r.name}/ledger.jsonl`, r.ledger);
}

function writeState(h: History, r: Rollout): void {
  h.set(`${r.name}/state.json`, `${JSON.stringify(r.state, null, 2)}\n`);
}

/** The state branch after `samples` gate samples of each rollout, in `layout`; the last sample a minute ago. */
function history(layout: Layout, rollouts: number, samples: number, compactAfter: number): History {
  const h = new History(layout === 'now' ? compactAfter : null);
  const n = layout === 'fresh' ? 1 : samples;
  const end = Date.now() - 60_000;
  const start = new Date(end - (n - 1) * EVERY_MIN * 60_000);
  const rs: Rollout[] = [];
  for (let i = 0; i < rollouts; i++) {
    const name = `rollout-${String(i).padStart(2, '0')}`;
    const { manifest: m } = parseManifest(`rollouts/${name}.yaml`, manifestText(name));
    const state: RolloutState = {
      name,
      applied: 'canary',
      status: 'holding',
      step: null,
      progress: { 'canary/apply/enable': { done: true, batches: 1, items: 0, cursor: null } },
      gate: {
        phase: 'canary',
        startedAt: start.toISOString(),
        passesAt: new Date(start.getTime() + 72 * 3600_000).toISOString(),
        samples: [],
        baseline: {},
      },
      cohorts: { canary: { ids: null, added: null } },
      generation: { canary: 1 },
      lease: null,
      epoch: 1,
      updatedAt: start.toISOString(),
    };
    const r: Rollout = { name, m: m!, state, ledger: '', segments: 0 };
    rs.push(r);
    // Opening: claim, the step, the gate, release (as a pass that applies a phase writes them).
    const entry = (kind: string, result?: unknown): LedgerEntry => ({
      time: start.toISOString(),
      actor: 'runner-1:4242/run 1234/1',
      rollout: name,
      phase: 'canary',
      kind,
      result,
    });
    for (const kind of ['step-start', 'step-result', 'step-end', 'gate-open']) {
      appendLedger(h, r, [entry(kind, { ok: true })]);
      writeState(h, r);
      h.commit(`${name}: ${kind}`, start);
    }
  }
  for (let k = 0; k < n; k++) {
    const at = new Date(start.getTime() + k * EVERY_MIN * 60_000);
    for (const r of rs) {
      const taken = ['error-rate', 'latency'].map((c) => sample(c, at));
      const entries = taken.map((s): LedgerEntry => ({
        time: at.toISOString(),
        actor: holder.host,
        rollout: r.name,
        phase: 'canary',
        kind: 'sample',
        result: s,
      }));
      if (layout === 'before') {
        r.state = { ...r.state, lease: { holder, expiresAt: at.toISOString() }, updatedAt: at.toISOString() };
        writeState(h, r);
        h.commit(`${r.name}: lease claimed`, at);
        r.state.gate!.samples = [...r.state.gate!.samples, ...taken];
        appendLedger(h, r, entries);
        writeState(h, r);
        h.commit(`${r.name}: canary: 2 gate samples`, at);
        r.state = { ...r.state, lease: null };
        writeState(h, r);
        h.commit(`${r.name}: lease released`, at);
      } else {
        appendSamples(r.m, r.state.gate!, taken);
        r.state.updatedAt = at.toISOString();
        appendLedger(h, r, entries);
        writeState(h, r);
        h.commit(`${r.name}: canary: 2 gate samples`, at);
      }
    }
  }
  return h;
}

function runGit(cwd: string, args: string[], input: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`git ${args[0]}: ${err}`))));
    void (async () => {
      for (const part of input) if (!child.stdin.write(part)) await new Promise((r) => child.stdin.once('drain', r));
      child.stdin.end();
    })();
  });
}

async function du(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? await du(p) : (await stat(p)).size;
  }
  return total;
}

interface Built {
  dir: string;
  commits: number;
  gitBytes: number;
}

async function build(
  dirs: TempDirs,
  layout: Layout,
  rollouts: number,
  samples: number,
  compactAfter: number,
): Promise<Built> {
  const dir = await dirs.make(`state-${layout}`);
  await git(dir, ['init', '-q', '-b', 'main']);
  await mkdir(join(dir, 'rollouts'));
  for (let i = 0; i < rollouts; i++) {
    const name = `rollout-${String(i).padStart(2, '0')}`;
    await writeFile(join(dir, 'rollouts', `${name}.yaml`), manifestText(name));
  }
  await git(dir, ['add', '.']);
  await git(dir, ['commit', '-qm', 'manifests']);
  await runGit(dir, ['fast-import', '--quiet', '--force'], history(layout, rollouts, samples, compactAfter).stream());
  await git(dir, ['gc', '-q', '--prune=now']);
  const commits = Number((await git(dir, ['rev-list', '--count', BRANCH])).trim());
  return { dir, commits, gitBytes: await du(join(dir, '.git')) };
}

async function fetchDepth1(dirs: TempDirs, from: string): Promise<number> {
  const dir = await dirs.make('fetch');
  await git(dir, ['init', '-q', '--bare']);
  const t0 = performance.now();
  await git(dir, [
    'fetch',
    '-q',
    '--depth=1',
    '--no-tags',
    `file://${from}`,
    `+refs/heads/${BRANCH}:refs/remotes/origin/${BRANCH}`,
  ]);
  return performance.now() - t0;
}

async function noopPass(dir: string): Promise<number> {
  const io = { out: () => {}, err: () => {}, isTTY: false, cwd: dir, env: { ...process.env } };
  const before = (await git(dir, ['rev-parse', BRANCH])).trim();
  const t0 = performance.now();
  const code = await runCli(['apply'], io);
  const took = performance.now() - t0;
  if (code !== 0) throw new Error(`rollouts apply exited ${code}`);
  if ((await git(dir, ['rev-parse', BRANCH])).trim() !== before) throw new Error('a no-op pass made a commit');
  return took;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '576' },
      rollouts: { type: 'string', default: '10' },
      trials: { type: 'string', default: '5' },
      before: { type: 'boolean', default: false },
    },
  });
  const samples = Number(values.samples);
  const rollouts = Number(values.rollouts);
  const trials = Number(values.trials);
  await isolateGitConfig();
  const dirs = new TempDirs();
  try {
    // The old layout rewrites every sample each commit: gigabytes at 576 samples, so only on request (small runs).
    const layouts: Layout[] = values.before ? ['fresh', 'now', 'before'] : ['fresh', 'now'];
    const built = new Map<Layout, Built>();
    for (const l of layouts) built.set(l, await build(dirs, l, rollouts, samples, DEFAULT_COMPACT_AFTER));
    const fetchMs = new Map<Layout, number[]>(layouts.map((l) => [l, []]));
    const passMs = new Map<Layout, number[]>(layouts.map((l) => [l, []]));
    for (const l of layouts) await noopPass(built.get(l)!.dir); // warm-up
    for (let t = 0; t < trials; t++)
      for (const l of layouts) {
        fetchMs.get(l)!.push(await fetchDepth1(dirs, built.get(l)!.dir));
        passMs.get(l)!.push(await noopPass(built.get(l)!.dir));
      }
    const fresh = built.get('fresh')!;
    const f = { fetch: median(fetchMs.get('fresh')!), pass: median(passMs.get('fresh')!) };
    const rows = layouts.map((l) => {
      const b = built.get(l)!;
      const fm = median(fetchMs.get(l)!);
      const pm = median(passMs.get(l)!);
      return [
        l === 'fresh'
          ? 'fresh branch (gates just opened)'
          : l === 'now'
            ? `${samples} samples each, as written now`
            : `${samples} samples each, as written before`,
        `${b.commits} (${ratio(b.commits / fresh.commits)})`,
        `${(b.gitBytes / 1024 / 1024).toFixed(2)} MiB (${ratio(b.gitBytes / fresh.gitBytes)})`,
        `${ms(fm)} (${ratio(fm / f.fetch)})`,
        `${ms(pm)} (${ratio(pm / f.pass)})`,
      ];
    });
    console.log(
      `state branch of ${rollouts} rollouts; medians of ${trials} alternating trials; compaction after ${DEFAULT_COMPACT_AFTER} commits`,
    );
    console.log(table(['branch', 'commits', '.git (gc)', 'fetch --depth=1', 'no-op pass'], rows));
    return 0;
  } finally {
    await dirs.cleanup();
  }
}

process.exitCode = await main();
