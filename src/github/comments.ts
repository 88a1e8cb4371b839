// One sticky comment per rollout on a PR: found by a hidden marker across every page of comments, edited in place;
// only a comment the action's own identity wrote is ours (anyone can paste the marker into a comment of theirs).
import type { Octokit } from './client.js';
import type { RepoRef } from './types.js';

export function planMarker(rollout: string): string {
  return `<!-- gitops-rollouts:plan:${rollout} -->`;
}

/** Who a workflow's GITHUB_TOKEN (an installation token) comments as: it cannot ask GET /user. */
const ACTIONS_BOT = 'github-actions[bot]';

const identities = new WeakMap<Octokit, Promise<string>>();

/**
 * The login the token comments as: GET /user for a user's token (a PAT), else (an installation token answers 403,
 * "Resource not accessible by integration") the bot of GitHub Actions. Asked once per client.
 */
function tokenLogin(octokit: Octokit): Promise<string> {
  let login = identities.get(octokit);
  if (!login) {
    login = octokit.rest.users.getAuthenticated().then(
      ({ data }) => data.login,
      (err: { status?: number }) => {
        if (err.status === 403 || err.status === 401) return ACTIONS_BOT;
        throw err;
      },
    );
    identities.set(octokit, login);
  }
  return login;
}

export async function upsertStickyComment(
  octokit: Octokit,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<{ id: number; created: boolean }> {
  const text = `${marker}\n${body}`;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const me = (await tokenLogin(octokit)).toLowerCase();
  const mine = comments.find((c) => c.user?.login.toLowerCase() === me && c.body?.includes(marker));
  if (mine) {
    if (mine.body !== text) await octokit.rest.issues.updateComment({ ...repo, comment_id: mine.id, body: text });
    return { id: mine.id, created: false };
  }
  const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: text });
  return { id: data.id, created: true };
}
