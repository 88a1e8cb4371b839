// GitHub Actions: workflow and repository dispatches (checked against the workflow files in git) and workflow runs.
import type { components } from '@octokit/openapi-types';
import { parse as parseYaml } from 'yaml';
import { nodeId, repoApiUrl, repoHtmlUrl, repositoryJson, userJson } from './json-common.js';
import {
  bodyObject,
  DOCS_URL,
  notFound,
  optionalString,
  paginate,
  requireRepo,
  validationFailed,
  type Reply,
  type RouteContext,
  type RouteTable,
} from './route-kit.js';
import type { EmulatorState, RepoRecord, RunConclusion, RunStatus, WorkflowRunRecord } from './state.js';

type Schemas = components['schemas'];

const DISPATCH_DOCS = `${DOCS_URL}/actions/workflows#create-a-workflow-dispatch-event`;

export interface NewWorkflowRun {
  /** Workflow file name under .github/workflows (default `rollouts.yml`). */
  workflow?: string;
  headSha: string;
  headBranch?: string | null;
  event?: string;
  status?: RunStatus;
  conclusion?: RunConclusion;
  name?: string;
}

export function workflowId(repo: RepoRecord, state: EmulatorState, path: string): number {
  let id = repo.workflows.get(path);
  if (id === undefined) {
    id = state.nextId();
    repo.workflows.set(path, id);
  }
  return id;
}

export function createRun(state: EmulatorState, repo: RepoRecord, spec: NewWorkflowRun): WorkflowRunRecord {
  const workflowPath = `.github/workflows/${spec.workflow ?? 'rollouts.yml'}`;
  const now = state.now();
  const run: WorkflowRunRecord = {
    id: state.nextId(),
    runNumber: repo.runs.size + 1,
    workflowId: workflowId(repo, state, workflowPath),
    workflowPath,
    name: spec.name ?? workflowPath,
    event: spec.event ?? 'push',
    status: spec.status ?? 'queued',
    conclusion: spec.conclusion ?? null,
    headSha: spec.headSha,
    headBranch: spec.headBranch ?? null,
    actor: state.actor,
    createdAt: now,
    updatedAt: now,
  };
  repo.runs.set(run.id, run);
  return run;
}

