// What an ageing state branch costs: 10 rollouts whose gates took 576 samples each (48 h sampled every 5 min), as the
// engine writes them now (one compare-and-swap commit a sample, the last GATE_SAMPLES_KEPT samples and a tally in
// state.json, a fresh root past DEFAULT_COMPACT_AFTER commits or DEFAULT_COMPACT_BYTES written, sealed ledger
// segments moved to the rollouts' archive refs) and as it wrote them before (claim, sample and release commits, every
// sample in state.json, 1 MiB segments kept on the branch, no compaction); each figure as a ratio to a fresh branch
// (the 10 gates just opened). Figures: commits reachable from the branch's tip; the branch as the action fetches it
// (the bytes a fresh `git fetch --depth=1` leaves, and its time over file://); a no-op pass (`rollouts apply`, in
// process, with no sample due); and the whole `.git` (packed: `git gc`) with the archive refs, which grows with the
// data because the ledger keeps every sample.
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
import { DEFAULT_COMPACT_AFTER, DEFAULT_COMPACT_BYTES } from '../src/state/index.js';
import { startsFreshRoot } from '../src/state/compact.js';
import { DEFAULT_SEGMENT_BYTES } from '../src/state/ledger.js';
import type { GateSample, LedgerEntry, RolloutState } from '../src/state/index.js';
import { git } from './lib/rollout-repo.js';
import { isolateGitConfig, TempDirs } from '../test/helpers/git-repo.js';
import { median, ms, ratio, table } from './lib/stats.js';

const EVERY_MIN = 5;
const BRANCH = 'rollouts-state';
/** The segment size before the archive, when sealed segments stayed on the branch. */
const OLD_SEGMENT_BYTES = 1024 * 1024;

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

interface File {
  mode: '100644' | '160000';
  /** The text, or the mark of the commit a gitlink names. */
  data: string;
}

/**
 * fast-import stream writer: one rollout directory per tree, the store's compaction (commits or bytes since the
 * root, compact.ts) and its ledger archive (one commit a sealed segment on the rollout's archive ref, archive.ts).
 */
class History {
  private readonly parts: string[] = [];
  private mark = 0;
  private depth = { commits: 0, bytes: 0 };
  commits = 0;
  private readonly files = new Map<string, File>();
  private readonly dirty = new Set<string>();
  private readonly archives = new Map<string, { mark: number; n: number }>();

  constructor(private readonly compact: boolean) {}

  set(path: string, text: string): void {
    this.files.set(path, { mode: '100644', data: text });
    this.dirty.add(path);
  }

  /** Moves a sealed segment of `name` to its archive ref; the branch's `ledger-archive` names the new commit. */
  archive(name: string, segment: string, when: Date): void {
    const prev = this.archives.get(name);
    const n = (prev?.n ?? 0) + 1;
    const mark = ++this.mark;
    const file = `${String(n).padStart(6, '0')}.jsonl`;
    const message = `${name}: ledger segment ${n}`;
    const t = Math.floor(when.getTime() / 1000);
    this.parts.push(
      `commit refs/rollouts/${BRANCH}/ledger/${name}\nmark :${mark}\ncommitter rollouts-bot <bot@example.com> ${t} +0000\n` +
        `data ${Buffer.byteLength(message)}\n${message}\n${prev ? `from :${prev.mark}\ndeleteall\n` : ''}` +
        `M 100644 inline ${file}\ndata ${Buffer.byteLength(segment)}\n${segment}\n\n`,
    );
    this.archives.set(name, { mark, n });
    this.files.set(`${name}/ledger-archive`, { mode: '160000', data: `:${mark}` });
    this.dirty.add(`${name}/ledger-archive`);
  }

