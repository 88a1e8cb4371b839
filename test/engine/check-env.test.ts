// What a check measures with: the drills come from state.json once it holds them, the ledger only before.
import { describe, expect, it } from 'vitest';
import { checkEnv, type CheckEnvSource } from '../../src/engine/check-env.js';
import type { Manifest } from '../../src/manifest/index.js';
import type { DrillRecord, LedgerEntry, RolloutState } from '../../src/state/index.js';
import { secrets } from '../../src/sys/mask.js';

const manifest = { name: 'byok', vars: {}, checks: {} } as unknown as Manifest;
const drill: DrillRecord = { time: '2026-12-01T10:00:00.000Z', rtoMs: 1200, ok: true, drillable: 2 };

function source(state: Partial<RolloutState>, ledger: () => AsyncIterable<LedgerEntry>): CheckEnvSource {
  const rc = { manifest, env: {}, masker: secrets, cwd: '.', dryRun: false };
  const deps = { env: {}, store: { readLedger: ledger } } as unknown as CheckEnvSource['deps'];
  const full = { name: 'byok', applied: 'full', status: 'holding', updatedAt: drill.time, ...state } as RolloutState;
  return { deps, rc, manifest, state: full, now: () => new Date('2026-12-01T12:00:00.000Z') };
}

describe('the drills a check reads', () => {
  it("are state.json's, with the ledger not read at all", async () => {
    const env = checkEnv(
      source({ drills: [drill] }, () => {
        throw new Error('the ledger was read');
      }),
      'full',
    );
    expect(await env.drills()).toEqual([drill]);
  });

  it("are the ledger's for a rollout whose state has none yet", async () => {
    async function* ledger(): AsyncIterable<LedgerEntry> {
      yield { time: '2026-12-01T09:00:00.000Z', actor: 'a', rollout: 'byok', kind: 'phase-start' };
      yield { time: drill.time, actor: 'a', rollout: 'byok', kind: 'drill', result: { ...drill, skipped: [] } };
    }
    expect(await checkEnv(source({}, ledger), 'full').drills()).toEqual([drill]);
  });
});
