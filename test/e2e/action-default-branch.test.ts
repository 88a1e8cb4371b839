// The built action on a repository whose default branch is `master`, through the schedule path: a `schedule` payload
// has no `repository`, so the run asks GitHub for the default branch (GET /repos/{owner}/{repo}, once) and opens the
// revert PR of a failed gate against master; when the API cannot say, origin's HEAD does.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionHarness, describeRun, ensureActionBuilt } from '../helpers/action.js';
import { isolateGitConfig } from '../helpers/git-repo.js';

const execFileP = promisify(execFile);
const node = JSON.stringify(process.execPath);

/** A canary whose gate passes while the variable `fail` is unset and fails once it is 1 (severity critical). */
const manifest = (name: string, phase: string, fail: string) => `apiVersion: rollouts/v1
kind: Rollout
name: ${name}
phase: ${phase}
env: [${fail}]
checks:
  probe:
    exec: { run: [${node}, -e, "process.exit(process.env.${fail} === '1' ? 1 : 0)"] }
    severity: critical
phases:
  - name: canary
    steps:
      - name: mark
        run: [${node}, -e, "console.log('{}')"]
    gate: { hold: 1h, every: 1s, checks: [probe] }
`;

describe('a repository whose default branch is master, on schedule', () => {
  let h: ActionHarness;
  const entered: Record<string, string> = {};
  const git = async (...args: string[]) => (await execFileP('git', args, { cwd: h.remote })).stdout.trim();
  const revertOf = async (name: string) =>
    (await h.emulator.listPulls(h.owner, h.repo)).find((p) => p.head.ref.startsWith(`rollouts/revert-${name}-`));

  beforeAll(async () => {
    await isolateGitConfig();
    await ensureActionBuilt();
    h = await ActionHarness.start({
      defaultBranch: 'master',
      files: {
        'rollouts/api.yaml': manifest('api', 'none', 'FAIL_API'),
        'rollouts/head.yaml': manifest('head', 'none', 'FAIL_HEAD'),
      },
      inputs: { 'auto-rollback': 'none' },
    });
  }, 60_000);
  afterEach(() => h.assertContractAndClear());
  afterAll(() => h?.close());

  it('applies both canaries on the push to master; their gates hold', async () => {
    expect(await git('symbolic-ref', 'HEAD')).toBe('refs/heads/master');
    const before = await h.mainSha();
    entered.api = await h.dev.commit('api: canary', { 'rollouts/api.yaml': manifest('api', 'canary', 'FAIL_API') });
    entered.head = await h.dev.commit('head: canary', {
      'rollouts/head.yaml': manifest('head', 'canary', 'FAIL_HEAD'),
    });
    await h.dev.push('master');
    const r = await h.pushJob(before);
    expect(r.code, describeRun(r)).toBe(0);
    expect(await h.emulator.listPulls(h.owner, h.repo)).toEqual([]);
  }, 120_000);

  it('asks the API once for the default branch and opens the revert PR against master', async () => {
    // Only `api` fails in this run; `head` is left holding for the next test.
    const r = await h.scheduleJob({ env: { FAIL_API: '1' } });
    expect(r.stdout).not.toContain("couldn't find remote ref");
    expect(r.apiCalls.filter((c) => c.method === 'GET' && c.route === '/repos/{owner}/{repo}')).toHaveLength(1);
    const pr = await revertOf('api');
    expect(pr, describeRun(r)).toBeDefined();
    expect(pr!.base.ref).toBe('master');
    expect(pr!.head.ref).toBe(`rollouts/revert-api-${entered.api!.slice(0, 7)}`);
    expect(await revertOf('head')).toBeUndefined();
    const files = await git('diff', '--name-only', `master...${pr!.head.sha}`);
    expect(files.split('\n')).toContain('rollouts/api.yaml');
  }, 120_000);

  it("takes origin's HEAD when the API cannot say, and opens that revert PR against master too", async () => {
    const remove = h.emulator.intercept((req) =>
      req.method === 'GET' && req.route === '/repos/{owner}/{repo}'
        ? { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } }
        : undefined,
    );
    try {
      // The last test's run sampled `head` too: its next sample is due a second (`every: 1s`) after that one, and a
      // run before then has nothing to do.
      await new Promise((r) => setTimeout(r, 1100));
      const r = await h.scheduleJob({ env: { FAIL_HEAD: '1' } });
      expect(r.stdout).not.toContain("couldn't find remote ref");
      const pr = await revertOf('head');
      expect(pr, describeRun(r)).toBeDefined();
      expect(pr!.base.ref).toBe('master');
      expect(pr!.head.ref).toBe(`rollouts/revert-head-${entered.head!.slice(0, 7)}`);
    } finally {
      remove();
    }
  }, 120_000);
});
