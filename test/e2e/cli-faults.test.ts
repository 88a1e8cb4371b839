// Target 5xx and timeouts in the middle of a paged step: retried per `retry:`, then a clear failure (exit 1, the step
// and the cause), visible in `status`; once the fault is cleared the next apply resumes the step where it stopped.
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { output, runCli, statusJson } from '../helpers/cli.js';
import { pagedManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

const ORGS = 120;
const BATCH = 10;
const PAGES = ORGS / BATCH;

async function setup(retry: string, timeout?: string) {
  const target = await TestTarget.start(dirs, { orgs: ORGS });
  targets.push(target);
  const repo = await TempRepo.create(dirs, { paged: pagedManifest({ batchSize: BATCH, retry, timeout }) });
  const env = { TARGET_URL: target.url };
  return { target, repo, env };
}

/** A clean apply finishes the step; `resumedAt`: the checkpointed batch each earlier resume started from. */
async function expectResumedToTheEnd(
  target: TestTarget,
  repo: TempRepo,
  env: Record<string, string>,
  resumedAt: number[],
) {
  const r = await runCli(repo.dir, ['apply'], env);
  expect(r.code, output(r)).toBe(0);
  expect(r.stdout).toMatch(/paged: complete/);
  expect(r.stderr).toMatch(/resuming full/);
  const ledger = await repo.ledger('paged');
  const resumes = ledger.filter((e) => e.kind === 'resume');
  expect(resumes).toHaveLength(resumedAt.length);
  for (const e of resumes)
    expect(e).toMatchObject({ phase: 'full', step: 'backfill', result: { after: { step: 'backfill' } } });
  const starts = ledger.filter((e) => e.kind === 'step-start');
  expect(starts.map((e) => (e.result as { resumeFrom?: { batches: number } }).resumeFrom?.batches)).toEqual([
    undefined,
    ...resumedAt,
  ]);
  expect(ledger.filter((e) => e.kind === 'batch').map((e) => e.counts!.batch)).toEqual(
    Array.from({ length: PAGES }, (_, i) => i + 1),
  );
  expect(await target.integrity()).toMatchObject({ legacy: 0, providerAgnostic: ORGS });
  expect([...target.receiptCounts('backfill').values()].filter((n) => n !== 1)).toEqual([]);
  expect(target.appliedBatches('backfill')).toBe(PAGES);
  expect(await repo.state('paged')).toMatchObject({ status: 'complete', failure: null });
}

describe('target faults during a paged step', () => {
  it('retries 5xx with the configured backoff, then fails with the step and the cause; the next apply resumes', async () => {
    const { target, repo, env } = await setup('{ attempts: 3, backoff: [50ms, 100ms] }');
    target.faultAfterBatches(4, 'backfill', { mode: 'http500' });

    const failed = await runCli(repo.dir, ['apply'], env);
    expect(failed.code, output(failed)).toBe(1);
    expect(failed.stdout).toMatch(
      /paged: failed — applied full, status failed, desired full \(backfill: POST \S+\/migrations\/backfill: HTTP 500 \(after 3 attempts\)\)/,
    );
    expect(failed.stderr).toContain('attempt 1 failed (POST');
    expect(failed.stderr).toMatch(/attempt 1 failed \(.*HTTP 500\), retrying in 50 ms/);
    expect(failed.stderr).toMatch(/attempt 2 failed \(.*HTTP 500\), retrying in 100 ms/);
    expect(await target.metric('target_requests_total', { route: '/migrations/backfill', code: '500' })).toBe(3);

    const view = await statusJson(repo.dir, 'paged', env);
    expect(view).toMatchObject({
      applied: 'full',
      status: 'failed',
      step: 'backfill',
      progress: { batches: 4, items: 40 },
      lease: null,
    });
    expect(view.failure).toMatchObject({ phase: 'full', step: 'backfill', reason: expect.stringMatching(/HTTP 500/) });

    // Still broken: the next apply retries the step and fails again, without losing the checkpoint.
    const again = await runCli(repo.dir, ['apply'], env);
    expect(again.code).toBe(1);
    expect((await repo.state('paged'))!.progress!['full/apply/backfill']).toMatchObject({ done: false, batches: 4 });

    await target.clearFault();
    await expectResumedToTheEnd(target, repo, env, [4, 4]);
    expect(await target.duplicates()).toBe(0);
  });

  it('fails a batch whose answers outlast the step timeout after its retries; the resumed run replays it by key', async () => {
    const { target, repo, env } = await setup('{ attempts: 2, backoff: [50ms] }', '1s');
    // The 4th batch is applied but answered only after 4 s: the worst timeout, the write landed and nobody heard.
    target.faultAfterBatches(4, 'backfill', { mode: 'timeout', ms: 4000 });

    const failed = await runCli(repo.dir, ['apply'], env);
    expect(failed.code, output(failed)).toBe(1);
    expect(failed.stdout).toMatch(
      /paged: failed .*\(backfill: POST \S+\/migrations\/backfill: timed out \(after 2 attempts\)\)/,
    );
    const view = await statusJson(repo.dir, 'paged', env);
    expect(view).toMatchObject({ status: 'failed', step: 'backfill', progress: { batches: 3 } });
    expect(view.failure).toMatchObject({ step: 'backfill', reason: expect.stringMatching(/timed out/) });
    // The retry re-sent the applied batch with its key: the target dropped it.
    expect(await target.duplicates()).toBe(1);

    await target.clearFault();
    await expectResumedToTheEnd(target, repo, env, [3]);
    expect(await target.duplicates()).toBe(2);
  });
});
