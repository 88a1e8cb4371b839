// ActionHarness: the built action (action-run.ts) in a workflow: an emulated repository, a developer's clone, one
// fresh runner checkout and one emulated workflow run per job, and the payload of each event.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getOctokit } from '@actions/github';
import { startEmulator, type ApiCall, type Emulator } from '../github-emulator/server.js';
import type { RepositoryDispatchRecord, WorkflowDispatchRecord } from '../github-emulator/state.js';
import { WorkClone } from '../github-emulator/work-clone.js';
import { runAction, type ActionRun } from './action-run.js';
import {
  pullRequestPayload,
  pushPayload,
  repositoryDispatchPayload,
  schedulePayload,
  workflowDispatchPayload,
  type PullFacts,
  type PushCommit,
  type RepoIdentity,
} from './payloads.js';

export * from './action-run.js';

const execFileP = promisify(execFile);

export interface HarnessOptions {
  owner?: string;
  repo?: string;
  token?: string;
  /** Files of main's first commit (manifests, `.github/workflows/rollouts.yml`). */
  files: Record<string, string>;
  /** The step's `env:` of every run (the manifest's env and secrets). */
  stepEnv?: Record<string, string>;
  /** The step's `with:` of every run. */
  inputs?: Record<string, string>;
  /** The repository's default branch (default main). */
  defaultBranch?: string;
  /** Every job's checkout is `git clone --depth 1` (actions/checkout's default fetch-depth: 1), not the whole history. */
  shallow?: boolean;
}

export interface JobOptions {
  sha: string;
  ref: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** The workflow run this job belongs to (e.g. the one a dispatch created); default: a new run in the emulator. */
  runId?: number;
  headRef?: string;
  baseRef?: string;
}

export interface JobRun extends ActionRun {
  runId: number;
  /** The GitHub API calls this job made, in order. */
  apiCalls: ApiCall[];
}

const GITHUB_IDENTITY = {
  GIT_AUTHOR_NAME: 'GitHub',
  GIT_AUTHOR_EMAIL: 'noreply@github.com',
  GIT_COMMITTER_NAME: 'GitHub',
  GIT_COMMITTER_EMAIL: 'noreply@github.com',
};

