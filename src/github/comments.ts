// One sticky comment per rollout on a PR: found by a hidden marker across every page of comments, edited in place.
import type { Octokit } from './client.js';
import type { RepoRef } from './types.js';

export function planMarker(rollout: string): string {
  return `<!-- gitops-rollouts:plan:${rollout} -->`;
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
  const mine = comments.find((c) => c.body?.includes(marker));
  if (mine) {
    if (mine.body !== text) await octokit.rest.issues.updateComment({ ...repo, comment_id: mine.id, body: text });
    return { id: mine.id, created: false };
  }
  const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: text });
  return { id: data.id, created: true };
}
