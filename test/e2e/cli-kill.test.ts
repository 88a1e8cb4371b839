// kill -9 of `rollouts apply` at random points of a paged backfill, five times; then a normal run finishes. Every org
// is migrated exactly once; batches re-sent after a crash are at most the checkpoint buffer (plus the batch in flight)
// and are dropped by the target by their idempotency key; no batch is skipped.
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { output, runCli, startCli, statusJson } from '../helpers/cli.js';
import { pagedManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';
import { waitFor } from '../helpers/wait.js';

const { dirs, targets } = useTestTargets();

/** Pages of the backfill: ~600 whatever the page size, so the run takes the same few seconds (up to 3000 orgs). */
const PAGES = 600;
const KILLS = 5;
const BUFFER = 10;

describe('kill -9 during a paged run', () => {
  it(
    'resumes from the checkpoint after each kill, never skips a batch, and re-sends at most the buffer',
    { timeout: 180_000 },
    async () => {
      // Random page size and kill points; ROLLOUTS_TEST_NUM_ITEMS pins the page size to reproduce a failure.
      const numItems = Number(process.env.ROLLOUTS_TEST_NUM_ITEMS ?? randomInt(1, 6));
      const ORGS = PAGES * numItems;
      const pages = PAGES;
      const target = await TestTarget.start(dirs, { orgs: ORGS });
      targets.push(target);
      // Every write is answered a few ms late, so the run lasts long enough to be killed in the middle.
      await target.setFault({ mode: 'timeout', ms: 3 });
      const repo = await TempRepo.create(dirs, { paged: pagedManifest({ batchSize: numItems }) });
      const env = {
        TARGET_URL: target.url,
        ROLLOUTS_CHECKPOINT_BATCHES: String(BUFFER),
        ROLLOUTS_CHECKPOINT_MS: '60000',
      };
      const seededLegacy = target.legacyIds();
      const notes: string[] = [`numItems ${numItems}, ${ORGS} orgs, ${pages} pages`];

      // Replays a run sends are those its predecessor applied but had not checkpointed when it was killed.
      const resent: number[] = [];
      let replaysBefore = 0;
      for (let kill = 1; kill <= KILLS; kill++) {
        const sent = target.appliedBatches('backfill');
        const at = sent + randomInt(BUFFER, 6 * BUFFER);
        const cli = startCli(repo.dir, ['apply'], env);
        await waitFor(
          `batch ${at} (run ${kill})`,
          () => target.appliedBatches('backfill') >= at || cli.proc.exitCode !== null,
          { everyMs: 2 },
        );
        if (kill === 1) {
          // While it runs, `status --json` shows the step, its checkpointed progress and the live lease.
          const view = await statusJson(repo.dir, 'paged', env);
          expect(Object.keys(view)).toEqual(
            expect.arrayContaining(['name', 'desired', 'applied', 'status', 'step', 'progress', 'gate', 'lease']),
          );
          expect(view).toMatchObject({
            name: 'paged',
            desired: 'full',
            applied: 'full',
            status: 'applying',
            step: 'backfill',
            gate: null,
            lease: { holder: { pid: cli.pid } },
          });
          const progress = view.progress as { batches: number; items: number; cursor: unknown };
          expect(Object.keys(progress).sort()).toEqual(['batches', 'cursor', 'items']);
          expect(progress.batches).toBeGreaterThan(0);
          expect(typeof progress.cursor).toBe('string');
        }
        cli.proc.kill('SIGKILL');
        const r = await cli.done;
        expect(r.signal, `run ${kill} ended before it was killed:\n${output(r)}`).toBe('SIGKILL');
        notes.push(`kill ${kill} after ${target.appliedBatches('backfill')} batches applied`);
        const replays = await target.duplicates();
        if (kill > 1) resent.push(replays - replaysBefore);
        replaysBefore = replays;
      }

      const final = await runCli(repo.dir, ['apply'], env);
      expect(final.code, output(final)).toBe(0);
      expect(final.stdout).toMatch(/paged: complete/);
      resent.push((await target.duplicates()) - replaysBefore);

      // Every org migrated, each exactly once; every page applied exactly once (the idempotency table has one row each).
      expect(await target.integrity()).toMatchObject({ total: ORGS, legacy: 0, providerAgnostic: ORGS, mixed: 0 });
      const receipts = target.receiptCounts('backfill');
      expect(receipts.size).toBe(seededLegacy.length);
      expect([...receipts.values()].filter((n) => n !== 1)).toEqual([]);
      expect(target.appliedBatches('backfill')).toBe(pages);

      // Re-sent batches, per kill: at most the buffer, the commit in flight and the batch on the wire. The target
      // dropped each as a replay (its idempotency table has one row per page, checked above).
      notes.push(`re-sent after each kill: ${resent.join(', ')}`);
      expect(resent).toHaveLength(KILLS);
      expect(Math.max(...resent), notes.join('; ')).toBeLessThanOrEqual(2 * BUFFER + 1);
      expect(await target.duplicates()).toBe(resent.reduce((a, b) => a + b, 0));

      const ledger = await repo.ledger('paged');
      expect(
        ledger.filter((e) => e.kind === 'lease-takeover').map((e) => (e.result as { verdict: string }).verdict),
      ).toEqual(Array(KILLS).fill('dead-holder'));
      const batchNumbers = ledger.filter((e) => e.kind === 'batch').map((e) => e.counts!.batch);
      expect(batchNumbers).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
      const state = await repo.state('paged');
      expect(state).toMatchObject({ applied: 'full', status: 'complete', lease: null });
      expect(state!.progress!['full/apply/backfill']).toMatchObject({ done: true, batches: pages, items: ORGS });
    },
  );
});
