// What a gate's `drill` check costs a sample: the drills state.json keeps, against the whole-ledger read it made
// before (still the path of a rollout drilled only by an earlier version), for a rollout whose ledger holds
// --entries entries (a long gate's samples) and one drill.
// Run: node --import tsx bench/drill.ts [--entries 20000] [--runs 5]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkEnv, drillRecords, type CheckEnvSource } from '../src/engine/check-env.js';
import type { Manifest } from '../src/manifest/index.js';
import { GitStateStore, type LedgerEntry, type RolloutState } from '../src/state/index.js';
import { secrets } from '../src/sys/mask.js';
import { git } from './lib/rollout-repo.js';
import { median, ms, table } from './lib/stats.js';

const { values } = parseArgs({
  options: { entries: { type: 'string', default: '20000' }, runs: { type: 'string', default: '5' } },
  strict: true,
});
const entries = Number(values.entries);
const runs = Number(values.runs);
const NAME = 'drill-bench';
const START = Date.UTC(2026, 0, 1);

function sample(i: number): LedgerEntry {
  const time = new Date(START + i * 300_000).toISOString();
  return {
    time,
    actor: 'bench',
    rollout: NAME,
    phase: 'full',
    kind: 'sample',
    result: { check: 'errors', value: 0.01 },
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const repo = await mkdtemp(join(tmpdir(), 'rollouts-bench-drill-'));
  try {
    await git(repo, ['init', '-q', '-b', 'main']);
    const store = new GitStateStore({ repo });
    const time = new Date(START).toISOString();
    const drill = {
      time,
      actor: 'bench',
      rollout: NAME,
      kind: 'drill',
      result: { rtoMs: 900, ok: true, drillable: 1 },
    };
    const drills = [{ time, rtoMs: 900, ok: true, drillable: 1 }];
    const state: RolloutState = { name: NAME, applied: 'full', status: 'holding', updatedAt: time, drills };
    let version = await store.commit({ name: NAME, expected: null, state, ledger: [drill] });
    for (let i = 0; i < entries; i += 100) {
      const batch = Array.from({ length: Math.min(100, entries - i) }, (_, k) => sample(i + k));
      version = await store.commit({ name: NAME, expected: version, ledger: batch });
    }
    const manifest = { name: NAME, vars: {}, checks: {} } as unknown as Manifest;
    const deps = { env: {}, store } as unknown as CheckEnvSource['deps'];
    const rc = { manifest, env: {}, masker: secrets, cwd: repo, dryRun: false };
    const env = checkEnv({ deps, rc, manifest, state, now: () => new Date() }, 'full');
    const fromState: number[] = [];
    const fromLedger: number[] = [];
    for (let r = 0; r < runs; r++) {
      fromLedger.push(await timed(() => drillRecords(deps, NAME)));
      fromState.push(await timed(() => env.drills()));
    }
    const s = median(fromState);
    const l = median(fromLedger);
    console.log(`drill check, a rollout with ${entries + 1} ledger entries; median of ${runs}`);
    console.log(
      table(
        ['drills read from', 'per sample', 'ratio'],
        [
          ['the whole ledger (before)', ms(l), '1.000x'],
          ["state.json's drills", `${s.toFixed(3)} ms`, `${(s / l).toFixed(5)}x`],
        ],
      ),
    );
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

await main();
