// `rollouts pause` through the real CLI processes, against the example target and a real git state repository: a
// long paged apply runs in one process, a second process pauses it without its lease; the first stops between two
// batches with its cursor saved and status paused, and `rollouts resume` finishes it with every org migrated once.
import { describe, expect, it } from 'vitest';
import { git, TempRepo } from '../helpers/git-repo.js';
import { output, runCli, startCli } from '../helpers/cli.js';
import { byokManifest, pagedManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';
import { waitFor } from '../helpers/wait.js';

const { dirs, targets } = useTestTargets();
const ACTOR = 'Dana Ops <dana@example.com>';
const ORGS = 400;

async function setup(manifests: Record<string, string>, orgs = ORGS) {
  const target = await TestTarget.start(dirs, { orgs });
  targets.push(target);
  const repo = await TempRepo.create(dirs, manifests);
  await git(repo.dir, 'config', 'user.name', 'Dana Ops');
  await git(repo.dir, 'config', 'user.email', 'dana@example.com');
  return { target, repo, env: { TARGET_URL: target.url } };
}

describe('rollouts pause', () => {
  it(
    'stops a running paged apply of another process between batches, cursor saved; resume finishes it, each org once',
    { timeout: 120_000 },
    async () => {
      const { target, repo, env } = await setup({ paged: pagedManifest({ batchSize: 1 }) });
      // Every write answered a few ms late: 400 batches last long enough to be paused in the middle.
      await target.setFault({ mode: 'timeout', ms: 5 });
      const seeded = target.legacyIds();
      const running = startCli(repo.dir, ['apply'], { ...env, ROLLOUTS_CHECKPOINT_MS: '200' });
      await waitFor('batch 20', () => target.appliedBatches('backfill') >= 20 || running.proc.exitCode !== null, {
        everyMs: 5,
      });
      expect(running.proc.exitCode, output({ ...running, code: null, signal: null } as never)).toBeNull();

      const paused = await runCli(repo.dir, ['pause', 'paged', '--reason', 'replica lag'], env);
      expect(paused.code, output(paused)).toBe(0);
      expect(paused.stdout).toMatch(
        /^paged: unchanged — applied full, status applying, desired full \(pause asked: the run holding the lease \(.+:\d+\) stops before its next batch\)$/m,
      );

      const stopped = await running.done;
      expect(stopped.code, output(stopped)).toBe(0);
      expect(stopped.stdout).toMatch(
        /^paged: paused — applied full, status paused, desired full \(paused by Dana Ops <dana@example.com> at \S+: replica lag\)$/m,
      );
      const sentBeforeResume = target.appliedBatches('backfill');
      expect(sentBeforeResume).toBeGreaterThan(20);
      expect(sentBeforeResume).toBeLessThan(ORGS);

      // The saved checkpoint is exactly what the target applied: nothing sent after it, nothing sent and not saved.
      const state = (await repo.state('paged'))!;
      expect(state).toMatchObject({
        status: 'paused',
        step: 'backfill',
        lease: null,
        pause: { by: ACTOR, reason: 'replica lag', from: 'applying' },
      });
      const progress = state.progress!['full/apply/backfill']!;
      expect(progress).toMatchObject({ done: false, batches: sentBeforeResume, items: sentBeforeResume });
      expect(typeof progress.cursor).toBe('string');

      const status = await runCli(repo.dir, ['status', 'paged'], env);
      expect(status.stdout, output(status)).toContain(
        `paged: applied full (paused), desired full, step backfill, ${sentBeforeResume} batches, ${sentBeforeResume} items, paused by ${ACTOR} at`,
      );
      const log = await runCli(repo.dir, ['log', 'paged'], env);
      expect(log.stdout, output(log)).toContain('pause asked while a run held the lease: replica lag');
      expect(log.stdout).toContain(`paused (was applying) after batch ${sentBeforeResume}, cursor saved`);

      // While paused, a pass does nothing; the status says who paused it.
      const idle = await runCli(repo.dir, ['apply'], env);
      expect(idle.code, output(idle)).toBe(0);
      expect(idle.stdout).toMatch(/^paged: unchanged — applied full, status paused, desired full \(paused by Dana/m);
      expect(target.appliedBatches('backfill')).toBe(sentBeforeResume);

      const resumed = await runCli(repo.dir, ['resume', 'paged'], { ...env, ROLLOUTS_ACTOR: 'oncall-bot' });
      expect(resumed.code, output(resumed)).toBe(0);
      expect(resumed.stdout).toMatch(/^paged: complete — applied full, status complete/m);

      expect(await target.integrity()).toMatchObject({ total: ORGS, legacy: 0, providerAgnostic: ORGS, mixed: 0 });
      const receipts = target.receiptCounts('backfill');
      expect(receipts.size).toBe(seeded.length);
      expect([...receipts.values()].filter((n) => n !== 1)).toEqual([]);
      expect(target.appliedBatches('backfill')).toBe(ORGS);
      expect(await target.duplicates()).toBe(0);

      const ledger = await repo.ledger('paged');
      const batches = ledger.filter((e) => e.kind === 'batch').map((e) => e.counts!.batch);
      expect(batches).toEqual(Array.from({ length: ORGS }, (_, i) => i + 1));
      expect(ledger.find((e) => e.kind === 'pause')).toMatchObject({
        actor: ACTOR,
        result: { status: 'applying', reason: 'replica lag', holder: { pid: running.pid } },
      });
      expect(ledger.find((e) => e.kind === 'paused')).toMatchObject({
        phase: 'full',
        step: 'backfill',
        result: { by: ACTOR, from: 'applying', batches: sentBeforeResume },
      });
      expect(ledger.find((e) => e.kind === 'resume')).toMatchObject({
        actor: 'oncall-bot',
        result: { from: 'paused', to: 'applying' },
      });
      expect(await repo.state('paged')).toMatchObject({ status: 'complete', pause: null, lease: null });
    },
  );

  it('pauses an idle holding gate at once: no sample, no promotion until resume', async () => {
    const { target, repo, env } = await setup(
      { byok: byokManifest({ canaryGate: '{ hold: 1s, every: 1s, checks: [probe] }' }) },
      30,
    );
    await repo.setPhase('byok', 'canary');
    const applied = await runCli(repo.dir, ['apply'], env);
    expect(applied.stdout, output(applied)).toMatch(/^byok: sampled — applied canary, status holding/m);

    const paused = await runCli(repo.dir, ['pause', 'byok'], env);
    expect(paused.code, output(paused)).toBe(0);
    expect(paused.stdout).toMatch(/^byok: paused — applied canary, status paused, desired canary \(paused by Dana/m);
    const samples = (await repo.state('byok'))!.gate!.samples.length;
    await new Promise((r) => setTimeout(r, 1100));
    const idle = await runCli(repo.dir, ['apply'], env);
    expect(idle.stdout, output(idle)).toMatch(/^byok: unchanged — applied canary, status paused/m);
    expect((await repo.state('byok'))!.gate!.samples.length).toBe(samples);

    const again = await runCli(repo.dir, ['pause', 'byok'], env);
    expect(again.code, output(again)).toBe(1);
    expect(again.stderr.trim()).toMatch(
      /^rollouts: byok is paused already \(paused by Dana Ops .+\): `rollouts resume` carries on$/,
    );

    const resumed = await runCli(repo.dir, ['resume', 'byok'], env);
    expect(resumed.code, output(resumed)).toBe(0);
    expect(resumed.stdout).toMatch(/^byok: healthy — applied canary, status healthy/m);
    void target;
  });

  it('refuses a rollout with nothing to pause (exit 1, nothing written) and an unknown one (exit 2)', async () => {
    const { repo, env } = await setup({ byok: byokManifest() }, 10);
    const none = await runCli(repo.dir, ['pause', 'byok'], env);
    expect(none.code, output(none)).toBe(1);
    expect(none.stderr.trim()).toBe('rollouts: byok has not started: nothing to pause');
    const unknown = await runCli(repo.dir, ['pause', 'nosuch'], env);
    expect(unknown.code, output(unknown)).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toEqual([
      'rollouts pause: no rollout named nosuch (have: byok) — see `rollouts pause --help`',
    ]);
    expect(await repo.stateBranchExists()).toBe(false);
  });
});
