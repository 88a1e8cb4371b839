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
  /** An existing PR whose title or body this call changed. */
  updated: boolean;
}

/** The open PR from `branch` into `base`, found by its branch as release-please finds its own. */
async function findOpenPullRequest(octokit: Octokit, repo: RepoRef, branch: string, base: string) {
  const { data } = await octokit.rest.pulls.list({
    ...repo,
    state: 'open',
    head: `${repo.owner}:${branch}`,
    base,
    per_page: 10,
  });
  return data.find((p) => p.head.ref === branch);
}

const sameText = (a: string | null | undefined, b: string) =>
  (a ?? '').replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n');

/**
 * Opens the PR, or finds the open one from its branch and edits only what differs (as release-please's
 * maybeUpdateExistingPullRequest: an unchanged title and body are not written again), adding only missing labels.
 * A second run with the same content makes no write at all.
 */
export async function upsertPullRequest(octokit: Octokit, repo: RepoRef, spec: PullSpec): Promise<PullRef> {
  const existing = await findOpenPullRequest(octokit, repo, spec.branch, spec.base);
  if (!existing) {
    const { data } = await octokit.rest.pulls.create({
      ...repo,
      head: spec.branch,
      base: spec.base,
      title: spec.title,
      body: spec.body,
    });
    if (spec.labels.length)
      await octokit.rest.issues.addLabels({ ...repo, issue_number: data.number, labels: spec.labels });
    return { number: data.number, url: data.html_url, created: true, updated: false };
  }
  const updated = existing.title !== spec.title || !sameText(existing.body, spec.body);
  if (updated)
    await octokit.rest.pulls.update({ ...repo, pull_number: existing.number, title: spec.title, body: spec.body });
  const has = new Set(existing.labels.map((l) => l.name.toLowerCase()));
  const missing = spec.labels.filter((l) => !has.has(l.toLowerCase()));
  if (missing.length) await octokit.rest.issues.addLabels({ ...repo, issue_number: existing.number, labels: missing });
  return { number: existing.number, url: existing.html_url, created: false, updated };
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
