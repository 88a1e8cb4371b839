// paginate.throttle and paginate.batchTime against the example target: a held step sends nothing and resumes at
// its cursor, a critical failure between batches fails the phase as its gate would (and it rolls back), and the page
// size follows the target's speed and is resumed from its checkpoint. No timing is asserted: counts, sizes, ledger.
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/state/index.js';
import { TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

const ORGS = 30;
const BATCH = 5;
const PROBE = '/providers/openai/status';

/** One phase `full`: a paged backfill of every org, its rollback paged too; `paging` is extra paginate YAML. */
function manifest(o: { severity: string; paging: string; numItems?: string }): string {
  return `apiVersion: rollouts/v1
kind: Rollout
name: paced
phase: full
env: [TARGET_URL]
checks:
  provider:
    http: { url: "{{ env.TARGET_URL }}${PROBE}" }
    pass: "result.status == 200 && result.json.connection_status == 'online'"
    severity: ${o.severity}
phases:
  - name: full
    steps:
      - name: backfill
        http:
          method: POST
          url: "{{ env.TARGET_URL }}/migrations/backfill"
          json: { numItems: ${o.numItems ?? BATCH}, cursor: "{{ page.cursor }}", dryRun: false }
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage", ${o.paging} }
        expect: "result.json.failed == 0"
rollback:
  - name: rollback-paged
    http:
      method: POST
      url: "{{ env.TARGET_URL }}/migrations/rollback"
      json: { numItems: 10, cursor: "{{ page.cursor }}", dryRun: "{{ run.dryRun }}" }
    paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
verify:
  - name: no-mixed-contract
    http: { url: "{{ env.TARGET_URL }}/integrity" }
    pass: "result.json.mixed == 0"
`;
}

async function setUp(text: string, orgs = ORGS) {
  const target = await TestTarget.start(dirs, { orgs, migratedShare: 0 });
  targets.push(target);
  const repo = await TempRepo.create(dirs, { paced: text });
  return { target, repo, engine: new InProcessEngine(repo.dir, { TARGET_URL: target.url }) };
}

/** Calls `fn` with the target's backfill batches applied so far at every answer of the probe (the check's request). */
function onProbe(target: TestTarget, fn: (appliedBatches: number) => void): void {
  const metrics = target.running.metrics;
  const original = metrics.recordRequest.bind(metrics);
  metrics.recordRequest = (route, code, seconds) => {
    original(route, code, seconds);
    if (route === PROBE) fn(target.appliedBatches('backfill'));
  };
}

const ofKind = (ledger: LedgerEntry[], kind: string) => ledger.filter((e) => e.kind === kind);

describe('paginate.throttle', () => {
  it('holds the next batch while a medium check fails, sending nothing, and resumes at the same cursor', async () => {
    const { target, repo, engine } = await setUp(
      manifest({ severity: 'medium', paging: 'throttle: { checks: [provider], every: 0ms }' }),
    );
    // The provider degrades while batch 2 is handled; three looks later it is online again.
    target.faultAfterBatches(2, 'backfill', { mode: 'latency' });
    const appliedAtFailingLooks: number[] = [];
    onProbe(target, (applied) => {
      if (!target.running.faults.is('latency')) return;
      appliedAtFailingLooks.push(applied);
      if (appliedAtFailingLooks.length === 3) target.running.faults.set({ mode: 'none' });
    });

    const r = await engine.applyOne('paced');
    expect(r.result).toMatchObject({ applied: 'full', status: 'complete' });
    expect(appliedAtFailingLooks).toEqual([2, 2, 2]);

    const ledger = await repo.ledger('paced');
    const batches = ofKind(ledger, 'batch');
    expect(batches.map((e) => e.counts?.batch)).toEqual([1, 2, 3, 4, 5, 6]);
    const held = ofKind(ledger, 'throttled');
    expect(held).toHaveLength(3);
    for (const e of held) {
      expect(e).toMatchObject({ step: 'backfill', counts: { batch: 2 }, result: { holding: ['provider'] } });
      // The cursor kept is the one batch 2 returned: batch 3 is sent with it once the check passes.
      expect((e.result as { cursor: unknown }).cursor).toBe((batches[1]!.result as { nextCursor: unknown }).nextCursor);
    }
    const order = ledger.filter((e) => ['batch', 'throttled'].includes(e.kind)).map((e) => e.kind);
    expect(order).toEqual([
      'batch',
      'batch',
      'throttled',
      'throttled',
      'throttled',
      'batch',
      'batch',
      'batch',
      'batch',
    ]);
    // Every look is a throttle sample, none a gate sample: one before each batch, three held.
    const looks = ofKind(ledger, 'throttle-sample').map((e) => (e.result as { outcome: string }).outcome);
    expect(looks).toEqual(['pass', 'pass', 'fail', 'fail', 'fail', 'pass', 'pass', 'pass', 'pass']);
    expect(ofKind(ledger, 'sample')).toEqual([]);
    // Each org exactly once, no batch replayed: nothing was skipped or re-sent across the hold.
    expect(await target.integrity()).toMatchObject({ legacy: 0, providerAgnostic: ORGS });
    expect([...target.receiptCounts('backfill').values()].every((n) => n === 1)).toBe(true);
    expect(target.receiptCounts('backfill').size).toBe(ORGS);
    expect(await target.duplicates()).toBe(0);
    expect(r.lines.filter((l) => l.includes('throttled by provider before batch 3'))).toHaveLength(3);
  });

  it('stops the phase on a critical failure between batches, as a failing gate does; then it rolls back', async () => {
    const { target, repo, engine } = await setUp(
      manifest({ severity: 'critical', paging: 'throttle: { checks: [provider], every: 0ms }' }),
    );
    target.faultAfterBatches(2, 'backfill', { mode: 'offline' });

    const r = await engine.applyOne('paced');
    expect(r.result).toMatchObject({ outcome: 'failed', applied: 'full', status: 'failed' });
    expect(target.appliedBatches('backfill')).toBe(2);
    const s = await repo.state('paced');
    expect(s?.failure).toMatchObject({ phase: 'full', step: 'backfill', severity: 'critical' });
    expect(s?.progress?.['full/apply/backfill']).toMatchObject({ done: false, batches: 2 });
    const ledger = await repo.ledger('paced');
    expect(ofKind(ledger, 'throttle-failed')).toMatchObject([
      { phase: 'full', step: 'backfill', result: { severity: 'critical', failing: [{ check: 'provider' }] } },
    ]);
    // The same request a failing gate makes (the CLI prints it; the action opens the revert PR).
    expect(r.lines.some((l) => l.startsWith('paced: rollback requested for full'))).toBe(true);

    // The provider is back, but a stopped phase is not resumed by the next pass: it waits for its rollback.
    target.clearFault();
    expect((await engine.applyOne('paced')).result).toMatchObject({ outcome: 'unchanged', status: 'failed' });
    expect(target.appliedBatches('backfill')).toBe(2);

    await repo.setPhase('paced', 'none');
    const back = await engine.applyOne('paced');
    expect(back.result).toMatchObject({ outcome: 'rolled-back', applied: 'none', status: 'rolled-back' });
    expect(await target.integrity()).toMatchObject({ providerAgnostic: 0, mixed: 0 });
  });
});

describe('paginate.batchTime', () => {
  it('sizes {{ page.size }} toward the target time, within its bounds, and resumes with the checkpointed size', async () => {
    const orgs = 120;
    const { target, repo, engine } = await setUp(
      manifest({
        severity: 'low',
        numItems: '"{{ page.size }}"',
        paging: 'batchTime: { target: 200ms, minSize: 1, maxSize: 40, startSize: 2 }',
      }),
      orgs,
    );
    // 10 ms an item: about 20 items make 200 ms (less the engine's own time per batch).
    await target.setFault({ mode: 'slow', ms: 10 });
    engine.onBatch = (_label, batches) => {
      if (batches === 4) throw new Error('killed after batch 4');
    };
    await expect(engine.applyOne('paced')).rejects.toThrow('killed after batch 4');
    engine.onBatch = undefined;
    const saved = (await repo.state('paced'))?.progress?.['full/apply/backfill'];
    expect(saved).toMatchObject({ done: false, batches: 4 });

    const r = await engine.applyOne('paced');
    expect(r.result).toMatchObject({ applied: 'full', status: 'complete' });
    const batches = ofKind(await repo.ledger('paced'), 'batch');
    const sizes = batches.map((e) => e.counts!.size!);
    expect(sizes[0]).toBe(2);
    // The batch after the first is sized by its rate, far above the start; every size within [1, 40].
    expect(sizes[1]).toBeGreaterThan(4);
    expect(sizes.every((n) => n >= 1 && n <= 40)).toBe(true);
    expect(sizes.slice(1).every((n) => n >= 5)).toBe(true);
    // Resumed: the first batch of the second run has the size checkpointed with the cursor.
    expect(sizes[4]).toBe(saved!.size);
    // The target was sent exactly these sizes, and every org was done once.
    const items = batches.map((e) => e.counts!.items!);
    expect(items.slice(0, -1)).toEqual(sizes.slice(0, -1));
    expect(items.reduce((a, b) => a + b, 0)).toBe(orgs);
    expect(await target.integrity()).toMatchObject({ legacy: 0, providerAgnostic: orgs });
  });
});
