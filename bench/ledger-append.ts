// A large checkpoint's commit: the state store's write of N batch entries at once onto a rollout whose live ledger
// file already holds some (a paged step's checkpoint of 2 s of sub-millisecond batches is thousands of entries), and
// what it leaves on the state branch's tip: the live file stays under the ledger segment size, the rest is archived.
// Run: node --import tsx bench/ledger-append.ts [--entries 2500] [--trials 9]
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GitStateStore, type LedgerEntry, type RolloutState } from '../src/state/index.js';
import { DEFAULT_SEGMENT_BYTES } from '../src/state/ledger.js';
import { median } from './lib/stats.js';

const { values } = parseArgs({
  options: { entries: { type: 'string', default: '2500' }, trials: { type: 'string', default: '9' } },
  strict: true,
});
const entries = Number(values.entries);
const trials = Number(values.trials);

const entry = (batch: number): LedgerEntry => ({
  time: new Date().toISOString(),
  actor: 'bench:1',
  rollout: 'big',
  phase: 'full',
  step: 'backfill',
  kind: 'batch',
  counts: { batch, items: 1 },
  result: { status: 200, json: { nextCursor: `cursor-${batch + 1}`, hasNextPage: true, processed: 1 } },
  durationMs: 1,
});
const state: RolloutState = { name: 'big', applied: 'full', status: 'applying', updatedAt: new Date().toISOString() };
const sizeOf = (repo: string, what: string) =>
  Number(execFileSync('git', ['-C', repo, 'cat-file', '-s', what]).toString().trim());

const times: number[] = [];
let live = 0;
let segments = 0;
for (let t = 0; t < trials; t++) {
  const repo = await mkdtemp(join(tmpdir(), 'bench-ledger-append-'));
  try {
    execFileSync('git', ['init', '-q', repo]);
    const store = new GitStateStore({ repo });
    let v = await store.commit({ name: 'big', expected: null, state, ledger: [entry(0)] });
    v = await store.commit({ name: 'big', expected: v, ledger: Array.from({ length: 50 }, (_, i) => entry(1 + i)) });
    const big = Array.from({ length: entries }, (_, i) => entry(51 + i));
    const t0 = performance.now();
    await store.commit({ name: 'big', expected: v, ledger: big });
    times.push(performance.now() - t0);
    live = sizeOf(repo, 'rollouts-state:big/ledger.jsonl');
    const archive = 'refs/rollouts/rollouts-state/ledger/big';
    segments = Number(execFileSync('git', ['-C', repo, 'rev-list', '--count', archive]).toString().trim());
    await store.close();
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}
console.log(`a commit of ${entries} batch entries onto a live ledger file of 51, median of ${trials}:`);
console.log(`  ${median(times).toFixed(1)} ms (${times.map((x) => x.toFixed(0)).join(' / ')})`);
console.log(
  `  leaves ledger.jsonl of ${live} bytes on the branch (segment size ${DEFAULT_SEGMENT_BYTES}), ${segments} archived segments`,
);
