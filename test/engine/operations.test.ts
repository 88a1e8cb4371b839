// `rollouts rollback NAME --to PHASE` (held until `phase` changes) and `rollouts drill NAME` (writes nothing, RTO).
import { describe, expect, it } from 'vitest';
import { ledgerTrail, TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';
import { GitStateStore } from '../../src/state/index.js';

function pick(result: unknown): { rtoMs: number; ok: boolean } {
  const { rtoMs, ok } = result as { rtoMs: number; ok: boolean };
  return { rtoMs, ok };
}

const { dirs, targets } = useTestTargets();

const ORGS = 40;

async function appliedThroughFull(manifest = byokManifest({ batchSize: 9, canaryGate: null, fullGate: null })) {
  const target = await TestTarget.start(dirs, { orgs: ORGS });
  targets.push(target);
  const repo = await TempRepo.create(dirs, { byok: manifest });
  const engine = new InProcessEngine(repo.dir, { TARGET_URL: target.url });
  await repo.setPhase('byok', 'canary');
  await engine.applyOne('byok');
  await repo.setPhase('byok', 'full');
  expect((await engine.applyOne('byok')).result).toMatchObject({ applied: 'full', status: 'complete' });
  return { target, repo, engine };
}

describe('emergency rollback', () => {
  it('rolls back to the given phase now, records it, and holds there until `phase` changes', async () => {
    const { target, repo, engine } = await appliedThroughFull();
    const r = await engine.rollback('byok', 'canary');
    expect(r.result).toMatchObject({
      outcome: 'rolled-back',
      applied: 'canary',
      status: 'rolled-back',
      desired: 'full',
    });
    const ledger = await repo.ledger('byok');
    const since = ledger.findIndex((e) => e.kind === 'emergency-rollback');
    expect(ledger[since]).toMatchObject({ result: { from: 'full', to: 'canary' } });
    expect(ledgerTrail(ledger.slice(since), ['step-start', 'phase-rolled-back', 'verify'])).toEqual([
      'step-start full/rollback-paged',
      'phase-rolled-back full',
      'verify',
    ]);
    expect(await target.integrity()).toMatchObject({ providerAgnostic: 0, mixed: 0 });

    // The manifest still says full: the next passes do not re-apply it.
    const snapshot = target.snapshot();
    const entries = ledger.length;
    for (let i = 0; i < 2; i++) {
      const held = await engine.applyOne('byok');
      expect(held.result).toMatchObject({ outcome: 'blocked', applied: 'canary', desired: 'full' });
      expect(held.result.message).toMatch(/held after a rollback/);
    }
    expect(target.snapshot()).toBe(snapshot);
    expect(await repo.ledger('byok')).toHaveLength(entries);

    // The phase changes (the promotion is reverted), then is raised again: now full is applied anew.
    await repo.setPhase('byok', 'canary');
    expect((await engine.applyOne('byok')).result).toMatchObject({ outcome: 'unchanged', applied: 'canary' });
    await repo.setPhase('byok', 'full');
    const again = await engine.applyOne('byok');
    expect(again.result).toMatchObject({ applied: 'full', status: 'complete' });
    expect(await target.integrity()).toMatchObject({ legacy: 0, providerAgnostic: ORGS });
    expect(await target.duplicates()).toBe(0);
  });

  it('refuses a target that is not below the applied phase, and an unknown phase', async () => {
    const { repo, engine } = await appliedThroughFull();
    expect((await engine.rollback('byok', 'full')).result).toMatchObject({ outcome: 'unchanged', applied: 'full' });
    await expect(engine.rollback('byok', 'nope')).rejects.toThrow(/--to nope: no such phase/);
    expect((await repo.ledger('byok')).some((e) => e.kind === 'emergency-rollback')).toBe(false);
  });
});

describe('drill', () => {
  it('runs the rollback steps of the applied phases with run.dryRun, records the RTO, and writes nothing', async () => {
    const { target, repo, engine } = await appliedThroughFull();
    const snapshot = target.snapshot();
    const rollbacksBefore = await target.metric('target_batches_total', { action: 'rollback' });

    const r = await engine.drill('byok');
    expect(r.result).toMatchObject({
      name: 'byok',
      ok: true,
      skipped: [],
      phases: ['full', 'canary'],
      drillable: 2,
      total: 2,
    });
    expect(r.result!.rtoMs).toBeGreaterThanOrEqual(0);
    // The rollback endpoints were called (as dry runs: every page, and the canary's cohort), and nothing changed.
    expect(await target.metric('target_batches_total', { action: 'rollback' })).toBe(
      rollbacksBefore + Math.ceil(ORGS / 9) + 1,
    );
    expect(target.snapshot()).toBe(snapshot);

    const ledger = await repo.ledger('byok');
    const drill = ledger.filter((e) => e.kind === 'drill');
    expect(drill).toHaveLength(1);
    expect(drill[0]!.result).toMatchObject({
      rtoMs: r.result!.rtoMs,
      ok: true,
      phases: ['full', 'canary'],
      skipped: [],
      drillable: 2,
      total: 2,
    });
    expect(await repo.state('byok')).toMatchObject({ applied: 'full', status: 'complete', lease: null });
  });

  it('skips and reports a rollback step that is neither readOnly nor passes {{ run.dryRun }}', async () => {
    const manifest = byokManifest({ batchSize: 9, canaryGate: null, fullGate: null }).replace(
      'json: { organizationIds: "{{ cohort.added }}", dryRun: "{{ run.dryRun }}" }',
      'json: { organizationIds: "{{ cohort.added }}", dryRun: false }',
    );
    expect(manifest).toContain('dryRun: false }');
    const { target, repo, engine } = await appliedThroughFull(manifest);
    const snapshot = target.snapshot();

    const r = await engine.drill('byok');
    expect(r.result).toMatchObject({
      ok: true,
      skipped: ['canary/rollback-cohort'],
      phases: ['full', 'canary'],
      drillable: 1,
      total: 2,
    });
    expect(r.lines.join('\n')).toMatch(/canary\/rollback-cohort: skipped, not drillable/);
    expect(target.snapshot()).toBe(snapshot);
    const ledger = await repo.ledger('byok');
    expect(ledger.find((e) => e.kind === 'step-skipped')).toMatchObject({
      phase: 'canary',
      step: 'rollback-cohort',
      result: { reason: 'not drillable' },
    });
    expect(ledger.find((e) => e.kind === 'drill')!.result).toMatchObject({ skipped: ['canary/rollback-cohort'] });
  });

  it("records each drill in state.json's drills at its ledger entry's time, the last 10, for a gate to read", async () => {
    const { repo, engine } = await appliedThroughFull();
    for (let i = 0; i < 11; i++) expect((await engine.drill('byok')).result).toMatchObject({ ok: true });
    const drills = (await repo.ledger('byok')).filter((e) => e.kind === 'drill');
    expect(drills).toHaveLength(11);
    const kept = drills.slice(-10).map((e) => ({ time: e.time, ...pick(e.result), drillable: 2 }));
    expect((await repo.state('byok'))!.drills).toEqual(kept);
  });

  it('starts the drills of a state that has none yet from its ledger, so an earlier drill still counts', async () => {
    const { repo, engine } = await appliedThroughFull();
    await engine.drill('byok');
    // As an earlier version left it: the drill in the ledger only.
    const store = new GitStateStore({ repo: repo.dir });
    const { state, version } = await store.readState('byok');
    await store.commit({ name: 'byok', expected: version, state: { ...state!, drills: undefined } });
    expect((await repo.state('byok'))!.drills).toBeUndefined();
    await engine.drill('byok');
    const drills = (await repo.ledger('byok')).filter((e) => e.kind === 'drill');
    expect((await repo.state('byok'))!.drills!.map((d) => d.time)).toEqual(drills.map((e) => e.time));
  });

  it('fails, running nothing, when no rollback step is drillable, and names the steps to fix', async () => {
    const manifest = byokManifest({ batchSize: 9, canaryGate: null, fullGate: null }).replaceAll(
      'dryRun: "{{ run.dryRun }}"',
      'dryRun: false',
    );
    const { target, repo, engine } = await appliedThroughFull(manifest);
    const snapshot = target.snapshot();
    const rollbacksBefore = await target.metric('target_batches_total', { action: 'rollback' });

    const r = await engine.drill('byok');
    expect(r.result).toMatchObject({
      ok: false,
      drillable: 0,
      total: 2,
      skipped: ['full/rollback-paged', 'canary/rollback-cohort'],
    });
    expect(r.result!.error).toBe(
      'nothing to drill: no rollback step of full, canary is drillable (full/rollback-paged, canary/rollback-cohort); ' +
        'give each one that writes nothing `readOnly: true`, and pass `{{ run.dryRun }}` to the others so they can skip their writes',
    );
    expect(await target.metric('target_batches_total', { action: 'rollback' })).toBe(rollbacksBefore);
    expect(target.snapshot()).toBe(snapshot);
    const ledger = await repo.ledger('byok');
    expect(ledger.filter((e) => e.kind === 'drill-start' || e.kind === 'step-skipped')).toEqual([]);
    expect(ledger.find((e) => e.kind === 'drill')).toMatchObject({ result: { ok: false, drillable: 0, total: 2 } });
  });
});
