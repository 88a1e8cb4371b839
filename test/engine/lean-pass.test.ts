// A pass over a holding rollout writes only what it measured: nothing at all when no sample is due (decided on the
// plain read, before any lease is claimed), and one compare-and-swap commit when a sample is taken.
import { describe, expect, it } from 'vitest';
import { git, TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

async function setup(canaryGate: string) {
  const target = await TestTarget.start(dirs, { orgs: 30 });
  targets.push(target);
  const repo = await TempRepo.create(dirs, { byok: byokManifest({ canaryGate }) });
  const engine = new InProcessEngine(repo.dir, { TARGET_URL: target.url });
  await repo.setPhase('byok', 'canary');
  return { target, repo, engine };
}

async function stateCommits(repo: TempRepo): Promise<number> {
  return Number((await git(repo.dir, 'rev-list', '--count', 'rollouts-state')).trim());
}

describe('a pass over a holding gate', () => {
  it('makes no commit when no sample is due', async () => {
    const { repo, engine } = await setup('{ hold: 1h, every: 1h, checks: [probe] }');
    const first = await engine.applyOne('byok');
    expect(first.result).toMatchObject({ applied: 'canary', status: 'holding' });
    expect((await repo.state('byok'))!.gate!.samples).toHaveLength(1);
    const before = await stateCommits(repo);
    for (let i = 0; i < 3; i++) {
      const r = await engine.applyOne('byok');
      expect(r.result).toMatchObject({ outcome: 'unchanged', status: 'holding' });
    }
    expect((await stateCommits(repo)) - before).toBe(0);
  });

  it('makes no commit while a hold with no checks has not elapsed', async () => {
    const { repo, engine } = await setup('{ hold: 1h }');
    await engine.applyOne('byok');
    const before = await stateCommits(repo);
    expect((await engine.applyOne('byok')).result).toMatchObject({ outcome: 'unchanged', status: 'holding' });
    expect((await stateCommits(repo)) - before).toBe(0);
    expect((await repo.state('byok'))!.lease).toBeNull();
  });

  it('takes a due sample in one commit, claiming and releasing no lease around it', async () => {
    const { repo, engine } = await setup('{ hold: 1h, every: 1s, checks: [probe] }');
    await engine.applyOne('byok');
    const before = await stateCommits(repo);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await engine.applyOne('byok')).result).toMatchObject({ outcome: 'sampled', status: 'holding' });
    expect((await stateCommits(repo)) - before).toBe(1);
    const state = (await repo.state('byok'))!;
    expect(state.gate!.samples).toHaveLength(2);
    expect(state.lease).toBeNull();
    expect((await repo.ledger('byok')).filter((e) => e.kind === 'sample')).toHaveLength(2);
  });
});
