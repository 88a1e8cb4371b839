// A pull request from a fork, through the built action: it is planned, but no step runs, even with audit-on-pr, and
// the step's secret environment (the manifest's env, here the target's URL) is never read: the target sees no
// request and the value appears nowhere the job writes. A same-repository PR with the same change is the control:
// its audit does reach the target, so the request counter would have seen a fork's.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionHarness, describeRun, ensureActionBuilt, ROOT } from '../helpers/action.js';
import { isolateGitConfig, TempDirs } from '../helpers/git-repo.js';
import { TestTarget } from '../helpers/target.js';

const NAME = 'byok-demo';
const FILE = `rollouts/${NAME}.yaml`;
const MARKER = `<!-- gitops-rollouts:plan:${NAME} -->`;

/** Requests the target answered, other than scrapes of /metrics (which this count itself makes). */
async function requestsServed(target: TestTarget): Promise<number> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^target_requests_total\{([^}]*)\} (\S+)$/gm))
    if (!m[1]!.includes('route="/metrics"')) n += Number(m[2]);
  return n;
}

describe('a pull request from a fork', () => {
  const dirs = new TempDirs();
  let h: ActionHarness;
  let target: TestTarget;
  let demo: string;

  beforeAll(async () => {
    await isolateGitConfig();
    await ensureActionBuilt();
    demo = await readFile(join(ROOT, 'examples/demo/byok-demo.yaml'), 'utf8');
    target = await TestTarget.start(dirs, { orgs: 20 });
    h = await ActionHarness.start({
      files: {
        [FILE]: demo,
        '.github/workflows/rollouts.yml': await readFile(join(ROOT, 'examples/workflows/rollouts.yml'), 'utf8'),
      },
      stepEnv: { TARGET_URL: target.url },
      inputs: { 'audit-on-pr': 'true' },
    });
  });

  afterEach(() => h.assertContractAndClear());

  afterAll(async () => {
    await h?.close();
    await target?.close();
    await dirs.cleanup();
  });

  it.each([
    { from: 'a fork', repoFullName: 'mallory/app' as string | null },
    { from: 'a deleted fork (head.repo is null)', repoFullName: null },
  ])(
    'from $from is planned with no step run and without reading the secret env, even with audit-on-pr',
    async ({ repoFullName }) => {
      const canary = demo.replace(/^phase: none$/m, 'phase: canary');
      // GitHub keeps a fork's head as refs/pull/N/head of the base repository; the emulator holds it as a branch.
      const branch = `mallory-canary-${repoFullName ? 'fork' : 'deleted'}`;
      const head = await h.commitOnBranch(branch, { [FILE]: canary }, 'speed things up');
      const pr = await h.openPull(branch, 'Canary, quickly', 'Please merge.');
      const requests = await requestsServed(target);
      const snapshot = target.snapshot();

      const r = await h.pullJob('opened', {
        number: pr.number,
        title: 'Canary, quickly',
        body: 'Please merge.',
        author: 'mallory',
        head: { ref: 'canary', sha: head, repoFullName },
        base: { ref: 'main', sha: pr.baseSha },
      });
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.json<{ rollouts: { name: string; desired: unknown }[] }>('plan').rollouts).toEqual([
        expect.objectContaining({ name: NAME, desired: { before: 'none', after: 'canary' } }),
      ]);

      expect(await requestsServed(target)).toBe(requests);
      expect(target.snapshot()).toBe(snapshot);
      const comment = h.emulator.getComments(h.owner, h.repo, pr.number).find((c) => c.body?.includes(MARKER))!;
      expect(comment.body).toContain('Read-only audit not run: pull requests from forks run no steps.');
      expect(comment.body).not.toContain('**Read-only audit**');
      for (const where of [r.everything(), comment.body!]) expect(where).not.toContain(target.url);
      expect(r.masks).not.toContain(target.url);
    },
  );

  it('runs the same audit for a PR from a branch of the repository (the control): the target sees its requests', async () => {
    const canary = demo.replace(/^phase: none$/m, 'phase: canary');
    const head = await h.commitOnBranch('byok-canary', { [FILE]: canary }, `${NAME}: canary`);
    const pr = await h.openPull('byok-canary', 'Canary', 'Runbook 000.');
    const requests = await requestsServed(target);
    const snapshot = target.snapshot();

    const r = await h.pullJob('opened', {
      number: pr.number,
      title: 'Canary',
      body: 'Runbook 000.',
      head: { ref: 'byok-canary', sha: head },
      base: { ref: 'main', sha: pr.baseSha },
    });
    expect(r.code, describeRun(r)).toBe(0);
    // audit and dry-run are the canary's read-only steps: two requests, no write.
    expect(await requestsServed(target)).toBe(requests + 2);
    expect(target.snapshot()).toBe(snapshot);
    const comment = h.emulator.getComments(h.owner, h.repo, pr.number).find((c) => c.body?.includes(MARKER))!;
    expect(comment.body).toMatch(/\| `audit` \| ok \|/);
    expect(comment.body).toMatch(/\| `dry-run` \| ok \|/);
    expect(comment.body).toMatch(/\| `write-pass` \| skipped \|/);
    // The audit read the step's env, so the job masks it in the log.
    expect(r.masks).toContain(target.url);
  });
});
