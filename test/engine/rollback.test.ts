// Lowering `phase` rolls back the phases above it, highest first, each with its own cohort, then verifies; an
// interrupted rollback resumes where it stopped.
import { describe, expect, it } from 'vitest';
import { ledgerTrail, TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';
import { byokManifest, type ByokOptions } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

const ORGS = 50;
const BATCH = 6;
const PAGES = Math.ceil(ORGS / BATCH);

/** canary then full applied (no gates, so each is healthy once its steps are done); returns the two commits. */
async function appliedThroughFull(extra: ByokOptions = {}) {
  const target = await TestTarget.start(dirs, { orgs: ORGS });
  targets.push(target);
  const repo = await TempRepo.create(dirs, {
    byok: byokManifest({ batchSize: BATCH, canaryGate: null, fullGate: null, ...extra }),
  });
  const engine = new InProcessEngine(repo.dir, { TARGET_URL: target.url });
  const toCanary = await repo.setPhase('byok', 'canary');
  expect((await engine.applyOne('byok')).result).toMatchObject({ applied: 'canary', status: 'healthy' });
  const toFull = await repo.setPhase('byok', 'full');
  expect((await engine.applyOne('byok')).result).toMatchObject({ applied: 'full', status: 'complete' });
  expect(await target.integrity()).toMatchObject({ legacy: 0, providerAgnostic: ORGS });
  return { target, repo, engine, toCanary, toFull };
}

function stepResults(entries: Awaited<ReturnType<TempRepo['ledger']>>, phase: string, step: string) {
  return entries
    .filter((e) => e.kind === 'step-result' && e.phase === phase && e.step === step)
    .map((e) => e.result as Record<string, unknown>);
}

describe('rollback after phase is lowered', () => {
  it('rolls back full (paged) and then canary (its cohort), highest first, then verifies: rolled-back', async () => {
    const { target, repo, engine, toCanary, toFull } = await appliedThroughFull();
    await repo.revert(toFull);
    await repo.revert(toCanary);

    const r = await engine.applyOne('byok');
    expect(r.result).toMatchObject({ outcome: 'rolled-back', applied: 'none', status: 'rolled-back', desired: 'none' });
    const ledger = await repo.ledger('byok');
    const since = ledger.findIndex((e) => e.kind === 'rollback-start');
    expect(ledger[since]).toMatchObject({ phase: 'full', result: { from: 'full', to: 'none' } });
    expect(ledgerTrail(ledger.slice(since), ['step-start', 'step-end', 'phase-rolled-back'])).toEqual([
      'step-start full/rollback-paged',
      'step-end full/rollback-paged',
      'phase-rolled-back full',
      'step-start canary/rollback-cohort',
      'step-end canary/rollback-cohort',
      'phase-rolled-back canary',
    ]);
    // full: paged over everyone; canary: exactly its recorded cohort (already rolled back by then, so unchanged).
    const pagedBatches = ledger.slice(since).filter((e) => e.kind === 'batch' && e.phase === 'full');
    expect(pagedBatches).toHaveLength(PAGES);
    expect(pagedBatches.every((e) => (e.result as { source: string }).source === 'paginated')).toBe(true);
    expect(stepResults(ledger, 'canary', 'rollback-cohort')).toEqual([
      expect.objectContaining({ source: 'explicit', processed: 3, unchanged: 3, failed: 0 }),
    ]);
    expect(ledger.filter((e) => e.kind === 'verify').map((e) => e.result)).toEqual([
      expect.objectContaining({ check: 'no-mixed-contract', outcome: 'pass' }),
    ]);
    expect(ledger.at(-1)).toMatchObject({ kind: 'transition', result: { status: 'rolled-back', applied: 'none' } });

    expect(await target.integrity()).toMatchObject({ legacy: ORGS, providerAgnostic: 0, mixed: 0 });
    const rollbacks = target.receiptCounts('rollback');
    expect(rollbacks.size).toBe(ORGS);
    expect([...rollbacks.values()].every((n) => n === 1)).toBe(true);
    expect(await repo.state('byok')).toMatchObject({
      applied: 'none',
      status: 'rolled-back',
      rollbackTo: null,
      failure: null,
    });
    expect(r.lines.join('\n')).toMatch(/verify no-mixed-contract: pass/);
  });

  it('resumes an interrupted rollback without re-running finished steps or batches', async () => {
    const { target, repo, engine } = await appliedThroughFull({
      fullRollbackFirst: '{ name: integrity-before, readOnly: true, http: { url: "{{ env.TARGET_URL }}/integrity" } }',
    });
    await repo.setPhase('byok', 'none');

    // The target starts answering 500 right after the third rollback batch.
    engine.onBatch = (label, batches) => {
      if (label === 'full/rollback-paged' && batches === 3) target.running.faults.set({ mode: 'http500' });
    };
    const first = await engine.applyOne('byok');
    expect(first.result).toMatchObject({ outcome: 'failed', applied: 'full', status: 'rolling-back' });
    expect(first.result.message).toMatch(/rollback-paged: POST .*\/migrations\/rollback: HTTP 500/);
    expect(await repo.state('byok')).toMatchObject({
      status: 'rolling-back',
      step: 'rollback-paged',
      failure: { step: 'rollback-paged' },
    });

    // The batch after the third may be on the wire already when the fault is set (the next batch is sent before the
    // last is booked): the resume point is whatever the first run booked, never less than 3.
    const bookedFirst = (await repo.ledger('byok')).filter(
      (e) => e.kind === 'batch' && e.phase === 'full' && e.step === 'rollback-paged',
    ).length;
    expect(bookedFirst).toBeGreaterThanOrEqual(3);
    engine.onBatch = undefined;
    await target.clearFault();
    const second = await engine.applyOne('byok');
    expect(second.result).toMatchObject({ outcome: 'rolled-back', applied: 'none', status: 'rolled-back' });

    const ledger = await repo.ledger('byok');
    expect(ledger.filter((e) => e.kind === 'rollback-start')).toHaveLength(1);
    const starts = ledger.filter(
      (e) => e.kind === 'step-start' && (e.result as { stepKind: string }).stepKind === 'rollback',
    );
    expect(starts.map((e) => `${e.phase}/${e.step}`)).toEqual([
      'full/integrity-before',
      'full/rollback-paged',
      'full/rollback-paged',
      'canary/rollback-cohort',
    ]);
    expect(starts[2]!.result).toMatchObject({ resumeFrom: { batches: bookedFirst } });
    const batches = ledger
      .filter((e) => e.kind === 'batch' && e.phase === 'full' && e.step === 'rollback-paged')
      .map((e) => e.counts!.batch);
    expect(batches).toEqual(Array.from({ length: PAGES }, (_, i) => i + 1));
    expect(ledger.filter((e) => e.kind === 'step-result' && e.step === 'integrity-before')).toHaveLength(1);

    expect(await target.integrity()).toMatchObject({ legacy: ORGS, mixed: 0 });
    expect([...target.receiptCounts('rollback').values()].every((n) => n === 1)).toBe(true);
    expect(await target.duplicates()).toBe(0);
  });
});
