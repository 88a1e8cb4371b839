// Four `rollouts apply` processes at once on the same repository: one holds the lease and sends every batch, exactly
// once; the others leave the rollout alone (exit 3 when they had nothing else to do, 0 when they came after it).
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { output, startCli } from '../helpers/cli.js';
import { pagedManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

describe('concurrent reconcilers', () => {
  it('send every batch exactly once; the losers exit 0 or 3', { timeout: 120_000 }, async () => {
    const ORGS = 1200;
    const BATCH = 4;
    const pages = ORGS / BATCH;
    const target = await TestTarget.start(dirs, { orgs: ORGS });
    targets.push(target);
    await target.setFault({ mode: 'timeout', ms: 3 });
    const repo = await TempRepo.create(dirs, { paged: pagedManifest({ batchSize: BATCH }) });
    const env = { TARGET_URL: target.url, ROLLOUTS_CHECKPOINT_BATCHES: '10' };

    const runs = Array.from({ length: 4 }, () => startCli(repo.dir, ['apply'], env));
    const results = await Promise.all(runs.map((r) => r.done));
    const report = results.map((r, i) => `run ${i} (pid ${runs[i]!.pid}) exit ${r.code}:\n${output(r)}`).join('\n');
    for (const r of results) expect([0, 3], report).toContain(r.code);
    const winners = results.filter((r) => /paged: complete/.test(r.stdout));
    expect(winners, report).toHaveLength(1);
    for (const r of results.filter((x) => x.code === 3)) expect(r.stdout).toMatch(/paged: busy/);

    expect(await target.duplicates()).toBe(0);
    expect(target.appliedBatches('backfill')).toBe(pages);
    expect(await target.metric('target_batches_total', { action: 'backfill' })).toBe(pages);
    expect(await target.integrity()).toMatchObject({ legacy: 0, providerAgnostic: ORGS });
    expect([...target.receiptCounts('backfill').values()].filter((n) => n !== 1)).toEqual([]);

    const ledger = await repo.ledger('paged');
    const batches = ledger.filter((e) => e.kind === 'batch');
    expect(batches.map((e) => e.counts!.batch)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    expect(new Set(batches.map((e) => e.actor)).size).toBe(1);
    expect(await repo.state('paged')).toMatchObject({ status: 'complete', lease: null });
  });
});
