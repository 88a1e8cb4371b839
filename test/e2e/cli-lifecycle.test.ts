// The lifecycle through the real CLI process: exit codes, what a person reads, `status --json`.
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { output, runCli, statusJson } from '../helpers/cli.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

async function setup(manifest: string, orgs = 30) {
  const target = await TestTarget.start(dirs, { orgs });
  targets.push(target);
  const repo = await TempRepo.create(dirs, { byok: manifest });
  return { target, repo, env: { TARGET_URL: target.url } };
}

describe('rollouts CLI lifecycle', () => {
  it('exits 1 on a failing gate naming the commit to revert; applying the revert rolls back and verifies', async () => {
    const { target, repo, env } = await setup(byokManifest({ canaryGate: '{ hold: 1h, every: 1m, checks: [probe] }' }));
    const entered = await repo.setPhase('byok', 'canary');
    await target.setFault({ mode: 'offline' });

    const failed = await runCli(repo.dir, ['apply'], env);
    expect(failed.code, output(failed)).toBe(1);
    expect(failed.stderr).toContain(`rollback requested for canary`);
    expect(failed.stderr).toContain(`git revert ${entered.slice(0, 12)}`);
    expect(failed.stdout).toMatch(/^byok: failed — applied canary, status failed, desired canary/m);

    const view = await statusJson(repo.dir, 'byok', env);
    expect(Object.keys(view)).toEqual(
      expect.arrayContaining(['name', 'desired', 'applied', 'status', 'step', 'progress', 'gate', 'lease']),
    );
    expect(view).toMatchObject({
      name: 'byok',
      desired: 'canary',
      applied: 'canary',
      status: 'failed',
      step: null,
      progress: null,
      lease: null,
    });
    const gate = view.gate as {
      phase: string;
      samples: { check: string; outcome: string }[];
      started: string;
      passesAt: string;
    };
    expect(gate).toMatchObject({
      phase: 'canary',
      samples: [expect.objectContaining({ check: 'probe', outcome: 'fail' })],
    });
    expect(Date.parse(gate.passesAt)).toBeGreaterThan(Date.parse(gate.started));

    await target.clearFault();
    await repo.revert(entered);
    const rolled = await runCli(repo.dir, ['apply', '--json'], env);
    expect(rolled.code, output(rolled)).toBe(0);
    expect(JSON.parse(rolled.stdout)).toEqual({
      rollouts: [
        expect.objectContaining({
          name: 'byok',
          outcome: 'rolled-back',
          applied: 'none',
          status: 'rolled-back',
          desired: 'none',
        }),
      ],
    });
    expect(await target.integrity()).toMatchObject({ mixed: 0 });
    for (const id of ['org_0001', 'org_0002', 'org_0003'])
      expect((await target.org(id)).contract).toBe('openrouter_v1');
  });

  it('drills, rolls back in an emergency, and then holds the rollout until its phase changes', async () => {
    const { target, repo, env } = await setup(byokManifest({ canaryGate: null, fullGate: null, batchSize: 8 }));
    await repo.setPhase('byok', 'canary');
    expect((await runCli(repo.dir, ['apply'], env)).code).toBe(0);
    await repo.setPhase('byok', 'full');
    const full = await runCli(repo.dir, ['apply'], env);
    expect(full.code, output(full)).toBe(0);
    expect(full.stdout).toMatch(/byok: complete — applied full, status complete/);

    const snapshot = target.snapshot();
    const drill = await runCli(repo.dir, ['drill', 'byok'], env);
    expect(drill.code, output(drill)).toBe(0);
    expect(drill.stdout).toMatch(/^byok: drill ok, RTO \d+\.\ds over full, canary, 2\/2 rollback steps drilled$/m);
    expect(target.snapshot()).toBe(snapshot);

    const rollback = await runCli(repo.dir, ['rollback', 'byok', '--to', 'canary'], env);
    expect(rollback.code, output(rollback)).toBe(0);
    expect(rollback.stdout).toMatch(/byok: rolled-back — applied canary, status rolled-back, desired full/);

    const held = await runCli(repo.dir, ['apply'], env);
    expect(held.code, output(held)).toBe(0);
    expect(held.stdout).toMatch(/byok: blocked — .*held after a rollback: change `phase` to move on/);

    const usage = await runCli(repo.dir, ['rollback', 'nope'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('no rollout named nope');
  });
});