async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await execFileP('git', args, {
    cwd,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}

export class ActionHarness {
  private readonly dirs: string[] = [];
  /** Every job's step summary, in order (for checking what the action wrote for people). */
  readonly summaries: string[] = [];

  private constructor(
    readonly emulator: Emulator,
    readonly octokit: ReturnType<typeof getOctokit>,
    readonly dev: WorkClone,
    readonly identity: RepoIdentity,
    readonly token: string,
    private readonly options: HarnessOptions,
  ) {}

  static async start(o: HarnessOptions): Promise<ActionHarness> {
    const token = o.token ?? 'ghs_e2eActionToken0001';
    const owner = o.owner ?? 'acme';
    const repo = o.repo ?? 'app';
    const emulator = await startEmulator({ token });
    const defaultBranch = o.defaultBranch ?? 'main';
    const { remoteUrl } = await emulator.createRepo({ owner, repo, defaultBranch });
    const dev = await WorkClone.clone(remoteUrl);
    await dev.commit('initial', o.files);
    await dev.push(defaultBranch);
    const octokit = getOctokit(token, { baseUrl: emulator.url });
    return new ActionHarness(emulator, octokit, dev, { owner, repo, defaultBranch, apiUrl: emulator.url }, token, o);
  }

  get owner(): string {
    return this.identity.owner;
  }

  get repo(): string {
    return this.identity.repo;
  }

  get remote(): string {
    return this.emulator.remoteUrl(this.owner, this.repo);
  }

  get defaultBranch(): string {
    return this.identity.defaultBranch;
  }

  /** The default branch's tip (main unless the harness was started with another default branch). */
  async mainSha(): Promise<string> {
    return git(this.remote, ['rev-parse', `refs/heads/${this.defaultBranch}`]);
  }

  /** The developer's commit of `files` on `branch` (from origin/main, or from the branch as it is), pushed. */
  async commitOnBranch(
    branch: string,
    files: Record<string, string>,
    message: string,
    fromMain = true,
  ): Promise<string> {
    if (fromMain) await this.dev.branchFrom(branch, this.defaultBranch);
    const sha = await this.dev.commit(message, files);
    await this.dev.push(branch);
    return sha;
  }

  async openPull(
    branch: string,
    title: string,
    body: string,
  ): Promise<{ number: number; headSha: string; baseSha: string }> {
    const { data } = await this.octokit.rest.pulls.create({
      owner: this.owner,
      repo: this.repo,
      head: branch,
      base: this.defaultBranch,
      title,
      body,
    });
    return { number: data.number, headSha: data.head.sha, baseSha: data.base.sha };
  }

  async merge(number: number): Promise<string> {
    return (
      await this.octokit.rest.pulls.merge({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        merge_method: 'merge',
      })
    ).data.sha;
  }

  /** The commits of a push from `before` to `after`, oldest first, with the files each changed. */
  async pushCommits(before: string, after: string): Promise<PushCommit[]> {
    const raw = await git(this.remote, [
      'log',
      '--reverse',
      '--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00%aI%x00%B%x01',
      `${before}..${after}`,
    ]);
    const commits: PushCommit[] = [];
    for (const rec of raw
      .split('\x01')
      .map((r) => r.replace(/^\n/, ''))
      .filter(Boolean)) {
      const [id = '', treeId = '', parents = '', an = '', ae = '', cn = '', ce = '', timestamp = '', message = ''] =
        rec.split('\x00');
      const parent = parents.split(' ')[0];
      const diff = parent
        ? await git(this.remote, ['diff-tree', '-r', '--name-status', '--no-commit-id', parent, id])
        : '';
      const files = diff
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t') as [string, string]);
      const of = (s: string) => files.filter(([st]) => st.startsWith(s)).map(([, f]) => f);
      commits.push({
        id,
        treeId,
        message: message.trim(),
        timestamp,
        author: { name: an, email: ae },
        committer: { name: cn, email: ce },
        added: of('A'),
        removed: of('D'),
        modified: of('M'),
      });
    }
    return commits;
  }

  /**
   * A fresh clone at `sha` (actions/checkout with fetch-depth 0; with `shallow`, `git clone --depth 1` of the branch,
   * fetch-depth 1): on the branch for a branch ref, else detached.
   */
  async checkout(sha: string, ref: string): Promise<string> {
    const parent = await mkdtemp(join(tmpdir(), 'rollouts-runner-'));
    this.dirs.push(parent);
    const dir = join(parent, 'workspace');
    const branch = /^refs\/heads\/(.+)$/.exec(ref)?.[1];
    if (this.options.shallow && branch) {
      // file:// because a clone from a plain path ignores --depth.
      const url = `file://${this.remote}`;
      await git(parent, ['clone', '--quiet', '--no-checkout', '--depth', '1', '--branch', branch, url, dir]);
    } else await git(parent, ['clone', '--quiet', '--no-checkout', this.remote, dir]);
    await git(
      dir,
      branch ? ['checkout', '--quiet', '--force', '-B', branch, sha] : ['checkout', '--quiet', '--detach', sha],
    );
    return dir;
  }

  /** Runs the action as one job of a workflow run; its exit code concludes the run in the emulator. */
  async job(event: string, payload: unknown, o: JobOptions, workspace?: string): Promise<JobRun> {
    const cwd = workspace ?? (await this.checkout(o.sha, o.ref));
    const headBranch = o.headRef ?? o.ref.replace(/^refs\/heads\//, '');
    const runId =
      o.runId ??
      this.emulator.createWorkflowRun(this.owner, this.repo, {
        headSha: o.sha,
        headBranch,
        event,
        status: 'in_progress',
      }).id;
    if (o.runId !== undefined) this.emulator.updateWorkflowRun(this.owner, this.repo, runId, { status: 'in_progress' });
    const before = this.emulator.calls.length;
    const run = await runAction({
      workspace: cwd,
      event,
      payload,
      sha: o.sha,
      ref: o.ref,
      repository: `${this.owner}/${this.repo}`,
      apiUrl: this.emulator.url,
      token: this.token,
      runId,
      inputs: { ...this.options.inputs, ...o.inputs },
      env: { ...this.options.stepEnv, ...o.env },
      headRef: o.headRef,
      baseRef: o.baseRef,
    });
    this.emulator.updateWorkflowRun(this.owner, this.repo, runId, {
      status: 'completed',
      conclusion: run.code === 0 ? 'success' : 'failure',
    });
    if (run.summary) this.summaries.push(run.summary);
    return { ...run, runId, apiCalls: this.emulator.calls.slice(before) };
  }

  /** A pull_request job: the checkout is the test merge of head into base (refs/pull/N/merge), as GitHub makes it. */
  async pullJob(action: string, pr: PullFacts, o: Omit<JobOptions, 'sha' | 'ref'> = {}): Promise<JobRun> {
    const dir = await this.checkout(pr.base.sha, 'detached');
    await git(
      dir,
      ['merge', '--quiet', '--no-ff', '--no-edit', '-m', `Merge ${pr.head.sha} into ${pr.base.sha}`, pr.head.sha],
      GITHUB_IDENTITY,
    );
    const sha = await git(dir, ['rev-parse', 'HEAD']);
    const payload = pullRequestPayload(action, this.identity, pr);
    return this.job(
      'pull_request',
      payload,
      { ...o, sha, ref: `refs/pull/${pr.number}/merge`, headRef: pr.head.ref, baseRef: pr.base.ref },
      dir,
    );
  }

  /** A push job for main moving from `before` to its current tip. */
  async pushJob(before: string, o: Partial<JobOptions> = {}): Promise<JobRun> {
    const after = await this.mainSha();
    const payload = pushPayload(this.identity, {
      ref: `refs/heads/${this.defaultBranch}`,
      before,
      after,
      commits: await this.pushCommits(before, after),
    });
    return this.job('push', payload, { ...o, sha: after, ref: `refs/heads/${this.defaultBranch}` });
  }

  /** A scheduled job on main's tip. */
  async scheduleJob(o: Partial<JobOptions> = {}): Promise<JobRun> {
    const ref = `refs/heads/${this.defaultBranch}`;
    return this.job('schedule', schedulePayload(), { ...o, sha: await this.mainSha(), ref });
  }

  /** The job of a run the action dispatched (`workflow_dispatch`), on the commit the dispatch resolved. */
  async dispatchedJob(dispatch: WorkflowDispatchRecord, o: Partial<JobOptions> = {}): Promise<JobRun> {
    const inputs = { command: 'reconcile', rollout: '', to: 'none', ...(dispatch.inputs as Record<string, string>) };
    const ref = dispatch.ref.startsWith('refs/') ? dispatch.ref : `refs/heads/${dispatch.ref}`;
    const payload = workflowDispatchPayload(this.identity, { ref, workflow: dispatch.workflowPath, inputs });
    return this.job('workflow_dispatch', payload, { ...o, sha: dispatch.sha, ref, runId: dispatch.runId });
  }

  /** A `workflow_dispatch` a person started (Actions tab, `gh workflow run`) with `inputs`, on main's tip. */
  async workflowDispatchJob(inputs: Record<string, string>, o: Partial<JobOptions> = {}): Promise<JobRun> {
    const payload = workflowDispatchPayload(this.identity, {
      ref: 'refs/heads/main',
      workflow: '.github/workflows/rollouts.yml',
      inputs,
      sender: 'octodev',
    });
    return this.job('workflow_dispatch', payload, { ...o, sha: await this.mainSha(), ref: 'refs/heads/main' });
  }

  /** A `repository_dispatch` job (e.g. `rollouts-alert` from an Alertmanager relay) on main's tip. */
  async repositoryDispatchJob(
    action: string,
    clientPayload: Record<string, unknown>,
    o: Partial<JobOptions> = {},
  ): Promise<JobRun> {
    const payload = repositoryDispatchPayload(this.identity, { action, clientPayload });
    return this.job('repository_dispatch', payload, { ...o, sha: await this.mainSha(), ref: 'refs/heads/main' });
  }

  /** The run a repository_dispatch recorded by the emulator started (e.g. one `rollouts alert-relay` sent). */
  async repositoryDispatchedJob(d: RepositoryDispatchRecord, o: Partial<JobOptions> = {}): Promise<JobRun> {
    const payload = repositoryDispatchPayload(this.identity, { action: d.eventType, clientPayload: d.clientPayload });
    return this.job('repository_dispatch', payload, {
      ...o,
      sha: d.sha,
      ref: `refs/heads/${this.identity.defaultBranch}`,
      ...(d.runIds[0] !== undefined ? { runId: d.runIds[0] } : {}),
    });
  }

  /** After each test: every request and response so far matched GitHub's OpenAPI description; then a fresh log. */
  assertContractAndClear(): void {
    try {
      this.emulator.assertNoViolations();
    } finally {
      this.emulator.clearLog();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    await this.dev.remove();
    await this.emulator.close();
  }
}
