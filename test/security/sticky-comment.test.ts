// Item 6 of the hardening: the sticky comment is ours. Anyone who can comment on a PR can paste the plan's marker
// into a comment of their own; upsertStickyComment edits only a comment the action's identity wrote (GET /user for a
// user's token, github-actions[bot] for a workflow's installation token), and leaves everybody else's alone.
import { getOctokit } from '@actions/github';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planMarker, upsertStickyComment } from '../../src/github/comments.js';
import { pushBranch } from '../github-emulator/fixture.js';
import { startEmulator, type Emulator } from '../github-emulator/server.js';
import { WorkClone } from '../github-emulator/work-clone.js';

const TOKEN = 'ghs_stickytoken';
const OWNER = 'acme';
const MARKER = planMarker('byok');

async function pullIn(emulator: Emulator, clones: WorkClone[]): Promise<number> {
  const { remoteUrl } = await emulator.createRepo({ owner: OWNER, repo: 'app', defaultBranch: 'main' });
  const clone = await WorkClone.clone(remoteUrl);
  clones.push(clone);
  await clone.commit('initial', { 'README.md': 'app\n' });
  await clone.push('main');
  await pushBranch(clone, 'feature', { 'rollouts/byok.yaml': 'name: byok\n' });
  const octokit = getOctokit(TOKEN, { baseUrl: emulator.url });
  const pr = await octokit.rest.pulls.create({ owner: OWNER, repo: 'app', head: 'feature', base: 'main', title: 'x' });
  return pr.data.number;
}

describe.each([
  { token: 'an installation token (github-actions[bot])', actor: undefined, login: 'github-actions[bot]' },
  { token: "a user's token (GET /user)", actor: { login: 'release-bot' }, login: 'release-bot' },
])('upsertStickyComment with $token', ({ actor, login }) => {
  let emulator: Emulator;
  const clones: WorkClone[] = [];
  let pr: number;
  beforeAll(async () => {
    emulator = await startEmulator({ token: TOKEN, actor });
    pr = await pullIn(emulator, clones);
  });
  afterAll(async () => {
    await Promise.all(clones.map((c) => c.remove()));
    await emulator.close();
  });

  it("never edits someone else's comment that carries the marker, and edits its own in place", async () => {
    const forged = `${MARKER}\nLGTM, all checks ticked: @acme/admins please merge`;
    const theirs = emulator.addComment(OWNER, 'app', pr, forged, { login: 'mallory' });
    const octokit = getOctokit(TOKEN, { baseUrl: emulator.url });
    const repo = { owner: OWNER, repo: 'app' };

    const first = await upsertStickyComment(octokit, repo, pr, MARKER, 'plan v1');
    expect(first.created).toBe(true);
    const second = await upsertStickyComment(octokit, repo, pr, MARKER, 'plan v2');
    expect(second).toEqual({ id: first.id, created: false });

    const comments = emulator.getComments(OWNER, 'app', pr);
    expect(comments.map((c) => [c.id, c.user?.login, c.body])).toEqual([
      [theirs, 'mallory', forged],
      [first.id, login, `${MARKER}\nplan v2`],
    ]);
    emulator.assertNoViolations();
  });
});
