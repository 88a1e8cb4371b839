// In-memory records of the emulated GitHub: everything that is not git lives here.
import type { BareRepo, GitIdentity } from './git.js';

export interface UserRecord {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string;
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface PullFields {
  id: number;
  headRef: string;
  baseRef: string;
  draft: boolean;
  maintainerCanModify: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: UserRecord | null;
  mergeCommitSha: string | null;
  /** Tips frozen when the pull request closed; while open, the branches' current tips are used. */
  closedHeadSha: string | null;
  closedBaseSha: string | null;
}

export interface IssueRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: UserRecord;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  pull?: PullFields;
}

export type PullRecord = IssueRecord & { pull: PullFields };

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface DeploymentStatusRecord {
  id: number;
  state: DeploymentState;
  description: string;
  environment: string;
  targetUrl: string;
  logUrl: string;
  environmentUrl: string;
  creator: UserRecord;
  createdAt: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  environment: string;
  originalEnvironment: string;
  description: string | null;
  transient: boolean;
  production: boolean;
  creator: UserRecord;
  createdAt: string;
  updatedAt: string;
  /** Newest last. */
  statuses: DeploymentStatusRecord[];
}

export type RunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type RunConclusion =
  'success' | 'failure' | 'cancelled' | 'skipped' | 'neutral' | 'timed_out' | 'action_required' | null;

export interface WorkflowRunRecord {
  id: number;
  runNumber: number;
  workflowId: number;
  workflowPath: string;
  name: string;
  event: string;
  status: RunStatus;
  conclusion: RunConclusion;
  headSha: string;
  headBranch: string | null;
  actor: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowDispatchRecord {
  owner: string;
  repo: string;
  /** The workflow as the caller named it: a file name or a numeric id. */
  workflowId: string;
  workflowPath: string;
  ref: string;
  sha: string;
  inputs: Record<string, unknown>;
  runId: number;
}

/** A `repository_dispatch` (POST /repos/{owner}/{repo}/dispatches): what a workflow run of it would be handed. */
export interface RepositoryDispatchRecord {
  owner: string;
  repo: string;
  eventType: string;
  clientPayload: Record<string, unknown>;
  /** The default branch's tip when it was sent: the commit the run checks out. */
  sha: string;
  /** The runs it started: one per workflow on the default branch whose repository_dispatch types include it. */
  runIds: number[];
}

export interface RepoRecord {
  id: number;
  owner: UserRecord;
  name: string;
  defaultBranch: string;
  private: boolean;
  git: BareRepo;
  createdAt: string;
  nextNumber: number;
  issues: Map<number, IssueRecord>;
  comments: Map<number, CommentRecord>;
  /** Keyed by lower-cased name: GitHub label names are case-insensitive. */
  labels: Map<string, LabelRecord>;
  deployments: Map<number, DeploymentRecord>;
  runs: Map<number, WorkflowRunRecord>;
  /** Workflow file path (`.github/workflows/x.yml`) -> workflow id. */
  workflows: Map<string, number>;
}

export interface Urls {
  /** REST API base, e.g. http://127.0.0.1:PORT (what GITHUB_API_URL is set to). */
  api: string;
  /** Web base used for html_url fields, e.g. https://github.com (what GITHUB_SERVER_URL is set to). */
  html: string;
}

export class EmulatorState {
  readonly repos = new Map<string, RepoRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly dispatches: WorkflowDispatchRecord[] = [];
  readonly repositoryDispatches: RepositoryDispatchRecord[] = [];
  private lastId = 1000;

  constructor(
    readonly urls: Urls,
    readonly actor: UserRecord,
    private readonly clock: () => Date,
  ) {
    this.users.set(actor.login.toLowerCase(), actor);
  }

  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  /** GitHub's timestamp form: ISO 8601 in UTC without milliseconds. */
  now(): string {
    return this.clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  user(login: string, type: UserRecord['type'] = 'User'): UserRecord {
    const key = login.toLowerCase();
    let user = this.users.get(key);
    if (!user) {
      user = { login, id: this.nextId(), type };
      this.users.set(key, user);
    }
    return user;
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }
}

export function isPull(issue: IssueRecord | undefined): issue is PullRecord {
  return issue?.pull !== undefined;
}

/** The git identity GitHub writes for a user (its noreply address). */
export function gitIdentity(user: UserRecord, date: string): GitIdentity {
  return { name: user.login, email: `${user.id}+${user.login}@users.noreply.github.com`, date };
}

/** GitHub commits merges as itself. */
export function githubCommitter(date: string): GitIdentity {
  return { name: 'GitHub', email: 'noreply@github.com', date };
}
