// Deployments and deployment statuses, including GitHub's auto_merge and auto_inactive behaviours.
import type { components } from '@octokit/openapi-types';
import { nodeId, repoApiUrl, repoHtmlUrl, userJson } from './json-common.js';
import {
  bodyObject,
  DOCS_URL,
  errorBody,
  HttpError,
  intParam,
  notFound,
  optionalString,
  paginate,
  requireRepo,
  validationFailed,
  type Reply,
  type RouteContext,
  type RouteTable,
} from './route-kit.js';
import {
  gitIdentity,
  githubCommitter,
  type DeploymentRecord,
  type DeploymentState,
  type DeploymentStatusRecord,
  type RepoRecord,
  type Urls,
} from './state.js';

type Schemas = components['schemas'];

export function deploymentJson(d: DeploymentRecord, repo: RepoRecord, urls: Urls): Schemas['deployment'] {
  const api = repoApiUrl(urls, repo);
  return {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId('Deployment', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    creator: userJson(d.creator, urls),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: d.transient,
    production_environment: d.production,
    performed_via_github_app: null,
  };
}

export function deploymentStatusJson(
  s: DeploymentStatusRecord,
  d: DeploymentRecord,
  repo: RepoRecord,
  urls: Urls,
): Schemas['deployment-status'] {
  const api = repoApiUrl(urls, repo);
  // GitHub sends "" for an unset target_url, which the description's `format: uri` rejects; point at the environment page.
  const targetUrl = s.targetUrl || `${repoHtmlUrl(urls, repo)}/deployments/${encodeURIComponent(s.environment)}`;
  return {
    url: `${api}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DeploymentStatus', s.id),
    state: s.state,
    creator: userJson(s.creator, urls),
    description: s.description,
    environment: s.environment,
    target_url: targetUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
    ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
    ...(s.logUrl ? { log_url: s.logUrl } : {}),
    performed_via_github_app: null,
  };
}

function requireDeployment(repo: RepoRecord, ctx: RouteContext): DeploymentRecord {
  const deployment = repo.deployments.get(intParam(ctx, 'deployment_id'));
  if (!deployment) throw notFound();
  return deployment;
}

/** GitHub's auto_merge: a branch behind the default branch gets the default branch merged in (202), or 409 on conflict. */
async function autoMerge(ctx: RouteContext, repo: RepoRecord, ref: string): Promise<Reply | undefined> {
  const branchSha = await repo.git.branchSha(ref);
  const defaultSha = await repo.git.branchSha(repo.defaultBranch);
  if (!branchSha || !defaultSha || ref === repo.defaultBranch || (await repo.git.isAncestor(defaultSha, branchSha)))
    return undefined;
  const merged = await repo.git.mergeTree(branchSha, defaultSha);
  if (!merged.clean) throw new HttpError(409, errorBody(409, `Conflict merging ${repo.defaultBranch} into ${ref}.`));
  const now = ctx.state.now();
  const message = `Auto-merged ${repo.defaultBranch} into ${ref} on deployment.`;
  const sha = await repo.git.commitTree(
    merged.tree,
    [branchSha, defaultSha],
    message,
    gitIdentity(ctx.state.actor, now),
    githubCommitter(now),
  );
  await repo.git.updateRef(`refs/heads/${ref}`, sha, branchSha);
  return { status: 202, body: { message } };
}

async function createDeployment(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const input = bodyObject(ctx);
  const ref = optionalString(input, 'ref') ?? '';
  const sha = await repo.git.resolveCommit(ref);
  if (!sha)
    throw validationFailed([], `No ref found for: ${ref}`, `${DOCS_URL}/deployments/deployments#create-a-deployment`);
  if (input.auto_merge !== false) {
    const merged = await autoMerge(ctx, repo, ref);
    if (merged) return merged;
  }
  const environment = optionalString(input, 'environment') ?? 'production';
  const now = ctx.state.now();
  const payload = input.payload;
  const deployment: DeploymentRecord = {
    id: ctx.state.nextId(),
    sha,
    ref,
    task: optionalString(input, 'task') ?? 'deploy',
    payload:
      typeof payload === 'string' || (typeof payload === 'object' && payload !== null)
        ? (payload as DeploymentRecord['payload'])
        : {},
    environment,
    originalEnvironment: environment,
    description: optionalString(input, 'description') ?? '',
    transient: input.transient_environment === true,
    production:
      typeof input.production_environment === 'boolean' ? input.production_environment : environment === 'production',
    creator: ctx.state.actor,
    createdAt: now,
    updatedAt: now,
    statuses: [],
  };
  repo.deployments.set(deployment.id, deployment);
  return { status: 201, body: deploymentJson(deployment, repo, ctx.state.urls) };
}

function listDeployments(ctx: RouteContext): Reply {
  const repo = requireRepo(ctx);
  const filters: Array<[string, (d: DeploymentRecord) => string]> = [
    ['sha', (d) => d.sha],
    ['ref', (d) => d.ref],
    ['task', (d) => d.task],
    ['environment', (d) => d.environment],
  ];
  const found = [...repo.deployments.values()]
    .filter((d) =>
      filters.every(([name, get]) => {
        const want = ctx.query.get(name);
        return want === null || get(d) === want;
      }),
    )
    .sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(ctx, found);
  return { status: 200, body: page.map((d) => deploymentJson(d, repo, ctx.state.urls)), headers };
}

function addStatus(
  ctx: RouteContext,
  d: DeploymentRecord,
  state: DeploymentState,
  fields: Partial<DeploymentStatusRecord> = {},
): DeploymentStatusRecord {
  const now = ctx.state.now();
  const status: DeploymentStatusRecord = {
    id: ctx.state.nextId(),
    state,
    description: '',
    environment: d.environment,
    targetUrl: '',
    logUrl: '',
    environmentUrl: '',
    creator: ctx.state.actor,
    createdAt: now,
    ...fields,
  };
  d.statuses.push(status);
  d.updatedAt = now;
  return status;
}

function createStatus(ctx: RouteContext): Reply {
  const repo = requireRepo(ctx);
  const deployment = requireDeployment(repo, ctx);
  const input = bodyObject(ctx);
  const state = (optionalString(input, 'state') ?? 'pending') as DeploymentState;
  const environment = optionalString(input, 'environment');
  if (environment) deployment.environment = environment;
  // Setting log_url sets target_url too (target_url is its legacy name).
  const logUrl = optionalString(input, 'log_url') || optionalString(input, 'target_url') || '';
  const status = addStatus(ctx, deployment, state, {
    description: optionalString(input, 'description') ?? '',
    targetUrl: logUrl,
    logUrl,
    environmentUrl: optionalString(input, 'environment_url') ?? '',
  });
  if (state === 'success' && input.auto_inactive !== false) {
    for (const other of repo.deployments.values()) {
      const latest = other.statuses[other.statuses.length - 1];
      if (
        other.id < deployment.id &&
        other.environment === deployment.environment &&
        !other.transient &&
        !other.production &&
        latest?.state === 'success'
      )
        addStatus(ctx, other, 'inactive');
    }
  }
  const body = deploymentStatusJson(status, deployment, repo, ctx.state.urls);
  return { status: 201, body, headers: { location: body.url } };
}

export const deploymentRoutes: RouteTable = {
  'POST /repos/{owner}/{repo}/deployments': createDeployment,
  'GET /repos/{owner}/{repo}/deployments': listDeployments,
  'GET /repos/{owner}/{repo}/deployments/{deployment_id}': (ctx) => {
    const repo = requireRepo(ctx);
    return { status: 200, body: deploymentJson(requireDeployment(repo, ctx), repo, ctx.state.urls) };
  },
  'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': createStatus,
  'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': (ctx) => {
    const repo = requireRepo(ctx);
    const deployment = requireDeployment(repo, ctx);
    const { page, headers } = paginate(ctx, [...deployment.statuses].reverse());
    return { status: 200, body: page.map((s) => deploymentStatusJson(s, deployment, repo, ctx.state.urls)), headers };
  },
};
