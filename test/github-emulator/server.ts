// The GitHub REST emulator: an HTTP server on 127.0.0.1 backed by real bare git repositories, every request and
// response judged by GitHub's OpenAPI description. Entry point: startEmulator().
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { components } from '@octokit/openapi-types';
import { createRun, type NewWorkflowRun } from './actions.js';
import { deploymentJson, deploymentStatusJson } from './deployments.js';
import { BareRepo } from './git.js';
import { issueCommentJson } from './json-common.js';
import { OpenApiDescription } from './openapi.js';
import { pullFacts, pullJson } from './pull-json.js';
import { RequestPipeline, type ApiCall, type Interceptor, type Violation } from './request-pipeline.js';
import {
  EmulatorState,
  isPull,
  type RepoRecord,
  type RepositoryDispatchRecord,
  type RunConclusion,
  type RunStatus,
  type UserRecord,
  type WorkflowDispatchRecord,
  type WorkflowRunRecord,
} from './state.js';

type Schemas = components['schemas'];

export type { ApiCall, Interceptor, InterceptedRequest, Violation, ViolationKind } from './request-pipeline.js';
export type { Reply } from './route-kit.js';
export type { NewWorkflowRun } from './actions.js';

export interface EmulatorOptions {
  /** The token clients must send (`authorization: token X` or `Bearer X`). */
  token: string;
  /** Who the token belongs to; defaults to `github-actions[bot]`, as for a workflow's GITHUB_TOKEN. */
  actor?: { login: string; type?: UserRecord['type'] };
  /** Base of html_url fields (GITHUB_SERVER_URL); default https://github.com. */
  serverUrl?: string;
  now?: () => Date;
}

export interface CreateRepoOptions {
  owner: string;
  repo: string;
  defaultBranch?: string;
  private?: boolean;
}

export interface DeploymentWithStatuses {
  deployment: Schemas['deployment'];
  /** Newest first, as the API lists them. */
  statuses: Array<Schemas['deployment-status']>;
}

export class Emulator {
  readonly calls: ApiCall[] = [];
  readonly violations: Violation[] = [];
  private readonly interceptors: Interceptor[] = [];

  constructor(
    readonly url: string,
    readonly token: string,
    readonly state: EmulatorState,
    private readonly workDir: string,
    private readonly stop: () => Promise<void>,
  ) {}

  get dispatches(): readonly WorkflowDispatchRecord[] {
    return this.state.dispatches;
  }

  /** Every accepted repository_dispatch, oldest first. */
  get repositoryDispatches(): readonly RepositoryDispatchRecord[] {
    return this.state.repositoryDispatches;
  }

  /** Logs shared with the request pipeline (same arrays). */
  pipelineLog(): { calls: ApiCall[]; violations: Violation[]; interceptors: Interceptor[] } {
    return { calls: this.calls, violations: this.violations, interceptors: this.interceptors };
  }

  /** A repository backed by a new bare git repository (empty: push its default branch before opening PRs). */
  async createRepo(options: CreateRepoOptions): Promise<{ remoteUrl: string }> {
    if (this.state.repo(options.owner, options.repo))
      throw new Error(`${options.owner}/${options.repo} exists already`);
    const dir = join(this.workDir, `${options.owner}__${options.repo}.git`);
    const record: RepoRecord = {
      id: this.state.nextId(),
      owner: this.state.user(options.owner),
      name: options.repo,
      defaultBranch: options.defaultBranch ?? 'main',
      private: options.private ?? false,
      git: await BareRepo.init(dir, options.defaultBranch ?? 'main'),
      createdAt: this.state.now(),
      nextNumber: 1,
      issues: new Map(),
      comments: new Map(),
      labels: new Map(),
      deployments: new Map(),
      runs: new Map(),
      workflows: new Map(),
    };
    this.state.repos.set(`${options.owner}/${options.repo}`.toLowerCase(), record);
    return { remoteUrl: dir };
  }

  /** Path of the bare repository, usable as a git remote. */
  remoteUrl(owner: string, repo: string): string {
    return this.requireRepo(owner, repo).git.dir;
  }

  requireRepo(owner: string, repo: string): RepoRecord {
    const record = this.state.repo(owner, repo);
    if (!record) throw new Error(`no emulated repository ${owner}/${repo}`);
    return record;
  }

  /** A pull request exactly as `GET /repos/{owner}/{repo}/pulls/{n}` returns it. */
  async getPull(owner: string, repo: string, number: number): Promise<Schemas['pull-request']> {
    const record = this.requireRepo(owner, repo);
    const pr = record.issues.get(number);
    if (!isPull(pr)) throw new Error(`no pull request #${number} in ${owner}/${repo}`);
    return pullJson(record, pr, await pullFacts(record, pr), this.state.urls);
  }