async function workflowRunJson(
  run: WorkflowRunRecord,
  repo: RepoRecord,
  state: EmulatorState,
): Promise<Schemas['workflow-run']> {
  const api = repoApiUrl(state.urls, repo);
  const self = `${api}/actions/runs/${run.id}`;
  const repository: Schemas['minimal-repository'] = {
    ...repositoryJson(repo, state.urls, run.updatedAt),
    license: null,
  };
  const commit = await repo.git.commitInfo(run.headSha).catch(() => undefined);
  const checkSuiteId = run.id + 500_000;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WorkflowRun', run.id),
    check_suite_id: checkSuiteId,
    check_suite_node_id: nodeId('CheckSuite', checkSuiteId),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.workflowPath,
    run_number: run.runNumber,
    run_attempt: 1,
    referenced_workflows: [],
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url: self,
    html_url: `${repoHtmlUrl(state.urls, repo)}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: userJson(run.actor, state.urls),
    triggering_actor: userJson(run.actor, state.urls),
    run_started_at: run.createdAt,
    jobs_url: `${self}/jobs`,
    logs_url: `${self}/logs`,
    check_suite_url: `${api}/check-suites/${checkSuiteId}`,
    artifacts_url: `${self}/artifacts`,
    cancel_url: `${self}/cancel`,
    rerun_url: `${self}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${api}/actions/workflows/${run.workflowId}`,
    head_commit: commit
      ? {
          id: commit.sha,
          tree_id: commit.tree,
          message: commit.message,
          timestamp: new Date(commit.committer.date).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          author: { name: commit.author.name, email: commit.author.email },
          committer: { name: commit.committer.name, email: commit.committer.email },
        }
      : null,
    repository,
    head_repository: repository,
    head_repository_id: repo.id,
    display_title: commit?.message.split('\n')[0] ?? run.name,
  };
}

function workflowPath(repo: RepoRecord, workflow: string): string | undefined {
  if (/^\d+$/.test(workflow)) return [...repo.workflows.entries()].find(([, id]) => String(id) === workflow)?.[0];
  return `.github/workflows/${workflow}`;
}

async function resolveDispatchRef(repo: RepoRecord, ref: string): Promise<string | undefined> {
  if (ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/')) return repo.git.resolveCommit(ref);
  return (await repo.git.branchSha(ref)) ?? repo.git.resolveCommit(`refs/tags/${ref}`);
}

interface DispatchTrigger {
  inputs: Record<string, { required?: boolean }>;
}

function dispatchTrigger(yamlText: string): DispatchTrigger | undefined {
  const doc = parseYaml(yamlText) as { on?: unknown } | null;
  const on = doc?.on;
  if (on === 'workflow_dispatch' || (Array.isArray(on) && on.includes('workflow_dispatch'))) return { inputs: {} };
  if (typeof on !== 'object' || on === null || !('workflow_dispatch' in on)) return undefined;
  const trigger = (on as Record<string, unknown>).workflow_dispatch as { inputs?: DispatchTrigger['inputs'] } | null;
  return { inputs: trigger?.inputs ?? {} };
}

async function dispatch(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const input = bodyObject(ctx);
  const workflow = ctx.params.workflow_id ?? '';
  const path = workflowPath(repo, workflow);
  if (!path) throw notFound();
  const ref = optionalString(input, 'ref') ?? '';
  const sha = await resolveDispatchRef(repo, ref);
  if (!sha) throw validationFailed([], `No ref found for: ${ref}`, DISPATCH_DOCS);
  const text = await repo.git.readFile(sha, path);
  if (text === undefined) throw notFound();
  const trigger = dispatchTrigger(text);
  if (!trigger) throw validationFailed([], "Workflow does not have 'workflow_dispatch' trigger", DISPATCH_DOCS);
  const inputs = (input.inputs ?? {}) as Record<string, unknown>;
  const unexpected = Object.keys(inputs).filter((name) => !(name in trigger.inputs));
  if (unexpected.length > 0)
    throw validationFailed([], `Unexpected inputs provided: ${JSON.stringify(unexpected)}`, DISPATCH_DOCS);
  const missing = Object.entries(trigger.inputs).find(([name, spec]) => spec?.required === true && !(name in inputs));
  if (missing) throw validationFailed([], `Required input '${missing[0]}' not provided`, DISPATCH_DOCS);
  const run = createRun(ctx.state, repo, {
    workflow: path.slice('.github/workflows/'.length),
    headSha: sha,
    event: 'workflow_dispatch',
    headBranch: ref.replace(/^refs\/(heads|tags)\//, ''),
  });
  ctx.state.dispatches.push({
    owner: repo.owner.login,
    repo: repo.name,
    workflowId: workflow,
    workflowPath: path,
    ref,
    sha,
    inputs,
    runId: run.id,
  });
  if (input.return_run_details !== true) return { status: 204 };
  const api = repoApiUrl(ctx.state.urls, repo);
  return {
    status: 200,
    body: {
      workflow_run_id: run.id,
      run_url: `${api}/actions/runs/${run.id}`,
      html_url: `${repoHtmlUrl(ctx.state.urls, repo)}/actions/runs/${run.id}`,
    },
  };
}

const REPOSITORY_DISPATCH_DOCS = `${DOCS_URL}/repos/repos#create-a-repository-dispatch-event`;
/** GitHub: "The total size of the JSON payload must be less than 64KB." */
const MAX_CLIENT_PAYLOAD_BYTES = 64 * 1024;

/** Whether a workflow's `on:` runs it for a repository_dispatch of `eventType` (no `types:` means every type). */
function onRepositoryDispatch(yamlText: string, eventType: string): boolean {
  const on = (parseYaml(yamlText) as { on?: unknown } | null)?.on;
  if (on === 'repository_dispatch' || (Array.isArray(on) && on.includes('repository_dispatch'))) return true;
  if (typeof on !== 'object' || on === null || !('repository_dispatch' in on)) return false;
  const types = ((on as Record<string, unknown>).repository_dispatch as { types?: unknown } | null)?.types;
  return !Array.isArray(types) || types.includes(eventType);
}

// The request body's shape (event_type 1..100 characters, client_payload an object of at most 10 keys) has been
// judged by the description already; the size limit is in its prose only.
async function repositoryDispatch(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const input = bodyObject(ctx);
  const eventType = optionalString(input, 'event_type') ?? '';
  const clientPayload = (input.client_payload ?? {}) as Record<string, unknown>;
  if (Buffer.byteLength(JSON.stringify(clientPayload)) >= MAX_CLIENT_PAYLOAD_BYTES)
    throw validationFailed(
      [],
      'client_payload is too large: the JSON payload must be less than 64KB',
      REPOSITORY_DISPATCH_DOCS,
    );
  const sha = await repo.git.branchSha(repo.defaultBranch);
  if (!sha) throw validationFailed([], `No ref found for: ${repo.defaultBranch}`, REPOSITORY_DISPATCH_DOCS);
  const runIds: number[] = [];
  for (const path of await repo.git.listFiles(sha, '.github/workflows')) {
    if (!/\.ya?ml$/.test(path)) continue;
    const text = await repo.git.readFile(sha, path);
    if (text === undefined || !onRepositoryDispatch(text, eventType)) continue;
    const run = createRun(ctx.state, repo, {
      workflow: path.slice('.github/workflows/'.length),
      headSha: sha,
      event: 'repository_dispatch',
      headBranch: repo.defaultBranch,
    });
    runIds.push(run.id);
  }
  ctx.state.repositoryDispatches.push({
    owner: repo.owner.login,
    repo: repo.name,
    eventType,
    clientPayload,
    sha,
    runIds,
  });
  return { status: 204 };
}

async function listWorkflowRuns(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const path = workflowPath(repo, ctx.params.workflow_id ?? '');
  const { query } = ctx;
  const runs = [...repo.runs.values()]
    .filter(
      (run) =>
        run.workflowPath === path &&
        (!query.get('branch') || run.headBranch === query.get('branch')) &&
        (!query.get('event') || run.event === query.get('event')) &&
        (!query.get('head_sha') || run.headSha === query.get('head_sha')) &&
        (!query.get('status') || run.status === query.get('status') || run.conclusion === query.get('status')),
    )
    .sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(ctx, runs);
  const workflowRuns = await Promise.all(page.map((run) => workflowRunJson(run, repo, ctx.state)));
  return { status: 200, body: { total_count: runs.length, workflow_runs: workflowRuns }, headers };
}

export const actionRoutes: RouteTable = {
  'POST /repos/{owner}/{repo}/dispatches': repositoryDispatch,
  'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches': dispatch,
  'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs': listWorkflowRuns,
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}': async (ctx) => {
    const repo = requireRepo(ctx);
    const run = repo.runs.get(Number(ctx.params.run_id));
    if (!run) throw notFound();
    return { status: 200, body: await workflowRunJson(run, repo, ctx.state) };
  },
};
