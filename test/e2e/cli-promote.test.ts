// `rollouts promote` through the real CLI process: the manifest's `phase:` set to the next phase and committed (what
// the promotion PR does), only once the gate passed, or with --skip-hold as an override recorded with actor and reason.
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { git, TempRepo } from '../helpers/git-repo.js';
import { output, runCli } from '../helpers/cli.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

async function setup(manifest: string) {
  const target = await TestTarget.start(dirs, { orgs: 20 });
  targets.push(target);
  const repo = await TempRepo.create(dirs, { byok: manifest });
  await git(repo.dir, 'config', 'user.name', 'Dana Ops');
  await git(repo.dir, 'config', 'user.email', 'dana@example.com');
  return { target, repo, env: { TARGET_URL: target.url } };
}

const phaseLine = async (repo: TempRepo) => /^phase: .*$/m.exec(await readFile(repo.manifestPath('byok'), 'utf8'))?.[0];

describe('rollouts promote', () => {
  it('commits the next phase from none and after a healthy gate; refuses at the last phase', async () => {
    const { repo, env } = await setup(byokManifest({ canaryGate: null, fullGate: null }));
    const first = await runCli(repo.dir, ['promote', 'byok'], env);
    expect(first.code, output(first)).toBe(0);
    const head = await repo.head();
    expect(first.stdout.trim()).toBe(
      `byok: phase: canary committed in ${head.slice(0, 12)} (rollouts/byok.yaml); \`rollouts apply\` applies it`,
    );
    expect(await phaseLine(repo)).toBe('phase: canary');
    expect((await git(repo.dir, 'log', '-1', '--format=%an <%ae>|%s')).trim()).toBe(
      'Dana Ops <dana@example.com>|byok: promote to canary',
    );
    expect((await git(repo.dir, 'show', '--name-only', '--format=', 'HEAD')).trim()).toBe('rollouts/byok.yaml');

    const early = await runCli(repo.dir, ['promote', 'byok'], env);
    expect(early.code, output(early)).toBe(1);
    expect(early.stderr.trim()).toBe('rollouts: byok asks for canary, applied is none: run `rollouts apply` first');

    expect((await runCli(repo.dir, ['apply'], env)).code).toBe(0);
    const toFull = await runCli(repo.dir, ['promote', 'byok'], env);
    expect(toFull.code, output(toFull)).toBe(0);
    expect(await phaseLine(repo)).toBe('phase: full');
    const applied = await runCli(repo.dir, ['apply'], env);
    expect(applied.stdout, output(applied)).toMatch(/^byok: complete — applied full, status complete/m);
    expect((await repo.state('byok'))?.enteredBy).toBe(await repo.head());

    const last = await runCli(repo.dir, ['promote', 'byok'], env);
    expect(last.code).toBe(1);
    expect(last.stderr.trim()).toBe('rollouts: byok is at its last phase, full: nothing to promote to');
  });

  it('skips an open hold only with a reason, recorded as an override with the actor; the next apply moves on', async () => {
    const { repo, env } = await setup(byokManifest({ canaryGate: '{ hold: 1h, every: 1s, checks: [probe] }' }));
    await repo.setPhase('byok', 'canary');
    expect((await runCli(repo.dir, ['apply'], env)).code).toBe(0);

    const waiting = await runCli(repo.dir, ['promote', 'byok'], env);
    expect(waiting.code, output(waiting)).toBe(1);
    expect(waiting.stderr).toMatch(/the gate of canary holds until \S+: wait, or pass --skip-hold --reason TEXT/);
    const noReason = await runCli(repo.dir, ['promote', 'byok', '--skip-hold'], env);
    expect(noReason.code, output(noReason)).toBe(2);
    expect(noReason.stderr.trim()).toBe(
      'rollouts promote: --skip-hold needs --reason TEXT: say why — see `rollouts promote --help`',
    );

    const skipped = await runCli(
      repo.dir,
      ['promote', 'byok', '--skip-hold', '--reason', 'INC-42: the fix must ship'],
      env,
    );
    expect(skipped.code, output(skipped)).toBe(0);
    expect(await phaseLine(repo)).toBe('phase: full');
    expect(await git(repo.dir, 'log', '-1', '--format=%B')).toContain(
      'Hold of canary skipped by Dana Ops <dana@example.com>: INC-42: the fix must ship',
    );
    const override = (await repo.ledger('byok')).find((e) => e.kind === 'override');
    expect(override).toMatchObject({
      actor: 'Dana Ops <dana@example.com>',
      phase: 'canary',
      result: { skipHold: true, reason: 'INC-42: the fix must ship', from: 'holding', status: 'healthy' },
    });
    expect(await repo.state('byok')).toMatchObject({ applied: 'canary', status: 'healthy' });

    const moved = await runCli(repo.dir, ['apply'], env);
    expect(moved.stdout, output(moved)).toMatch(/^byok: \w+ — applied full/m);
  });

  it('refuses a manifest with uncommitted edits, and a skip with no open gate, writing nothing', async () => {
    const { repo, env } = await setup(byokManifest({ canaryGate: null }));
    const file = repo.manifestPath('byok');
    await writeFile(file, `${await readFile(file, 'utf8')}# a draft\n`);
    const dirty = await runCli(repo.dir, ['promote', 'byok'], env);
    expect(dirty.code, output(dirty)).toBe(1);
    expect(dirty.stderr).toContain('rollouts: rollouts/byok.yaml has uncommitted changes: commit or stash them first');
    await git(repo.dir, 'checkout', '--', 'rollouts/byok.yaml');
    const before = await repo.head();
    const noGate = await runCli(repo.dir, ['promote', 'byok', '--skip-hold', '--reason', 'x'], env);
    expect(noGate.code, output(noGate)).toBe(1);
    expect(noGate.stderr.trim()).toBe('rollouts: byok has no open gate at none to skip (applied none, status none)');
    expect(await repo.head()).toBe(before);
    expect(await repo.stateBranchExists()).toBe(false);
    const unknown = await runCli(repo.dir, ['promote', 'nosuch'], env);
    expect(unknown.code).toBe(2);
  });
});
