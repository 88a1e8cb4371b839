// Desired state is the commit: `apply` acts on the manifests at HEAD, warns about uncommitted edits and names them,
// and records as `enteredBy` the commit whose manifest asked for the phase.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { git, TempRepo } from '../helpers/git-repo.js';
import { output, runCli } from '../helpers/cli.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

async function setup() {
  const target = await TestTarget.start(dirs, { orgs: 10 });
  targets.push(target);
  const repo = await TempRepo.create(dirs, { byok: byokManifest({ canaryGate: null, fullGate: null }) });
  return { target, repo, env: { TARGET_URL: target.url } };
}

async function editPhase(repo: TempRepo, phase: string): Promise<void> {
  const file = repo.manifestPath('byok');
  await writeFile(file, (await readFile(file, 'utf8')).replace(/^phase: .*$/m, `phase: ${phase}`));
}

describe('apply reads the desired phase from HEAD', () => {
  it('ignores an uncommitted phase change, naming the file, and applies it once committed', async () => {
    const { target, repo, env } = await setup();
    await editPhase(repo, 'canary');
    await writeFile(repo.path('rollouts', 'draft.yaml'), 'not: committed\n');

    const dirty = await runCli(repo.dir, ['apply'], env);
    expect(dirty.code, output(dirty)).toBe(0);
    expect(dirty.stderr).toMatch(/warning: uncommitted changes .*: rollouts\/byok\.yaml, rollouts\/draft\.yaml/);
    expect(dirty.stdout).toMatch(/^byok: unchanged — applied none, status none, desired none$/m);
    expect(dirty.stdout).not.toContain('draft');
    expect((await target.org('org_0001')).contract).toBe('openrouter_v1');

    await git(repo.dir, 'clean', '-fq', 'rollouts');
    const asked = await repo.commit('byok: phase canary');
    const applied = await runCli(repo.dir, ['apply'], env);
    expect(applied.code, output(applied)).toBe(0);
    expect(applied.stderr).not.toContain('warning');
    expect(applied.stdout).toMatch(/^byok: applied — applied canary, status healthy, desired canary$/m);
    expect(await repo.state('byok')).toMatchObject({ applied: 'canary', enteredBy: asked });
  });

  it('acts on HEAD while the working tree asks for another phase, and enteredBy names the commit at HEAD', async () => {
    const { repo, env } = await setup();
    const asked = await repo.setPhase('byok', 'canary');
    await repo.commit('unrelated commit after the phase change');
    await editPhase(repo, 'full');

    const r = await runCli(repo.dir, ['apply', '--json'], env);
    expect(r.code, output(r)).toBe(0);
    expect(r.stderr).toContain('rollouts/byok.yaml');
    expect(JSON.parse(r.stdout).rollouts[0]).toMatchObject({ name: 'byok', applied: 'canary', desired: 'canary' });
    expect(await repo.state('byok')).toMatchObject({ applied: 'canary', enteredBy: asked });
  });

  it('a repository without a commit has no desired state yet: it says the manifests are uncommitted', async () => {
    const dir = await dirs.make('nocommit');
    await git(dir, 'init', '-q', '-b', 'main');
    await git(dir, 'config', 'user.name', 'Dev');
    await mkdir(`${dir}/rollouts`);
    await writeFile(`${dir}/rollouts/byok.yaml`, byokManifest({ phase: 'canary' }));
    const r = await runCli(dir, ['apply', 'byok'], { TARGET_URL: 'http://127.0.0.1:9' });
    expect(r.code, output(r)).toBe(2);
    expect(r.stderr).toContain('rollouts/byok.yaml');
    expect(r.stderr).toMatch(/no rollout named byok \(no manifests found\)/);
  });
});