  async listPulls(owner: string, repo: string): Promise<Array<Schemas['pull-request']>> {
    const record = this.requireRepo(owner, repo);
    const numbers = [...record.issues.values()].filter(isPull).map((pr) => pr.number);
    return Promise.all(numbers.map((n) => this.getPull(owner, repo, n)));
  }

  getComments(owner: string, repo: string, issueNumber: number): Array<Schemas['issue-comment']> {
    const record = this.requireRepo(owner, repo);
    return [...record.comments.values()]
      .filter((c) => c.issueNumber === issueNumber)
      .sort((a, b) => a.id - b.id)
      .map((c) => issueCommentJson(c, record, this.state.urls));
  }

  /** A comment written by someone else than the token's actor (a person, another bot), as a test sets it up. */
  addComment(
    owner: string,
    repo: string,
    issueNumber: number,
    body: string,
    author: { login: string; type?: UserRecord['type'] },
  ): number {
    const record = this.requireRepo(owner, repo);
    let user = this.state.users.get(author.login.toLowerCase());
    if (!user) {
      user = { login: author.login, id: this.state.nextId(), type: author.type ?? 'User' };
      this.state.users.set(author.login.toLowerCase(), user);
    }
    const now = this.state.now();
    const id = this.state.nextId();
    record.comments.set(id, { id, issueNumber, body, user, createdAt: now, updatedAt: now });
    return id;
  }

  getLabels(owner: string, repo: string, issueNumber: number): string[] {
    return [...(this.requireRepo(owner, repo).issues.get(issueNumber)?.labels ?? [])];
  }

  /** Deployments, newest first, each with its statuses. */
  getDeployments(owner: string, repo: string): DeploymentWithStatuses[] {
    const record = this.requireRepo(owner, repo);
    return [...record.deployments.values()]
      .sort((a, b) => b.id - a.id)
      .map((d) => ({
        deployment: deploymentJson(d, record, this.state.urls),
        statuses: [...d.statuses].reverse().map((s) => deploymentStatusJson(s, d, record, this.state.urls)),
      }));
  }

  createWorkflowRun(owner: string, repo: string, run: NewWorkflowRun): WorkflowRunRecord {
    return createRun(this.state, this.requireRepo(owner, repo), run);
  }

  updateWorkflowRun(
    owner: string,
    repo: string,
    runId: number,
    change: { status?: RunStatus; conclusion?: RunConclusion },
  ): WorkflowRunRecord {
    const run = this.requireRepo(owner, repo).runs.get(runId);
    if (!run) throw new Error(`no workflow run ${runId} in ${owner}/${repo}`);
    Object.assign(run, change, { updatedAt: this.state.now() });
    return run;
  }

  /** Adds a test hook around every route; returns a function that removes it. */
  intercept(interceptor: Interceptor): () => void {
    this.interceptors.push(interceptor);
    return () => {
      const index = this.interceptors.indexOf(interceptor);
      if (index >= 0) this.interceptors.splice(index, 1);
    };
  }

  /** Throws, listing them, when any request or response broke GitHub's description (or the emulator's rules). */
  assertNoViolations(): void {
    if (this.violations.length === 0) return;
    const lines = this.violations.map(
      (v) => `- [${v.kind}] ${v.method} ${v.route ?? v.path}${v.status ? ` -> ${v.status}` : ''}: ${v.message}`,
    );
    throw new Error(`GitHub emulator recorded ${this.violations.length} violation(s):\n${lines.join('\n')}`);
  }

  /** Forgets recorded calls and violations (e.g. after a deliberate violation). */
  clearLog(): void {
    this.calls.length = 0;
    this.violations.length = 0;
  }

  /** Stops the server and deletes the bare repositories. */
  async close(): Promise<void> {
    await this.stop();
    await rm(this.workDir, { recursive: true, force: true });
  }
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const description = OpenApiDescription.load();
  const workDir = await mkdtemp(join(tmpdir(), 'github-emulator-'));
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const actor: UserRecord = options.actor
    ? { login: options.actor.login, id: 0, type: options.actor.type ?? 'User' }
    : { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
  const state = new EmulatorState(
    { api: url, html: options.serverUrl ?? 'https://github.com' },
    actor,
    options.now ?? (() => new Date()),
  );
  if (actor.id === 0) actor.id = state.nextId();
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const emulator = new Emulator(url, options.token, state, workDir, stop);
  const pipeline = new RequestPipeline(description, state, options.token, emulator.pipelineLog());
  server.on('request', (req, res) => {
    pipeline.handle(req, res).catch((error: unknown) => {
      emulator.violations.push({
        kind: 'emulator-error',
        method: req.method ?? '',
        path: req.url ?? '',
        message: String(error),
      });
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  return emulator;
}
