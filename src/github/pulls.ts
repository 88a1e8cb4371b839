// The promotion and revert PRs: found by their branch, updated rather than duplicated (as release-please does).
import type { Octokit } from './client.js';
import type { RepoRef } from './types.js';

export interface PullSpec {
  branch: string;
  base: string;
  title: string;
  body: string;
  labels: string[];
}

export interface PullRef {
  number: number;
  url: string;
  created: boolean;
}

export async function upsertPullRequest(octokit: Octokit, repo: RepoRef, spec: PullSpec): Promise<PullRef> {
  const { data: open } = await octokit.rest.pulls.list({
    ...repo,
    state: 'open',
    head: `${repo.owner}:${spec.branch}`,
    base: spec.base,
    per_page: 10,
  });
  let pr: PullRef;
  if (open[0]) {
    await octokit.rest.pulls.update({ ...repo, pull_number: open[0].number, title: spec.title, body: spec.body });
    pr = { number: open[0].number, url: open[0].html_url, created: false };
  } else {
    const { data } = await octokit.rest.pulls.create({
      ...repo,
      head: spec.branch,
      base: spec.base,
      title: spec.title,
      body: spec.body,
    });
    pr = { number: data.number, url: data.html_url, created: true };
  }
  if (spec.labels.length)
    await octokit.rest.issues.addLabels({ ...repo, issue_number: pr.number, labels: spec.labels });
  return pr;
}

export async function mergePullRequest(
  octokit: Octokit,
  repo: RepoRef,
  number: number,
  title: string,
): Promise<string> {
  const { data } = await octokit.rest.pulls.merge({
    ...repo,
    pull_number: number,
    merge_method: 'merge',
    commit_title: title,
  });
  return data.sha;
}

/** Pushes and merges made with GITHUB_TOKEN start no workflow: dispatch it (workflow_dispatch is exempt). */
export async function dispatchWorkflow(octokit: Octokit, repo: RepoRef, workflow: string, ref: string): Promise<void> {
  await octokit.rest.actions.createWorkflowDispatch({
    ...repo,
    workflow_id: workflow,
    ref,
    inputs: { command: 'reconcile' },
  });
}

export async function isWorkflowRunFinished(octokit: Octokit, repo: RepoRef, runId: string): Promise<boolean> {
  const id = Number(runId.split('/')[0]);
  if (!Number.isInteger(id)) return false;
  try {
    const { data } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: id });
    return data.status === 'completed';
  } catch {
    return false;
  }
}
