// The built action in a shallow checkout (actions/checkout's default, fetch-depth: 1; here `git clone --depth 1` of
// the emulator's real bare repository): the commit that entered a phase is found by deepening the history, and a
// revert PR's diff is exactly the manifest's `phase:` change. Without that, `git log -G ^phase:` returns the clone's
// only commit, whose "revert" deletes every file. A phase commit that changed more than the manifest is not reverted:
// the PR sets `phase:` instead, and says so.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitStateStore } from '../../src/state/index.js';
import { ActionHarness, describeRun, ensureActionBuilt } from '../helpers/action.js';
import { isolateGitConfig } from '../helpers/git-repo.js';

const execFileP = promisify(execFile);
const node = JSON.stringify(process.execPath);

/** A canary whose gate fails on its first sample (an exec check that exits 1), severity critical. */
const manifest = (name: string, phase: string) => `apiVersion: rollouts/v1
kind: Rollout
name: ${name}
phase: ${phase}
checks:
  probe:
    exec: { run: [${node}, -e, "process.exit(1)"] }
    severity: critical
phases:
  - name: canary
    steps:
      - name: mark
        run: [${node}, -e, "console.log('{}')"]
    gate: { hold: 1h, every: 1s, checks: [probe] }
`;

describe('the action in a shallow checkout', () => {
  let h: ActionHarness;
  const entered: Record<string, string> = {};
  const git = async (...args: string[]) => (await execFileP('git', args, { cwd: h.remote })).stdout;

  beforeAll(async () => {
    await isolateGitConfig();
    await ensureActionBuilt();
    h = await ActionHarness.start({
      files: {
        'rollouts/clean.yaml': manifest('clean', 'none'),
        'rollouts/mixed.yaml': manifest('mixed', 'none'),
        'README.md': 'app\n',
        'src/app.txt': 'the application\n',
      },
      inputs: { 'auto-rollback': 'none' },
      shallow: true,
    });
  }, 60_000);
  afterEach(() => h.assertContractAndClear());
  afterAll(() => h?.close());

  it('records the commits that entered canary, though each is deep below the checkout', async () => {
    const before = await h.mainSha();
    for (let i = 0; i < 3; i++) await h.dev.commit(`work ${i}`, { 'src/app.txt': `version ${i}\n` });
    entered.clean = await h.dev.commit('clean: canary', { 'rollouts/clean.yaml': manifest('clean', 'canary') });
    entered.mixed = await h.dev.commit('mixed: canary, and a README line', {
      'rollouts/mixed.yaml': manifest('mixed', 'canary'),
      'README.md': 'app\n\nNow in canary.\n',
    });
    for (let i = 0; i < 3; i++) await h.dev.commit(`later ${i}`, { 'src/app.txt': `later ${i}\n` });
    await h.dev.push('main');

    const r = await h.pushJob(before);
    expect(r.code, describeRun(r)).not.toBeNull();
    const store = new GitStateStore({ repo: h.remote });
    expect((await store.readState('clean')).state?.enteredBy).toBe(entered.clean);
    expect((await store.readState('mixed')).state?.enteredBy).toBe(entered.mixed);
  }, 120_000);

  it('opens revert PRs whose diff is exactly the manifest phase change, refusing the revert of a wider commit', async () => {
    for (let i = 0; i < 3 && (await h.emulator.listPulls(h.owner, h.repo)).length < 2; i++) await h.scheduleJob();
    const pulls = await h.emulator.listPulls(h.owner, h.repo);
    const byName = (name: string) => pulls.find((p) => p.head.ref.startsWith(`rollouts/revert-${name}-`));
    const clean = byName('clean');
    const mixed = byName('mixed');
    expect(clean?.head.ref).toBe(`rollouts/revert-clean-${entered.clean!.slice(0, 7)}`);
    expect(mixed?.head.ref).toBe(`rollouts/revert-mixed-${entered.mixed!.slice(0, 7)}`);

    for (const [name, pr] of [
      ['clean', clean!],
      ['mixed', mixed!],
    ] as const) {
      const files = (await git('diff', '--name-only', `${pr.base.sha}...${pr.head.sha}`)).trim().split('\n');
      expect(files, name).toEqual([`rollouts/${name}.yaml`]);
      const diff = await git('diff', '--unified=0', `${pr.base.sha}...${pr.head.sha}`);
      const changed = diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l));
      expect(changed, name).toEqual(['-phase: canary', '+phase: none']);
    }
    // The clean one is a revert of its commit; the wider one is refused as a revert and says why.
    const message = async (sha: string) => (await git('log', '-1', '--format=%B', sha)).trim();
    expect(await message(clean!.head.sha)).toContain(`This reverts commit ${entered.clean}.`);
    expect(await message(mixed!.head.sha)).toContain(`reverting ${entered.mixed} it would change 1 file besides`);
    expect(mixed!.body).toContain(`it does not revert ${entered.mixed}: it would change 1 file besides`);
    expect(mixed!.body).toContain('README.md');
  }, 240_000);
});
