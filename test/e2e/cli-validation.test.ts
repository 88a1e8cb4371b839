// An invalid manifest anywhere in rollouts/ stops `rollouts apply` before anything runs: exit 1, file:line:col
// messages, no state branch written, the target untouched (not even for the valid rollouts beside it).
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/cli.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

const UNKNOWN_FIELD = `apiVersion: rollouts/v1
kind: Rollout
name: typo
phase: canary
phases:
  - name: canary
    stepz: []
`;

const BROKEN_YAML = `apiVersion: rollouts/v1
kind: Rollout
name: broken
phase: none
phase: canary
phases: []
`;

describe('rollouts apply with an invalid manifest', () => {
  it('exits 1 with file:line:col for every error, writes no state and never calls the target', async () => {
    const target = await TestTarget.start(dirs, { orgs: 20 });
    targets.push(target);
    const repo = await TempRepo.create(dirs, {
      byok: byokManifest({ phase: 'canary', canaryGate: null }),
      typo: UNKNOWN_FIELD,
      broken: BROKEN_YAML,
    });
    const snapshot = target.snapshot();

    const r = await runCli(repo.dir, ['apply'], { TARGET_URL: target.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rollouts/typo.yaml:7:5: phases[0].stepz: unknown field `stepz`');
    expect(r.stderr).toContain('rollouts/broken.yaml:5:1: duplicate key `phase`');
    expect(r.stderr).toMatch(/rollouts: 2 validation errors: nothing was run/);
    expect(r.stdout).toBe('');

    expect(await repo.stateBranchExists()).toBe(false);
    expect(target.snapshot()).toBe(snapshot);
    expect(await target.metric('target_batches_total')).toBe(0);

    // Naming only the valid rollout does not get around it either.
    const named = await runCli(repo.dir, ['apply', 'byok'], { TARGET_URL: target.url });
    expect(named.code).toBe(1);
    expect(await repo.stateBranchExists()).toBe(false);
    expect(await target.metric('target_batches_total')).toBe(0);
  });
});
