// none -> canary against the example target: steps in order, the cohort only, the ledger, the gate's hold.
import { describe, expect, it } from 'vitest';
import { ledgerTrail, TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';
import { sleepPast } from '../helpers/wait.js';

const { dirs, targets } = useTestTargets();

const COHORT = ['org_0001', 'org_0002', 'org_0003'];

describe('none -> canary', () => {
  it('runs audit, dry-run and write pass in order on the cohort only, records them, holds, and turns healthy after the hold', async () => {
    const target = await TestTarget.start(dirs, { orgs: 40 });
    targets.push(target);
    const repo = await TempRepo.create(dirs, { byok: byokManifest() });
    const legacyBefore = target.legacyIds();
    expect(legacyBefore).toEqual(expect.arrayContaining(COHORT));
    const entered = await repo.setPhase('byok', 'canary');
    const engine = new InProcessEngine(repo.dir, { TARGET_URL: target.url });

    const first = await engine.applyOne('byok');
    expect(first.result).toMatchObject({ outcome: 'sampled', applied: 'canary', status: 'holding', desired: 'canary' });

    // The write pass touched exactly the cohort, once each, with an idempotency key.
    expect(target.legacyIds()).toEqual(legacyBefore.filter((id) => !COHORT.includes(id)));
    for (const id of COHORT) {
      const org = await target.org(id);
      expect(org.contract).toBe('provider_agnostic_v1');
      expect(org.receipts).toHaveLength(1);
      expect(org.receipts[0]).toMatchObject({ action: 'backfill', status: 'completed' });
      expect(org.receipts[0]!.idempotencyKey).toMatch(/^byok-[0-9a-f]{32}$/);
    }
    expect((await target.org('org_0004')).receipts).toEqual([]);
    expect(await target.metric('target_batches_total', { action: 'audit' })).toBe(1);

    const ledger = await repo.ledger('byok');
    expect(ledgerTrail(ledger, ['transition', 'step-start', 'step-end', 'gate-open'])).toEqual([
      'transition canary',
      'step-start canary/audit',
      'step-end canary/audit',
      'step-start canary/dry-run',
      'step-end canary/dry-run',
      'step-start canary/write-pass',
      'step-end canary/write-pass',
      'gate-open canary',
    ]);
    const enteredEntry = ledger.find((e) => e.kind === 'transition')!;
    expect(enteredEntry.result).toMatchObject({ from: 'none', to: 'canary', status: 'applying', enteredBy: entered });
    const cohortEntry = ledger.find((e) => e.kind === 'cohort')!;
    expect(cohortEntry.result).toMatchObject({ ids: COHORT, added: COHORT });
    expect(ledger.filter((e) => e.kind === 'sample')).toHaveLength(1);

    const state = await repo.state('byok');
    expect(state).toMatchObject({ applied: 'canary', status: 'holding', enteredBy: entered, lease: null });
    expect(state!.progress!['canary/apply/write-pass']).toMatchObject({ done: true, batches: 1, items: 3 });

    await sleepPast(state!.gate!.passesAt);
    const second = await engine.applyOne('byok');
    expect(second.result).toMatchObject({ outcome: 'healthy', applied: 'canary', status: 'healthy' });
    expect(second.lines.join('\n')).toContain('promote by setting `phase: full`');
    const after = await repo.ledger('byok');
    expect(after.at(-1)).toMatchObject({
      kind: 'transition',
      phase: 'canary',
      result: { status: 'healthy', next: 'full' },
    });
    expect(
      after.filter((e) => e.kind === 'sample').every((e) => (e.result as { outcome: string }).outcome === 'pass'),
    ).toBe(true);

    // Nothing more to do: the pass neither writes nor changes state.
    const snapshot = target.snapshot();
    const third = await engine.applyOne('byok');
    expect(third.result.outcome).toBe('unchanged');
    expect(target.snapshot()).toBe(snapshot);
  });
});
