// The lease is fenced (issue: a paused or skewed holder kept sending after a takeover). A holder paused with SIGSTOP
// past its TTL, and a second run whose clock is ahead: the second takes over (after the clock-skew margin), the first,
// resumed, proves its lease before its next batch, cannot, and exits 3 having sent nothing more than the batch it
// had in flight, which the target refuses by its lease epoch or drops by its idempotency key. No batch is applied
// twice, none is skipped.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { output, startCli, type CliResult } from '../helpers/cli.js';
import { pagedManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';
import { waitFor } from '../helpers/wait.js';

const { dirs, targets } = useTestTargets();
const SKEWED_CLOCK = pathToFileURL(fileURLToPath(new URL('./fixtures/skewed-clock.mjs', import.meta.url))).href;

const TTL_MS = 2000;
const SKEW_MARGIN_MS = 1000;
/** The second run's clock is this far ahead: more than the TTL's half, less than half plus the margin. */
const CLOCK_AHEAD_MS = 1500;

describe('a fenced lease', () => {
  it(
    'a holder paused past its TTL, resumed after a skewed run took over, stops sending and exits 3',
    { timeout: 180_000 },
    async () => {
      const ORGS = 800;
      const BATCH = 2;
      const pages = ORGS / BATCH;
      const target = await TestTarget.start(dirs, { orgs: ORGS });
      targets.push(target);
      await target.setFault({ mode: 'timeout', ms: 3 });
      const repo = await TempRepo.create(dirs, { paged: pagedManifest({ batchSize: BATCH }) });
      const env = {
        TARGET_URL: target.url,
        ROLLOUTS_CHECKPOINT_BATCHES: '10',
        ROLLOUTS_LEASE_TTL_MS: String(TTL_MS),
        ROLLOUTS_LEASE_SKEW_MS: String(SKEW_MARGIN_MS),
      };
      const skewed = {
        ...env,
        NODE_OPTIONS: `--import=${SKEWED_CLOCK}`,
        ROLLOUTS_TEST_CLOCK_SKEW_MS: String(CLOCK_AHEAD_MS),
      };
      const byEpoch = (epoch: number) => target.metric('target_batches_epoch_total', { epoch: String(epoch) });

      const first = startCli(repo.dir, ['apply'], env);
      await waitFor(
        '40 batches of the first run',
        () => target.appliedBatches('backfill') >= 40 || first.proc.exitCode !== null,
        {
          everyMs: 2,
        },
      );
      expect(first.proc.exitCode, first.stderr()).toBeNull();
      first.proc.kill('SIGSTOP');
      const stoppedAt = Date.now();

      // Runs with a clock ahead find the lease held (the holder's pid is alive) until it expires past the margin.
      const busy: CliResult[] = [];
      let second = startCli(repo.dir, ['apply'], skewed);
      for (;;) {
        await waitFor(
          'the second run to end or take over',
          async () => second.proc.exitCode !== null || (await byEpoch(2)) > 0,
          {
            everyMs: 20,
          },
        );
        if ((await byEpoch(2)) > 0) break;
        const r = await second.done;
        expect(r.code, output(r)).toBe(3);
        expect(r.stdout).toMatch(/paged: busy/);
        busy.push(r);
        second = startCli(repo.dir, ['apply'], skewed);
      }
      const takeoverAfterMs = Date.now() - stoppedAt;

      // The paused holder resumes while the new one sends.
      await waitFor(
        '20 batches of the second run',
        async () => (await byEpoch(2)) >= 20 || second.proc.exitCode !== null,
        {
          everyMs: 5,
        },
      );
      const firstSentBefore = await byEpoch(1);
      first.proc.kill('SIGCONT');
      const a = await first.done;
      const firstSentAfter = (await byEpoch(1)) - firstSentBefore;
      const b = await second.done;
      const report = `first run exit ${a.code}:\n${output(a)}\nsecond run exit ${b.code}:\n${output(b)}`;

      expect(a.code, report).toBe(3);
      expect(a.stderr, report).toMatch(/lease of paged/);
      expect(firstSentAfter, report).toBeLessThanOrEqual(1); // at most the batch in flight when it was paused
      expect(b.code, report).toBe(0);
      expect(b.stdout, report).toMatch(/paged: complete/);
      expect(takeoverAfterMs).toBeGreaterThan(0);

      expect(target.appliedBatches('backfill'), report).toBe(pages);
      expect([...target.receiptCounts('backfill').values()].filter((n) => n !== 1)).toEqual([]);
      expect(await target.integrity()).toMatchObject({ legacy: 0, providerAgnostic: ORGS });
      expect(await target.metric('target_batches_fenced_total')).toBeLessThanOrEqual(1);

      const state = await repo.state('paged');
      expect(state).toMatchObject({ status: 'complete', lease: null, epoch: 2 });
      const ledger = await repo.ledger('paged');
      expect(ledger.filter((e) => e.kind === 'lease-takeover')).toMatchObject([
        { result: { verdict: 'expired', epoch: 2 } },
      ]);
      // The takeover waited for the margin past the expiry, on the taking run's own (skewed) clock.
      const takeover = ledger.find((e) => e.kind === 'lease-takeover')!;
      const previous = (takeover.result as { previous: { expiresAt: string } }).previous;
      expect(Date.parse(takeover.time)).toBeGreaterThan(Date.parse(previous.expiresAt) + SKEW_MARGIN_MS);
      const numbers = new Set(ledger.filter((e) => e.kind === 'batch').map((e) => e.counts!.batch));
      expect(numbers.size).toBe(pages);
      console.log(
        `figure: takeover ${takeoverAfterMs} ms after the pause (TTL ${TTL_MS} ms, margin ${SKEW_MARGIN_MS} ms, clock ahead ${CLOCK_AHEAD_MS} ms), ${busy.length} busy runs before it; the resumed holder sent ${firstSentAfter} batch(es); ${await target.duplicates()} replays dropped`,
      );
    },
  );
});
