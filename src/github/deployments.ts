// Deployments: environment `rollout/<name>`, one deployment per applied phase, with its statuses.
import type { Octokit } from './client.js';
import type { RepoRef } from './types.js';

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'inactive';

export function environmentOf(rollout: string): string {
  return `rollout/${rollout}`;
}

export async function createPhaseDeployment(
  octokit: Octokit,
  repo: RepoRef,
  rollout: string,
  phase: string,
  ref: string,
  logUrl?: string,
): Promise<number | null> {
  const { data, status } = await octokit.rest.repos.createDeployment({
    ...repo,
    ref,
    environment: environmentOf(rollout),
    task: `rollout:${phase}`,
    description: `${rollout}: phase ${phase}`,
    auto_merge: false,
    required_contexts: [],
    payload: { rollout, phase },
    transient_environment: false,
    production_environment: false,
  });
  if (status !== 201 || !('id' in data)) return null;
  await setDeploymentState(octokit, repo, data.id, 'in_progress', `applying ${phase}`, logUrl);
  return data.id;
}

/** The latest deployment of the rollout's environment, if any. */
export async function latestDeployment(octokit: Octokit, repo: RepoRef, rollout: string): Promise<number | null> {
  const { data } = await octokit.rest.repos.listDeployments({
    ...repo,
    environment: environmentOf(rollout),
    per_page: 1,
  });
  return data[0]?.id ?? null;
}

export async function setDeploymentState(
  octokit: Octokit,
  repo: RepoRef,
  id: number,
  state: DeploymentState,
  description: string,
  logUrl?: string,
): Promise<void> {
  await octokit.rest.repos.createDeploymentStatus({
    ...repo,
    deployment_id: id,
    state,
    description: description.slice(0, 140),
    ...(logUrl ? { log_url: logUrl } : {}),
  });
}
