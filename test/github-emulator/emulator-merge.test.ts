import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { expectStatus, MANIFEST, OWNER, pushBranch, useEmulator } from './fixture.js';

const fx = useEmulator();
const execFileAsync = promisify(execFile);

async function bareGit(repo: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', ['--git-dir', fx.emulator.remoteUrl(OWNER, repo), ...args]);
  return stdout.trim();
}

const CANARY = MANIFEST.replace('phase: none', 'phase: canary');

describe('merging pull requests in the bare repository', () => {
  it('merges with a real merge commit whose parents are the base and the head, and records it on the pull request', async () => {
    const { repo, clone, base } = await fx.setupRepo();
    const head = await pushBranch(clone, 'phase-canary', { 'rollouts/byok.yaml': CANARY });
    const pr = (
      await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'phase-canary', base: 'main', title: 'Canary' })
    ).data;
    const merged = await fx.octokit.rest.pulls.merge({
      owner: OWNER,
      repo,
      pull_number: pr.number,
      merge_method: 'merge',
      sha: head,
    });
    expect(merged.data).toMatchObject({ merged: true, message: 'Pull Request successfully merged' });

    const sha = merged.data.sha;
    expect(await bareGit(repo, 'rev-parse', 'refs/heads/main')).toBe(sha);
    expect((await bareGit(repo, 'log', '-1', '--format=%P', sha)).split(' ')).toEqual([base, head]);
    expect(await bareGit(repo, 'show', `${sha}:rollouts/byok.yaml`)).toBe(CANARY.trim());
    expect(await bareGit(repo, 'log', '-1', '--format=%s', sha)).toBe(
      `Merge pull request #${pr.number} from ${OWNER}/phase-canary`,
    );

    const after = (await fx.octokit.rest.pulls.get({ owner: OWNER, repo, pull_number: pr.number })).data;
    expect(after).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: sha,
      mergeable: null,
      changed_files: 1,
    });
    expect(after.head.sha).toBe(head);
    expect(after.base.sha).toBe(base);
    expect((await fx.emulator.getPull(OWNER, repo, pr.number)).merge_commit_sha).toBe(sha);

    const commit = (await fx.octokit.rest.repos.getCommit({ owner: OWNER, repo, ref: sha })).data;
    expect(commit.parents.map((p) => p.sha)).toEqual([base, head]);
    expect(commit.files?.map((f) => f.filename)).toEqual(['rollouts/byok.yaml']);
    const byBranch = (await fx.octokit.rest.repos.getCommit({ owner: OWNER, repo, ref: 'heads/main' })).data;
    expect(byBranch.sha).toBe(sha);
    for (const ref of [sha, head]) {
      const pulls = (
        await fx.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: OWNER, repo, commit_sha: ref })
      ).data;
      expect(pulls.map((p) => p.number)).toEqual([pr.number]);
    }
  });

  it('squash-merges into one commit on the base with the pull request title', async () => {
    const { repo, clone, base } = await fx.setupRepo();
    await pushBranch(clone, 'feature', { 'a.txt': 'a\n' });
    await clone.commit('second', { 'b.txt': 'b\n' });
    await clone.push('feature');
    const pr = (
      await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'feature', base: 'main', title: 'Two files' })
    ).data;
    const { sha } = (
      await fx.octokit.rest.pulls.merge({ owner: OWNER, repo, pull_number: pr.number, merge_method: 'squash' })
    ).data;
    expect(await bareGit(repo, 'log', '-1', '--format=%P%n%s', sha)).toBe(`${base}\nTwo files (#${pr.number})`);
    expect(await bareGit(repo, 'ls-tree', '--name-only', 'main')).toContain('b.txt');
  });

  it('merges a revert of a merged change, restoring the base content', async () => {
    const { repo, clone } = await fx.setupRepo();
    await pushBranch(clone, 'phase-canary', { 'rollouts/byok.yaml': CANARY });
    const forward = (
      await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'phase-canary', base: 'main', title: 'Canary' })
    ).data;
    const { sha: mergeSha } = (await fx.octokit.rest.pulls.merge({ owner: OWNER, repo, pull_number: forward.number }))
      .data;

    await clone.branchFrom(`rollouts/revert-byok-${mergeSha.slice(0, 7)}`, 'main');
    await clone.git('revert', '--no-edit', '-m', '1', mergeSha);
    await clone.push(`rollouts/revert-byok-${mergeSha.slice(0, 7)}`);
    const revert = (
      await fx.octokit.rest.pulls.create({
        owner: OWNER,
        repo,
        head: `rollouts/revert-byok-${mergeSha.slice(0, 7)}`,
        base: 'main',
        title: 'Revert canary',
      })
    ).data;
    const files = (await fx.octokit.rest.pulls.listFiles({ owner: OWNER, repo, pull_number: revert.number })).data;
    expect(files[0]?.patch).toContain('-phase: canary\n+phase: none');
    const { sha } = (await fx.octokit.rest.pulls.merge({ owner: OWNER, repo, pull_number: revert.number })).data;
    expect(await bareGit(repo, 'show', `${sha}:rollouts/byok.yaml`)).toBe(MANIFEST.trim());
    expect(await bareGit(repo, 'rev-parse', 'main')).toBe(sha);
  });

  it('reports a conflicting pull request as not mergeable and answers its merge with 405', async () => {
    const { repo, clone } = await fx.setupRepo();
    await pushBranch(clone, 'ours', { 'rollouts/byok.yaml': CANARY });
    await pushBranch(clone, 'theirs', { 'rollouts/byok.yaml': MANIFEST.replace('phase: none', 'phase: full') });
    const ours = (await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'ours', base: 'main', title: 'ours' }))
      .data;
    const theirs = (
      await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'theirs', base: 'main', title: 'theirs' })
    ).data;
    await fx.octokit.rest.pulls.merge({ owner: OWNER, repo, pull_number: ours.number });
    const mainBefore = await bareGit(repo, 'rev-parse', 'main');

    const conflicted = (await fx.octokit.rest.pulls.get({ owner: OWNER, repo, pull_number: theirs.number })).data;
    expect(conflicted).toMatchObject({ mergeable: false, mergeable_state: 'dirty' });
    const error = await expectStatus(
      fx.octokit.rest.pulls.merge({ owner: OWNER, repo, pull_number: theirs.number }),
      405,
    );
    expect(error.response?.data).toMatchObject({ message: 'Pull Request is not mergeable' });
    expect(await bareGit(repo, 'rev-parse', 'main')).toBe(mainBefore);
  });

  it('refuses to merge when the head moved (409) or the pull request is closed (405)', async () => {
    const { repo, clone, base } = await fx.setupRepo();
    await pushBranch(clone, 'feature', { 'a.txt': 'a\n' });
    const pr = (await fx.octokit.rest.pulls.create({ owner: OWNER, repo, head: 'feature', base: 'main', title: 'PR' }))
      .data;
    await expectStatus(fx.octokit.rest.pulls.merge({ owner: OWNER, repo, pull_number: pr.number, sha: base }), 409);
    await fx.octokit.rest.pulls.update({ owner: OWNER, repo, pull_number: pr.number, state: 'closed' });
    await expectStatus(fx.octokit.rest.pulls.merge({ owner: OWNER, repo, pull_number: pr.number }), 405);
    expect(await bareGit(repo, 'rev-parse', 'main')).toBe(base);
  });
});
