// The operator's controls through the real CLI process, against the example target and real git repositories:
// `resume` (a paused gate), `retry` (a failed step, a failed gate), each recorded with the person's name; and the exit
// codes of a control that does not apply (1) and of a usage mistake (2).
import { describe, expect, it } from 'vitest';
import { git, ledgerTrail, TempRepo } from '../helpers/git-repo.js';
import { output, runCli } from '../helpers/cli.js';
import { byokManifest, pagedManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();
const ACTOR = 'Dana Ops <dana@example.com>';

async function setup(manifests: Record<string, string>, orgs = 30) {
  const target = await TestTarget.start(dirs, { orgs });
  targets.push(target);
  const repo = await TempRepo.create(dirs, manifests);
  await git(repo.dir, 'config', 'user.name', 'Dana Ops');
  await git(repo.dir, 'config', 'user.email', 'dana@example.com');
  return { target, repo, env: { TARGET_URL: target.url } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rollouts resume', () => {
  it('opens a paused gate afresh, recorded with the actor; refuses (exit 1) when nothing is paused', async () => {
    const medium = byokManifest({ canaryGate: '{ hold: 1s, every: 1s, checks: [probe] }' }).replace(
      'severity: critical',
      'severity: medium',
    );
    const { target, repo, env } = await setup({ byok: medium });
    const early = await runCli(repo.dir, ['resume', 'byok'], env);
    expect(early.code, output(early)).toBe(1);
    expect(early.stderr.trim()).toBe('rollouts: byok is none, not paused: nothing to resume');

    await repo.setPhase('byok', 'canary');
    await target.setFault({ mode: 'offline' });
    const paused = await runCli(repo.dir, ['apply'], env);
    expect(paused.stdout, output(paused)).toMatch(/^byok: paused — applied canary, status paused/m);
    const stuck = await runCli(repo.dir, ['apply'], env);
    expect(stuck.stdout, output(stuck)).toMatch(/^byok: unchanged — applied canary, status paused/m);

    await target.clearFault();
    const resumed = await runCli(repo.dir, ['resume', 'byok'], env);
    expect(resumed.code, output(resumed)).toBe(0);
    expect(resumed.stdout).toMatch(/^byok: sampled — applied canary, status holding, desired canary$/m);
    expect(resumed.stderr).toContain(`resume of canary by ${ACTOR}`);
    const state = await repo.state('byok');
    expect(state).toMatchObject({ status: 'holding', failure: null });
    expect(state!.gate!.samples.map((s) => s.outcome)).toEqual(['pass']);

    const ledger = await repo.ledger('byok');
    expect(ledgerTrail(ledger, ['gate-open', 'gate-paused', 'resume'])).toEqual([
      'gate-open canary',
      'gate-paused canary',
      'resume canary',
      'gate-open canary',
    ]);
    expect(ledger.find((e) => e.kind === 'resume')).toMatchObject({
      actor: ACTOR,
      result: { from: 'paused', failure: { phase: 'canary', severity: 'medium' } },
    });

    await sleep(1100);
    const healthy = await runCli(repo.dir, ['apply'], env);
    expect(healthy.stdout, output(healthy)).toMatch(/^byok: healthy — applied canary, status healthy/m);
    const again = await runCli(repo.dir, ['resume', 'byok'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('byok is healthy at canary, not paused: nothing to resume');
  });
});

describe('rollouts retry', () => {
  it('re-runs a failed paged step from its checkpoint, every batch sent once, recorded with the actor', async () => {
    const { target, repo, env } = await setup(
      { paged: pagedManifest({ batchSize: 10, retry: '{ attempts: 1 }' }) },
      60,
    );
    target.faultAfterBatches(3, 'backfill', { mode: 'http500' });
    const failed = await runCli(repo.dir, ['apply'], env);
    expect(failed.code, output(failed)).toBe(1);

    await target.clearFault();
    const retried = await runCli(repo.dir, ['retry', 'paged', '--json'], env);
    expect(retried.code, output(retried)).toBe(0);
    expect(JSON.parse(retried.stdout).rollouts[0]).toMatchObject({ outcome: 'complete', status: 'complete' });
    const ledger = await repo.ledger('paged');
    expect(ledgerTrail(ledger, ['step-failed', 'retry', 'resume'])).toEqual([
      'step-failed full/backfill',
      'retry full/backfill',
      'resume full/backfill',
    ]);
    expect(ledger.find((e) => e.kind === 'retry')).toMatchObject({ actor: ACTOR, result: { from: 'failed' } });
    expect([...target.receiptCounts('backfill').values()].filter((n) => n !== 1)).toEqual([]);
    expect(await target.integrity()).toMatchObject({ legacy: 0, providerAgnostic: 60 });

    const nothing = await runCli(repo.dir, ['retry', 'paged'], env);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr.trim()).toBe('rollouts: paged is complete at full: nothing failed to retry');
  });

  it('reopens a failed gate once its cause is fixed without a rollback; ROLLOUTS_ACTOR names who', async () => {
    const { target, repo, env } = await setup({
      byok: byokManifest({ canaryGate: '{ hold: 1s, every: 1s, checks: [probe] }' }),
    });
    await repo.setPhase('byok', 'canary');
    await target.setFault({ mode: 'offline' });
    expect((await runCli(repo.dir, ['apply'], env)).code).toBe(1);

    await target.clearFault();
    const retried = await runCli(repo.dir, ['retry', 'byok'], { ...env, ROLLOUTS_ACTOR: 'oncall-bot' });
    expect(retried.code, output(retried)).toBe(0);
    expect(retried.stdout).toMatch(/^byok: sampled — applied canary, status holding/m);
    expect((await repo.ledger('byok')).find((e) => e.kind === 'retry')).toMatchObject({
      actor: 'oncall-bot',
      phase: 'canary',
      result: { from: 'failed', failure: { severity: 'critical' } },
    });
    await sleep(1100);
    const healthy = await runCli(repo.dir, ['apply'], env);
    expect(healthy.stdout, output(healthy)).toMatch(/^byok: healthy — applied canary/m);
  });

  it('refuses a retry once the desired phase is below the failed one: apply rolls back', async () => {
    const { target, repo, env } = await setup({
      byok: byokManifest({ canaryGate: '{ hold: 1h, every: 1s, checks: [probe] }' }),
    });
    const entered = await repo.setPhase('byok', 'canary');
    await target.setFault({ mode: 'offline' });
    expect((await runCli(repo.dir, ['apply'], env)).code).toBe(1);
    await repo.revert(entered);
    const r = await runCli(repo.dir, ['retry', 'byok'], env);
    expect(r.code, output(r)).toBe(1);
    expect(r.stderr).toContain('its desired phase none is below: `rollouts apply` rolls it back');
  });
});

describe('usage mistakes exit 2 with one line', () => {
  it('an unknown rollout for each control, a phase that does not exist for rollback --to', async () => {
    const { repo, env } = await setup({ byok: byokManifest() });
    for (const cmd of ['resume', 'retry', 'rollback', 'drill']) {
      const r = await runCli(repo.dir, [cmd, 'nosuch'], env);
      expect(r.code, output(r)).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        `rollouts ${cmd}: no rollout named nosuch (have: byok) — see \`rollouts ${cmd} --help\``,
      ]);
    }
    const to = await runCli(repo.dir, ['rollback', 'byok', '--to', 'nosuch'], env);
    expect(to.code, output(to)).toBe(2);
    expect(to.stderr.trim().split('\n')).toEqual([
      'rollouts rollback: --to nosuch: no such phase (have: none, canary, full) — see `rollouts rollback --help`',
    ]);
  });
});
