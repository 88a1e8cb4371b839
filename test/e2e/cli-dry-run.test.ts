// `rollouts apply --dry-run` through the real CLI process: what the pass would do (apply, sample, roll back; which
// steps, which cohort, which gate), with no step run (the target is untouched) and no state written.
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { output, runCli } from '../helpers/cli.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

describe('rollouts apply --dry-run', () => {
  it('says what each pass would do, runs no step and writes no state', async () => {
    const target = await TestTarget.start(dirs, { orgs: 10 });
    targets.push(target);
    const repo = await TempRepo.create(dirs, {
      byok: byokManifest({ canaryGate: '{ hold: 1h, every: 1m, checks: [probe] }' }),
    });
    const env = { TARGET_URL: target.url };
    const entered = await repo.setPhase('byok', 'canary');
    const untouched = target.snapshot();

    const first = await runCli(repo.dir, ['apply', '--dry-run'], env);
    expect(first.code, output(first)).toBe(0);
    expect(first.stdout.trimEnd().split('\n')).toEqual([
      'byok: would apply — applied none (none), desired canary',
      '  canary: steps audit, dry-run, write-pass; cohort 3 ids (org_0001, org_0002, org_0003)',
      '  gate: hold 1h, checks probe every 1m, failureLimit 0',
    ]);
    expect(target.snapshot()).toBe(untouched);
    expect(await repo.stateBranchExists()).toBe(false);

    expect((await runCli(repo.dir, ['apply'], env)).code).toBe(0);
    const entries = (await repo.ledger('byok')).length;
    const holding = await runCli(repo.dir, ['apply', 'byok', '--dry-run', '--json'], env);
    expect(holding.code, output(holding)).toBe(0);
    expect(JSON.parse(holding.stdout)).toEqual({
      dryRun: true,
      rollouts: [
        expect.objectContaining({
          name: 'byok',
          action: 'none',
          applied: 'canary',
          status: 'holding',
          phases: [],
          message: 'gate of canary: no sample due yet',
        }),
      ],
    });

    await repo.revert(entered);
    const snapshot = target.snapshot();
    const back = await runCli(repo.dir, ['apply', '--dry-run'], env);
    expect(back.code, output(back)).toBe(0);
    expect(back.stdout.trimEnd().split('\n')).toEqual([
      'byok: would roll-back — applied canary (holding), desired none (desired phase is none)',
      '  canary: steps rollback-cohort; cohort 3 ids (org_0001, org_0002, org_0003)',
      '  verify: no-mixed-contract',
    ]);
    expect(target.snapshot()).toBe(snapshot);
    expect((await repo.ledger('byok')).length).toBe(entries);
    expect(await repo.state('byok')).toMatchObject({ applied: 'canary', status: 'holding' });
  });

  it('exits 2 with --watch, and on an unknown rollout', async () => {
    const repo = await TempRepo.create(dirs, { byok: byokManifest() });
    const both = await runCli(repo.dir, ['apply', '--dry-run', '--watch'], {});
    expect(both.code, output(both)).toBe(2);
    expect(both.stderr.trim()).toBe(
      'rollouts apply: --dry-run and --watch do not go together — see `rollouts apply --help`',
    );
    const unknown = await runCli(repo.dir, ['apply', 'nosuch', '--dry-run'], {});
    expect(unknown.code, output(unknown)).toBe(2);
  });
});