  commit(message: string, when: Date): void {
    let written = 0;
    for (const path of this.dirty) {
      const f = this.files.get(path)!;
      if (f.mode === '100644') written += Buffer.byteLength(f.data);
    }
    const root =
      this.compact &&
      this.commits > 0 &&
      startsFreshRoot(this.depth, written, {
        compactAfter: DEFAULT_COMPACT_AFTER,
        compactBytes: DEFAULT_COMPACT_BYTES,
      });
    if (root) this.parts.push(`reset refs/heads/${BRANCH}\n`);
    this.depth = root
      ? { commits: 1, bytes: written }
      : { commits: this.depth.commits + 1, bytes: this.depth.bytes + written };
    const t = Math.floor(when.getTime() / 1000);
    this.parts.push(
      `commit refs/heads/${BRANCH}\nmark :${++this.mark}\ncommitter rollouts-bot <bot@example.com> ${t} +0000\n` +
        `data ${Buffer.byteLength(message)}\n${message}\n${root ? 'deleteall\n' : ''}`,
    );
    // A fresh root gets the whole tree; a child only the files that changed (the rest is its parent's).
    for (const [path, f] of this.files)
      if (root || this.dirty.has(path))
        this.parts.push(
          f.mode === '160000'
            ? `M 160000 ${f.data} ${path}\n`
            : `M 100644 inline ${path}\ndata ${Buffer.byteLength(f.data)}\n${f.data}\n`,
        );
    this.dirty.clear();
    this.parts.push('\n');
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

function appendLedger(h: History, r: Rollout, entries: LedgerEntry[], layout: Layout, at: Date): void {
  const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
  const segmentBytes = layout === 'before' ? OLD_SEGMENT_BYTES : DEFAULT_SEGMENT_BYTES;
  const live = Buffer.byteLength(r.ledger);
  if (live > 0 && live + Buffer.byteLength(text) > segmentBytes) {
    r.segments++;
    if (layout === 'before') h.set(`${r.name}/ledger/${String(r.segments).padStart(6, '0')}.jsonl`, r.ledger);
    else h.archive(r.name, r.ledger, at);
    r.ledger = '';
  }
  r.ledger += text;
  h.set(`${r.name}/ledger.jsonl`, r.ledger);
}

function writeState(h: History, r: Rollout): void {
  h.set(`${r.name}/state.json`, `${JSON.stringify(r.state, null, 2)}\n`);
}

/** The state branch after `samples` gate samples of each rollout, in `layout`; the last sample a minute ago. */
function history(layout: Layout, rollouts: number, samples: number): History {
  const h = new History(layout !== 'before');
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
      appendLedger(h, r, [entry(kind, { ok: true })], layout, start);
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
        appendLedger(h, r, entries, layout, at);
        writeState(h, r);
        h.commit(`${r.name}: canary: 2 gate samples`, at);
        r.state = { ...r.state, lease: null };
        writeState(h, r);
        h.commit(`${r.name}: lease released`, at);
      } else {
        appendSamples(r.m, r.state.gate!, taken);
        r.state.updatedAt = at.toISOString();
        appendLedger(h, r, entries, layout, at);
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
  /** Commits on the ledger archive refs (one a sealed segment). */
  archived: number;
  gitBytes: number;
}

async function build(dirs: TempDirs, layout: Layout, rollouts: number, samples: number): Promise<Built> {
  const dir = await dirs.make(`state-${layout}`);
  await git(dir, ['init', '-q', '-b', 'main']);
  await mkdir(join(dir, 'rollouts'));
  for (let i = 0; i < rollouts; i++) {
    const name = `rollout-${String(i).padStart(2, '0')}`;
    await writeFile(join(dir, 'rollouts', `${name}.yaml`), manifestText(name));
  }
  await git(dir, ['add', '.']);
  await git(dir, ['commit', '-qm', 'manifests']);
  await runGit(dir, ['fast-import', '--quiet', '--force'], history(layout, rollouts, samples).stream());
  await git(dir, ['gc', '-q', '--prune=now']);
  const commits = Number((await git(dir, ['rev-list', '--count', BRANCH])).trim());
  const refs = await git(dir, ['for-each-ref', '--format=%(refname)', `refs/rollouts/${BRANCH}/ledger/`]);
  const archived = refs ? Number((await git(dir, ['rev-list', '--count', ...refs.trim().split('\n')])).trim()) : 0;
  return { dir, commits, archived, gitBytes: await du(join(dir, '.git')) };
}

/** A fresh `git fetch --depth=1` of the branch, as the action makes it: its time and the bytes it leaves. */
async function fetchDepth1(dirs: TempDirs, from: string): Promise<{ ms: number; bytes: number }> {
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
  const ms = performance.now() - t0;
  return { ms, bytes: await du(dir) };
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
    for (const l of layouts) built.set(l, await build(dirs, l, rollouts, samples));
    const fetchMs = new Map<Layout, number[]>(layouts.map((l) => [l, []]));
    const fetchBytes = new Map<Layout, number>();
    const passMs = new Map<Layout, number[]>(layouts.map((l) => [l, []]));
    for (const l of layouts) await noopPass(built.get(l)!.dir); // warm-up
    for (let t = 0; t < trials; t++)
      for (const l of layouts) {
        const f = await fetchDepth1(dirs, built.get(l)!.dir);
        fetchMs.get(l)!.push(f.ms);
        fetchBytes.set(l, f.bytes);
        passMs.get(l)!.push(await noopPass(built.get(l)!.dir));
      }
    const fresh = built.get('fresh')!;
    const f = {
      fetch: median(fetchMs.get('fresh')!),
      pass: median(passMs.get('fresh')!),
      bytes: fetchBytes.get('fresh')!,
    };
    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
    const rows = layouts.map((l) => {
      const b = built.get(l)!;
      const fm = median(fetchMs.get(l)!);
      const pm = median(passMs.get(l)!);
      const fb = fetchBytes.get(l)!;
      return [
        l === 'fresh'
          ? 'fresh branch (gates just opened)'
          : l === 'now'
            ? `${samples} samples each, as written now`
            : `${samples} samples each, as written before`,
        `${b.commits} (${ratio(b.commits / fresh.commits)})`,
        `${mib(fb)} (${ratio(fb / f.bytes)})`,
        `${ms(fm)} (${ratio(fm / f.fetch)})`,
        `${ms(pm)} (${ratio(pm / f.pass)})`,
        `${mib(b.gitBytes)} (${ratio(b.gitBytes / fresh.gitBytes)}), ${b.archived} archived segments`,
      ];
    });
    console.log(
      `state branch of ${rollouts} rollouts; medians of ${trials} alternating trials; a fresh root past ` +
        `${DEFAULT_COMPACT_AFTER} commits or ${DEFAULT_COMPACT_BYTES / 1024} KiB written; ledger segments of ` +
        `${DEFAULT_SEGMENT_BYTES / 1024} KiB sealed to the archive refs`,
    );
    console.log(
      table(
        [
          'state',
          'branch commits',
          'branch as fetched (--depth=1)',
          'fetch --depth=1',
          'no-op pass',
          'whole .git (gc), archive included',
        ],
        rows,
      ),
    );
    console.log(
      'The branch (what the action fetches and a pass reads) stays the size of a fresh one; the whole repository grows ' +
        'with the data, since the archive keeps every ledger entry (every sample).',
    );
    return 0;
  } finally {
    await dirs.cleanup();
  }
}

process.exitCode = await main();
