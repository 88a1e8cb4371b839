// canary -> full: refused until the canary is healthy (one phase a pass), then the paged backfill visits every org once.
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';
import { sleepPast } from '../helpers/wait.js';

const { dirs, targets } = useTestTargets();

describe('canary -> full', () => {
  it('does not enter full while the canary holds, and after it is healthy backfills every org exactly once in pages', async () => {
    const ORGS = 95;
    const BATCH = 7;
    const target = await TestTarget.start(dirs, { orgs: ORGS });
    targets.push(target);
    const repo = await TempRepo.create(dirs, {
      byok: byokManifest({ batchSize: BATCH, canaryGate: '{ hold: 2s, every: 1s, checks: [probe] }' }),
    });
    const engine = new InProcessEngine(repo.dir, { TARGET_URL: target.url });
    const seededLegacy = target.legacyIds();

    await repo.setPhase('byok', 'canary');
    expect((await engine.applyOne('byok')).result).toMatchObject({ applied: 'canary', status: 'holding' });

    // Promotion merged too early: the pass only samples the canary's gate (or leaves it alone, no sample being due).
    await repo.setPhase('byok', 'full');
    const early = await engine.applyOne('byok');
    expect(early.result.applied).toBe('canary');
    expect(['unchanged', 'sampled', 'healthy']).toContain(early.result.outcome);
    expect((await repo.ledger('byok')).filter((e) => e.phase === 'full')).toEqual([]);
    expect(target.legacyIds()).toHaveLength(seededLegacy.length - 3);

    // Once healthy (a pass after the hold), the next pass enters full: one phase a pass.
    for (let pass = 0; (await repo.state('byok'))!.status !== 'healthy'; pass++) {
      expect(pass).toBeLessThan(3);
      await sleepPast((await repo.state('byok'))!.gate!.passesAt);
      const r = await engine.applyOne('byok');
      expect(r.result.applied).toBe('canary');
    }
    const full = await engine.applyOne('byok');
    expect(full.result).toMatchObject({ applied: 'full', status: 'holding' });

    const integrity = await target.integrity();
    expect(integrity).toMatchObject({ total: ORGS, legacy: 0, providerAgnostic: ORGS, mixed: 0 });
    const receipts = target.receiptCounts('backfill');
    expect([...receipts.keys()].sort()).toEqual(seededLegacy);
    expect([...receipts.values()].every((n) => n === 1)).toBe(true);
    expect(await target.duplicates()).toBe(0);
    const pages = Math.ceil(ORGS / BATCH);
    expect(target.appliedBatches('backfill')).toBe(1 + pages);
    expect(await target.metric('target_batches_total', { action: 'backfill' })).toBe(2 + pages); // + the canary's dry run

    const ledger = await repo.ledger('byok');
    const batches = ledger.filter((e) => e.kind === 'batch' && e.phase === 'full');
    expect(batches.map((e) => e.counts!.batch)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    expect(batches.reduce((n, e) => n + e.counts!.items!, 0)).toBe(ORGS);
    expect(ledger.find((e) => e.kind === 'step-end' && e.phase === 'full')).toMatchObject({
      step: 'backfill',
      counts: { batches: pages, items: ORGS },
    });
    const state = await repo.state('byok');
    expect(state!.progress!['full/apply/backfill']).toMatchObject({ done: true, batches: pages, items: ORGS });
    expect(state!.cohorts!.full).toMatchObject({ ids: null });
    expect(full.lines.some((l) => l.includes(`full/backfill: done, ${pages} batches, ${ORGS} items`))).toBe(true);
  });
});
