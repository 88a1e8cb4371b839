// upsertPullRequest against the GitHub emulator (every request checked against GitHub's OpenAPI description), which
// records every call: a second run with the same title and body writes nothing, a changed body is one PATCH, and
// labels are added only when missing.
import { describe, expect, it } from 'vitest';
import { upsertPullRequest, type PullSpec } from '../../src/github/pulls.js';
import { createOctokit } from '../../src/github/client.js';
import { MANIFEST, OWNER, pushBranch, TOKEN, useEmulator } from '../github-emulator/fixture.js';

const fx = useEmulator();

describe('upsertPullRequest', () => {
  const setup = async () => {
    const { repo, clone } = await fx.setupRepo();
    await pushBranch(clone, 'rollouts/promote-byok-full', {
      'rollouts/byok.yaml': MANIFEST.replace('phase: none', 'phase: full'),
    });
    const octokit = createOctokit({ token: TOKEN, baseUrl: fx.emulator.url });
    const spec: PullSpec = {
      branch: 'rollouts/promote-byok-full',
      base: 'main',
      title: 'rollouts: promote byok to full',
      body: 'The gate of `byok` phase `canary` held healthy.\n\n| at | check |\n|---|---|',
      labels: ['rollouts:promotion'],
    };
    return { repo, octokit, spec, ref: { owner: OWNER, repo } };
  };
  // Calls since `from` (the log is kept whole, so the contract check after each test sees every call).
  const since = (from: number) => fx.emulator.calls.slice(from).map((c) => `${c.method} ${c.route}`);
  const mark = () => fx.emulator.calls.length;

  it('opens the PR with its label, then finds it by its branch and writes nothing when nothing changed', async () => {
    const { octokit, spec, ref } = await setup();
    let from = mark();
    const first = await upsertPullRequest(octokit, ref, spec);
    expect(first).toMatchObject({ created: true, updated: false });
    expect(since(from)).toEqual([
      'GET /repos/{owner}/{repo}/pulls',
      'POST /repos/{owner}/{repo}/pulls',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
    ]);

    from = mark();
    const second = await upsertPullRequest(octokit, ref, spec);
    expect(second).toEqual({ number: first.number, url: first.url, created: false, updated: false });
    expect(since(from)).toEqual(['GET /repos/{owner}/{repo}/pulls']);
    const pr = await fx.emulator.getPull(OWNER, ref.repo, first.number);
    expect(pr.labels.map((l) => l.name)).toEqual(['rollouts:promotion']);
  });

  it('edits a changed body in one PATCH and does not label again', async () => {
    const { octokit, spec, ref } = await setup();
    const first = await upsertPullRequest(octokit, ref, spec);
    const from = mark();
    const body = `${spec.body}\n| 2026-11-23T10:00:00Z | probe |`;
    expect(await upsertPullRequest(octokit, ref, { ...spec, body })).toMatchObject({ created: false, updated: true });
    expect(since(from)).toEqual(['GET /repos/{owner}/{repo}/pulls', 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}']);
    expect(await fx.emulator.getPull(OWNER, ref.repo, first.number)).toMatchObject({ body, title: spec.title });
  });

  it('adds only the missing label to a PR a person opened from the branch, leaving title and body alone', async () => {
    const { octokit, spec, ref } = await setup();
    const { data } = await fx.octokit.rest.pulls.create({
      ...ref,
      head: spec.branch,
      base: 'main',
      title: spec.title,
      body: spec.body,
    });
    await fx.octokit.rest.issues.addLabels({ ...ref, issue_number: data.number, labels: ['needs-review'] });
    const from = mark();
    const r = await upsertPullRequest(octokit, ref, { ...spec, labels: ['needs-review', 'rollouts:promotion'] });
    expect(r).toMatchObject({ number: data.number, created: false, updated: false });
    expect(since(from)).toEqual([
      'GET /repos/{owner}/{repo}/pulls',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
    ]);
    const pr = await fx.emulator.getPull(OWNER, ref.repo, data.number);
    expect(pr.labels.map((l) => l.name).sort()).toEqual(['needs-review', 'rollouts:promotion']);
  });
});
