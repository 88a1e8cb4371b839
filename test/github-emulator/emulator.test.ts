import { getOctokit } from '@actions/github';
import { describe, expect, it } from 'vitest';
import { expectStatus, MANIFEST, OWNER, pushBranch, TOKEN, useEmulator } from './fixture.js';

const fx = useEmulator();

describe('repositories and pull requests', () => {
  it('serves the repository with its default branch and GitHub rate-limit headers', async () => {
    const { repo } = await fx.setupRepo();
    const response = await fx.octokit.rest.repos.get({ owner: OWNER, repo });
    expect(response.data.full_name).toBe(`${OWNER}/${repo}`);
    expect(response.data.default_branch).toBe('main');
    expect(response.headers['x-ratelimit-limit']).toBe('5000');
    expect(Number(response.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
    expect(response.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
  });

  it('opens a pull request for a pushed branch with its real head, diff and mergeability', async () => {
    const { repo, clone, base } = await fx.setupRepo();
    const head = await pushBranch(clone, 'phase-canary', {
      'rollouts/byok.yaml': MANIFEST.replace('phase: none', 'phase: canary'),
    });
    const created = await fx.octokit.rest.pulls.create({
      owner: OWNER,
      repo,
      head: 'phase-canary',
      base: 'main',
      title: 'Canary',
      body: 'go',
    });
    expect(created.status).toBe(201);
    const pr = (await fx.octokit.rest.pulls.get({ owner: OWNER, repo, pull_number: created.data.number })).data;
    expect(pr).toMatchObject({
      state: 'open',
      merged: false,
      mergeable: true,
      commits: 1,
      changed_files: 1,
      additions: 1,
      deletions: 1,
    });
    expect(pr.head).toMatchObject({ ref: 'phase-canary', sha: head });
    expect(pr.base).toMatchObject({ ref: 'main', sha: base });

    const files = (await fx.octokit.rest.pulls.listFiles({ owner: OWNER, repo, pull_number: pr.number })).data;
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      filename: 'rollouts/byok.yaml',
      status: 'modified',
      additions: 1,
      deletions: 1,
      changes: 2,
    });
    expect(files[0]?.patch).toContain('-phase: none\n+phase: canary');
  });

  it('rejects a second pull request for the same head, and a missing head branch, with 422 validation errors', async () => {
    const { repo, clone } = await fx.setupRepo();
    await pushBranch(clone, 'feature', { 'a.txt': 'a\n' });
    await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'feature', base: 'main', title: 'one' });
    const duplicate = await expectStatus(
      fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: `${OWNER}:feature`, base: 'main', title: 'two' }),
      422,
    );
    expect(duplicate.response?.data).toMatchObject({
      message: 'Validation Failed',
      errors: [
        { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${OWNER}:feature.` },
      ],
    });
    const missing = await expectStatus(
      fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'no-such-branch', base: 'main', title: 'x' }),
      422,
    );
    expect(missing.response?.data).toMatchObject({
      errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
    });
  });

  it('lists pull requests filtered by state, owner:branch head and base', async () => {
    const { repo, clone } = await fx.setupRepo();
    await pushBranch(clone, 'one', { 'one.txt': '1\n' });
    await pushBranch(clone, 'two', { 'two.txt': '2\n' });
    const first = await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'one', base: 'main', title: 'one' });
    await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'two', base: 'main', title: 'two' });
    await fx.octokit.rest.pulls.update({ owner: OWNER, repo, pull_number: first.data.number, state: 'closed' });

    const open = await fx.octokit.rest.pulls.list({ owner: OWNER, repo });
    expect(open.data.map((p) => p.title)).toEqual(['two']);
    const byHead = await fx.octokit.rest.pulls.list({
      owner: OWNER,
      repo,
      state: 'all',
      head: `${OWNER}:one`,
      base: 'main',
    });
    expect(byHead.data.map((p) => [p.title, p.state])).toEqual([['one', 'closed']]);
    const all = await fx.octokit.rest.pulls.list({ owner: OWNER, repo, state: 'all', per_page: 1 });
    expect(all.data).toHaveLength(1);
    expect(all.headers.link).toContain('rel="next"');
  });
  it('creates, reads, fast-forwards and deletes branches through the git refs API', async () => {
    const { repo, clone, base } = await fx.setupRepo();
    const created = await fx.octokit.rest.git.createRef({
      owner: OWNER,
      repo,
      ref: 'refs/heads/rollouts/state',
      sha: base,
    });
    expect(created.status).toBe(201);
    expect(created.data.object.sha).toBe(base);
    const next = await pushBranch(clone, 'ahead', { 'x.txt': 'x\n' });
    await fx.octokit.rest.git.updateRef({ owner: OWNER, repo, ref: 'heads/rollouts/state', sha: next });
    expect(
      (await fx.octokit.rest.git.getRef({ owner: OWNER, repo, ref: 'heads/rollouts/state' })).data.object.sha,
    ).toBe(next);
    const behind = await expectStatus(
      fx.octokit.rest.git.updateRef({ owner: OWNER, repo, ref: 'heads/rollouts/state', sha: base }),
      422,
    );
    expect(behind.response?.data).toMatchObject({ message: 'Update is not a fast forward' });
    await expectStatus(
      fx.octokit.rest.git.createRef({ owner: OWNER, repo, ref: 'refs/heads/rollouts/state', sha: base }),
      422,
    );
    await fx.octokit.rest.git.deleteRef({ owner: OWNER, repo, ref: 'heads/rollouts/state' });
    await expectStatus(fx.octokit.rest.git.getRef({ owner: OWNER, repo, ref: 'heads/rollouts/state' }), 404);
  });
});

describe('comments and labels', () => {
  it('paginates 35 comments by 10 with GitHub Link headers, edits one in place and deletes it', async () => {
    const { repo, clone } = await fx.setupRepo();
    await pushBranch(clone, 'feature', { 'a.txt': 'a\n' });
    const pr = (await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'feature', base: 'main', title: 'PR' }))
      .data;
    for (let i = 1; i <= 35; i += 1) {
      await fx.octokit.rest.issues.createComment({ owner: OWNER, repo, issue_number: pr.number, body: `comment ${i}` });
    }
    const firstPage = await fx.octokit.rest.issues.listComments({
      owner: OWNER,
      repo,
      issue_number: pr.number,
      per_page: 10,
    });
    expect(firstPage.data).toHaveLength(10);
    expect(firstPage.headers.link).toMatch(/<[^>]*[?&]page=2[^>]*>; rel="next", <[^>]*[?&]page=4[^>]*>; rel="last"/);
    const lastPage = await fx.octokit.rest.issues.listComments({
      owner: OWNER,
      repo,
      issue_number: pr.number,
      per_page: 10,
      page: 4,
    });
    expect(lastPage.data.map((c) => c.body)).toEqual([
      'comment 31',
      'comment 32',
      'comment 33',
      'comment 34',
      'comment 35',
    ]);
    expect(lastPage.headers.link).toContain('rel="prev"');
    expect(lastPage.headers.link).not.toContain('rel="next"');

    const all = await fx.octokit.paginate(fx.octokit.rest.issues.listComments, {
      owner: OWNER,
      repo,
      issue_number: pr.number,
      per_page: 10,
    });
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 35 }, (_, i) => `comment ${i + 1}`));

    const target = all[20]!;
    const edited = await fx.octokit.rest.issues.updateComment({
      owner: OWNER,
      repo,
      comment_id: target.id,
      body: 'edited <!-- marker -->',
    });
    expect(edited.data.body).toBe('edited <!-- marker -->');
    expect(fx.emulator.getComments(OWNER, repo, pr.number)[20]?.body).toBe('edited <!-- marker -->');
    await fx.octokit.rest.issues.deleteComment({ owner: OWNER, repo, comment_id: target.id });
    await expectStatus(fx.octokit.rest.issues.getComment({ owner: OWNER, repo, comment_id: target.id }), 404);
    expect(fx.emulator.getComments(OWNER, repo, pr.number)).toHaveLength(34);
  });

  it('adds labels to a pull request, creating missing ones, serves them and removes one', async () => {
    const { repo, clone } = await fx.setupRepo();
    await pushBranch(clone, 'feature', { 'a.txt': 'a\n' });
    const pr = (await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'feature', base: 'main', title: 'PR' }))
      .data;
    await fx.octokit.rest.issues.createLabel({
      owner: OWNER,
      repo,
      name: 'rollouts:rollback',
      color: 'b60205',
      description: 'revert',
    });
    const added = await fx.octokit.rest.issues.addLabels({
      owner: OWNER,
      repo,
      issue_number: pr.number,
      labels: ['rollouts:rollback', 'rollouts:promotion'],
    });
    expect(added.data.map((l) => l.name)).toEqual(['rollouts:rollback', 'rollouts:promotion']);
    expect((await fx.octokit.rest.issues.getLabel({ owner: OWNER, repo, name: 'rollouts:promotion' })).data.color).toBe(
      'ededed',
    );
    const pull = await fx.octokit.rest.pulls.get({ owner: OWNER, repo, pull_number: pr.number });
    expect(pull.data.labels.map((l) => l.name)).toEqual(['rollouts:rollback', 'rollouts:promotion']);
    expect(fx.emulator.getLabels(OWNER, repo, pr.number)).toEqual(['rollouts:rollback', 'rollouts:promotion']);
    const left = await fx.octokit.rest.issues.removeLabel({
      owner: OWNER,
      repo,
      issue_number: pr.number,
      name: 'rollouts:rollback',
    });
    expect(left.data.map((l) => l.name)).toEqual(['rollouts:promotion']);
  });
});

describe('the OpenAPI contract', () => {
  it('flags a request body the description rejects (POST /pulls without head) and answers 422', async () => {
    const { repo } = await fx.setupRepo();
    await expectStatus(
      fx.octokit.request('POST /repos/{owner}/{repo}/pulls', {
        owner: OWNER,
        repo,
        base: 'main',
        title: 'no head',
      } as never),
      422,
    );
    expect(fx.emulator.violations).toEqual([
      expect.objectContaining({
        kind: 'request',
        method: 'POST',
        route: '/repos/{owner}/{repo}/pulls',
        message: expect.stringContaining("required property 'head'"),
      }),
    ]);
    expect(() => fx.emulator.assertNoViolations()).toThrow(/required property 'head'/);
    fx.emulator.clearLog();
  });

  it('flags a response the description rejects, injected through a test hook', async () => {
    const { repo, clone } = await fx.setupRepo();
    await pushBranch(clone, 'feature', { 'a.txt': 'a\n' });
    const pr = (await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'feature', base: 'main', title: 'PR' }))
      .data;
    const remove = fx.emulator.intercept(async (request, next) => {
      if (request.route !== '/repos/{owner}/{repo}/pulls/{pull_number}') return undefined;
      const reply = await next();
      const { number: _dropped, ...rest } = reply.body as Record<string, unknown>;
      return { ...reply, body: { ...rest, state: 'merged' } };
    });
    await fx.octokit.rest.pulls.get({ owner: OWNER, repo, pull_number: pr.number });
    remove();
    const messages = fx.emulator.violations.map((v) => `${v.kind} ${v.status} ${v.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^response 200 .*required property 'number'/),
        expect.stringMatching(/^response 200 .*\/state must be equal to one of the allowed values/),
      ]),
    );
    fx.emulator.clearLog();
  });

  it('flags an undeclared response status', async () => {
    const { repo } = await fx.setupRepo();
    const remove = fx.emulator.intercept(() => ({ status: 418, body: { message: 'teapot' } }));
    await expectStatus(fx.octokit.rest.repos.get({ owner: OWNER, repo }), 418);
    remove();
    expect(fx.emulator.violations).toEqual([
      expect.objectContaining({ kind: 'response', status: 418, message: expect.stringContaining('not declared') }),
    ]);
    fx.emulator.clearLog();
  });

  it('rejects an undocumented route (404), an undocumented query parameter (422) and a documented route it does not emulate (404), recording each', async () => {
    const { repo } = await fx.setupRepo();
    await expectStatus(fx.octokit.request('GET /repos/{owner}/{repo}/not-an-endpoint', { owner: OWNER, repo }), 404);
    await expectStatus(
      fx.octokit.request('GET /repos/{owner}/{repo}/pulls', { owner: OWNER, repo, colour: 'blue' }),
      422,
    );
    await expectStatus(fx.octokit.rest.repos.listReleases({ owner: OWNER, repo }), 404);
    expect(fx.emulator.violations.map((v) => [v.kind, v.message])).toEqual([
      ['route', expect.stringContaining('/not-an-endpoint is not an operation')],
      ['request', 'query parameter colour is not documented'],
      ['not-emulated', expect.stringContaining('repos/list-releases')],
    ]);
    fx.emulator.clearLog();
  });

  it('requires the configured token and answers 401 otherwise', async () => {
    const { repo } = await fx.setupRepo();
    const stranger = getOctokit('ghs_wrong', { baseUrl: fx.emulator.url });
    const error = await expectStatus(stranger.rest.repos.get({ owner: OWNER, repo }), 401);
    expect(error.response?.data).toMatchObject({ message: 'Bad credentials' });
    expect(fx.emulator.violations.map((v) => v.kind)).toEqual(['auth']);
    fx.emulator.clearLog();
    const bearer = await fetch(`${fx.emulator.url}/repos/${OWNER}/${repo}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);
  });

  it('records every call with its method, route template and status', async () => {
    const { repo } = await fx.setupRepo();
    await fx.octokit.rest.repos.get({ owner: OWNER, repo });
    await expectStatus(fx.octokit.rest.pulls.get({ owner: OWNER, repo, pull_number: 99 }), 404);
    expect(fx.emulator.calls.map(({ method, route, status }) => ({ method, route, status }))).toEqual([
      { method: 'GET', route: '/repos/{owner}/{repo}', status: 200 },
      { method: 'GET', route: '/repos/{owner}/{repo}/pulls/{pull_number}', status: 404 },
    ]);
  });
});
