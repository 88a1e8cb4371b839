// state.json lives on a branch anyone with push access can edit: the engine reads it as input. A file it cannot trust
// stops that rollout with an error naming the branch, the file, the field and the repair (exit 1), before any step
// runs: no write is sent again, the file is left as it is, and the other rollouts of the same pass go on.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, TempRepo } from '../helpers/git-repo.js';
import { output, runCli, type CliResult } from '../helpers/cli.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

/** A rollout that writes nothing to the target: it shows the rest of the pass went on. */
const BYSTANDER = `apiVersion: rollouts/v1
kind: Rollout
name: bystander
phase: none
phases:
  - name: one
    steps:
      - name: hello
        run: [node, -e, "process.stdout.write('{}')"]
`;

/** byok's canary applied and healthy (no gate), the bystander waiting to be applied in the next pass. */
async function appliedCanary() {
  const target = await TestTarget.start(dirs, { orgs: 20 });
  targets.push(target);
  const repo = await TempRepo.create(dirs, { byok: byokManifest({ canaryGate: null }), bystander: BYSTANDER });
  const env = { TARGET_URL: target.url };
  await repo.setPhase('byok', 'canary');
  const first = await runCli(repo.dir, ['apply', 'byok'], env);
  expect(first.code, output(first)).toBe(0);
  expect(await repo.state('byok')).toMatchObject({ applied: 'canary', status: 'healthy' });
  await repo.setPhase('bystander', 'one');
  return { target, repo, env };
}

/** Edits `<name>/state.json` on the state branch as a person with push access would: a work tree, a commit. */
async function editStateFile(repo: TempRepo, name: string, edit: (text: string) => string): Promise<string> {
  const wt = await dirs.make('state-wt');
  await git(repo.dir, 'worktree', 'add', '-q', wt, 'rollouts-state');
  const file = join(wt, name, 'state.json');
  await writeFile(file, edit(await readFile(file, 'utf8')));
  await git(wt, 'commit', '-q', '-am', `hand edit of ${name}`);
  await git(repo.dir, 'worktree', 'remove', '--force', wt);
  return stateBlob(repo, name);
}

const stateBlob = async (repo: TempRepo, name: string) =>
  (await git(repo.dir, 'rev-parse', `rollouts-state:${name}/state.json`)).trim();

const editJson = (change: (s: Record<string, unknown>) => void) => (text: string) => {
  const s = JSON.parse(text) as Record<string, unknown>;
  change(s);
  return `${JSON.stringify(s, null, 2)}\n`;
};

/** The pass failed for byok alone, said why and how to repair, wrote nothing for it, and applied the bystander. */
async function expectStopped(
  r: CliResult,
  ctx: { repo: TempRepo; target: TestTarget; snapshot: string; blob: string },
  field: string | null,
  problem: RegExp,
) {
  const text = output(r);
  expect(r.code, text).toBe(1);
  expect(text).not.toMatch(/internal error|\n\s+at /);
  expect(text).toContain('byok/state.json on branch rollouts-state');
  if (field) expect(text).toContain(`field \`${field}\``);
  expect(text).toMatch(problem);
  expect(text).toContain('Nothing runs for byok until it is repaired');
  expect(text).toContain('git show rollouts-state:byok/state.json');
  expect(ctx.target.snapshot()).toBe(ctx.snapshot);
  expect(await stateBlob(ctx.repo, 'byok')).toBe(ctx.blob);
  expect(await ctx.repo.state('bystander')).toMatchObject({ applied: 'one', status: 'complete' });
}

describe('an untrusted state.json stops its rollout, and only it', () => {
  it('stops on a state.json that is not JSON', async () => {
    const { target, repo, env } = await appliedCanary();
    const blob = await editStateFile(repo, 'byok', (t) => t.replace('"applied"', '"applied" "oops"'));
    const snapshot = target.snapshot();
    const r = await runCli(repo.dir, ['apply'], env);
    await expectStopped(r, { repo, target, snapshot, blob }, null, /is not valid JSON/);
  });

  it('stops on a state.json of the wrong shape, naming the field', async () => {
    const { target, repo, env } = await appliedCanary();
    const blob = await editStateFile(
      repo,
      'byok',
      editJson((s) => (s.status = 'done')),
    );
    const snapshot = target.snapshot();
    const r = await runCli(repo.dir, ['apply'], env);
    await expectStopped(r, { repo, target, snapshot, blob }, 'status', /found "done"/);
    const status = await runCli(repo.dir, ['status'], env);
    expect(status.code, output(status)).toBe(1);
    expect(status.stderr).toContain('field `status`');
  });

  it('does not re-run the writes of a phase when `applied` names a phase the manifest does not have', async () => {
    const { target, repo, env } = await appliedCanary();
    const blob = await editStateFile(
      repo,
      'byok',
      editJson((s) => (s.applied = 'canry')),
    );
    const snapshot = target.snapshot();
    const r = await runCli(repo.dir, ['apply'], env);
    await expectStopped(r, { repo, target, snapshot, blob }, 'applied', /"canry" is not a phase of the manifest/);
    expect(output(r)).toContain('its phases: none, canary, full');
  });

  it('does not re-run the writes of the applied phase after it was renamed in the manifest', async () => {
    const { target, repo, env } = await appliedCanary();
    const renamed = byokManifest({ canaryGate: null, phase: 'pilot' }).replace('- name: canary', '- name: pilot');
    await repo.write('byok', renamed);
    await repo.commit('rename canary to pilot');
    const blob = await stateBlob(repo, 'byok');
    const snapshot = target.snapshot();
    const r = await runCli(repo.dir, ['apply'], env);
    await expectStopped(r, { repo, target, snapshot, blob }, 'applied', /renamed or removed/);
    expect(output(r)).toContain('give the phase its old name again in the manifest');
  });

  it('stops with an error, instead of leaving the rollout locked for ever, on a lease whose expiresAt is no date', async () => {
    const { target, repo, env } = await appliedCanary();
    await repo.setPhase('byok', 'full');
    const blob = await editStateFile(
      repo,
      'byok',
      editJson((s) => {
        s.lease = {
          holder: { host: 'elsewhere', pid: 4242, startedAt: '2026-01-01T00:00:00.000Z' },
          expiresAt: 'soon',
        };
      }),
    );
    const snapshot = target.snapshot();
    const r = await runCli(repo.dir, ['apply'], env);
    await expectStopped(r, { repo, target, snapshot, blob }, 'lease.expiresAt', /expected an ISO time/);
  });
});
