// The built action (dist/index.js) run as GitHub runs it: a child process whose environment is what the runner gives
// a `uses:` step (INPUT_* from action.yml's defaults and the step's `with:`, GITHUB_* of the event, the file commands
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE / GITHUB_ENV / GITHUB_PATH, the step's `env:`), and what it
// leaves behind parsed: exit code, outputs, workflow commands (annotations, masks), the job summary.
// ActionHarness (below) puts it in a workflow: an emulated repository, a developer's clone, one fresh runner checkout
// and one emulated workflow run per job, and the payload of each event.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getOctokit } from '@actions/github';
import { parse as parseYaml } from 'yaml';
import { startEmulator, type ApiCall, type Emulator } from '../github-emulator/server.js';
import type { WorkflowDispatchRecord } from '../github-emulator/state.js';
import { WorkClone } from '../github-emulator/work-clone.js';
import { pullRequestPayload, pushPayload, repositoryDispatchPayload, schedulePayload, workflowDispatchPayload, type PullFacts, type PushCommit, type RepoIdentity } from './payloads.js';

const execFileP = promisify(execFile);

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ACTION_ENTRY = join(ROOT, 'dist', 'index.js');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    newest = Math.max(newest, (await stat(join(e.parentPath, e.name))).mtimeMs);
  }
  return newest;
}

async function isStale(): Promise<boolean> {
  const built = await stat(ACTION_ENTRY).then((s) => s.mtimeMs, () => 0);
  return built < (await newestMtime(join(ROOT, 'src')));
}

/**
 * Rebuilds dist/ (`npm run build`'s script) when it is older than src/, once across test files running in parallel:
 * a lock directory keeps a second file from reading a half-written bundle. CI builds before testing, so there it is a
 * stat of src/ and nothing more.
 */
export async function ensureActionBuilt(): Promise<void> {
  if (!(await isStale())) return;
  const lock = join(tmpdir(), `gitops-rollouts-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      const age = Date.now() - (await stat(lock).then((s) => s.mtimeMs, () => Date.now()));
      if (age > 120_000) await rm(lock, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    if (await isStale()) await execFileP(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Defaults of action.yml's inputs, as the runner sets them (`${{ github.token }}` becomes the job's token). */
async function inputDefaults(token: string): Promise<Record<string, string>> {
  const doc = parseYaml(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { inputs?: Record<string, { default?: unknown }> };
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    const value = spec.default === undefined ? '' : String(spec.default);
    out[name] = value === '${{ github.token }}' ? token : value;
  }
  return out;
}

/** `INPUT_<NAME>`: upper-cased, spaces to `_`, hyphens kept (what @actions/core's getInput reads). */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export interface ActionRunSpec {
  /** The job's checkout (GITHUB_WORKSPACE, the step's cwd). */
  workspace: string;
  event: string;
  payload: unknown;
  sha: string;
  ref: string;
  /** owner/repo */
  repository: string;
  apiUrl: string;
  serverUrl?: string;
  token: string;
  runId: number;
  /** The step's `with:` (over action.yml's defaults). */
  inputs?: Record<string, string>;
  /** The step's `env:` (secrets and the manifest's env). */
  env?: Record<string, string>;
  /** For pull_request events. */
  headRef?: string;
  baseRef?: string;
  /** Kill the process after this long (default 90 s): a hung run fails the test instead of the suite. */
  killAfterMs?: number;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  annotations: Annotation[];
  /** Values the step registered with `::add-mask::`. */
  masks: string[];
  /** The job summary as written to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** Every file the step could write or print to, for "never appears anywhere" checks. */
  everything(): string;
  errors(): string[];
  /** An output parsed as JSON. */
  json<T>(name: string): T;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** Workflow commands (`::error file=a,line=1::message`) printed on stdout. */
export function parseWorkflowCommands(stdout: string): { annotations: Annotation[]; masks: string[] } {
  const annotations: Annotation[] = [];
  const masks: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line.replace(/\r$/, ''));
    if (!m) continue;
    const [, command, props = '', data = ''] = m;
    if (command === 'add-mask') masks.push(unescapeData(data));
    if (command !== 'error' && command !== 'warning' && command !== 'notice') continue;
    const properties: Record<string, string> = {};
    for (const kv of props.split(',').filter(Boolean)) {
      const eq = kv.indexOf('=');
      properties[kv.slice(0, eq)] = unescapeProperty(kv.slice(eq + 1));
    }
    annotations.push({ level: command, message: unescapeData(data), properties });
  }
  return { annotations, masks };
}

/** The GITHUB_OUTPUT file: `name<<delimiter\nvalue\ndelimiter` blocks (and the old `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing ${delimiter} for ${name}`);
      out[name!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

/** Runs dist/index.js once, in a fresh temp dir for the runner's files (removed afterwards). */
export async function runAction(spec: ActionRunSpec): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'rollouts-action-run-'));
  try {
    const files = { event: join(dir, 'event.json'), output: join(dir, 'output'), summary: join(dir, 'step_summary'), state: join(dir, 'state'), env: join(dir, 'env'), path: join(dir, 'path'), gitconfig: join(dir, 'gitconfig') };
    await writeFile(files.event, JSON.stringify(spec.payload, null, 2));
    for (const f of [files.output, files.summary, files.state, files.env, files.path, files.gitconfig]) await writeFile(f, '');
    await mkdir(join(dir, 'temp'));
    const [owner] = spec.repository.split('/');
    const inputs = { ...(await inputDefaults(spec.token)), ...spec.inputs };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      LANG: 'C.UTF-8',
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
      GIT_CONFIG_GLOBAL: files.gitconfig,
      GIT_CONFIG_NOSYSTEM: '1',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: join(dir, 'temp'),
      GITHUB_WORKSPACE: spec.workspace,
      GITHUB_EVENT_NAME: spec.event,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_SHA: spec.sha,
      GITHUB_REF: spec.ref,
      GITHUB_REF_NAME: spec.ref.replace(/^refs\/(heads|tags)\//, ''),
      GITHUB_HEAD_REF: spec.headRef ?? '',
      GITHUB_BASE_REF: spec.baseRef ?? '',
      GITHUB_REPOSITORY: spec.repository,
      GITHUB_REPOSITORY_OWNER: owner,
      GITHUB_API_URL: spec.apiUrl,
      GITHUB_SERVER_URL: spec.serverUrl ?? 'https://github.com',
      GITHUB_GRAPHQL_URL: `${spec.apiUrl}/graphql`,
      GITHUB_RUN_ID: String(spec.runId),
      GITHUB_RUN_NUMBER: '1',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'rollouts',
      GITHUB_JOB: spec.event === 'pull_request' ? 'plan' : 'reconcile',
      GITHUB_ACTION: 'rollouts',
      GITHUB_ACTOR: 'octodev',
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_STATE: files.state,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputEnvName(k), v])),
      ...spec.env,
    };
    const child = spawn(process.execPath, [ACTION_ENTRY], { cwd: spec.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const killer = setTimeout(() => child.kill('SIGKILL'), spec.killAfterMs ?? 90_000);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    }).finally(() => clearTimeout(killer));
    const outputText = await readFile(files.output, 'utf8');
    const summary = await readFile(files.summary, 'utf8');
    const otherFiles = await Promise.all([files.state, files.env, files.path].map((f) => readFile(f, 'utf8')));
    const outputs = parseOutputFile(outputText);
    const { annotations, masks } = parseWorkflowCommands(stdout);
    return {
      code, stdout, stderr, outputs, annotations, masks, summary,
      everything: () => [stdout, stderr, outputText, summary, ...otherFiles].join('\n'),
      errors: () => annotations.filter((a) => a.level === 'error').map((a) => a.message),
      json<T>(name: string): T {
        const v = outputs[name];
        if (v === undefined) throw new Error(`output ${name} not set; outputs: ${Object.keys(outputs).join(', ') || '(none)'}\n${stdout}\n${stderr}`);
        return JSON.parse(v) as T;
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A run's logs, for failure messages. */
export function describeRun(r: ActionRun): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The harness: the emulated repository, a developer's clone, and one fresh runner checkout per job.

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

const GITHUB_IDENTITY = { GIT_AUTHOR_NAME: 'GitHub', GIT_AUTHOR_EMAIL: 'noreply@github.com', GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' };

async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await execFileP('git', args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export class ActionHarness {
  private readonly dirs: string[] = [];

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
    const { remoteUrl } = await emulator.createRepo({ owner, repo, defaultBranch: 'main' });
    const dev = await WorkClone.clone(remoteUrl);
    await dev.commit('initial', o.files);
    await dev.push('main');
    const octokit = getOctokit(token, { baseUrl: emulator.url });
    return new ActionHarness(emulator, octokit, dev, { owner, repo, defaultBranch: 'main', apiUrl: emulator.url }, token, o);
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

  async mainSha(): Promise<string> {
    return git(this.remote, ['rev-parse', 'refs/heads/main']);
  }

  /** The developer's commit of `files` on `branch` (from origin/main, or from the branch as it is), pushed. */
  async commitOnBranch(branch: string, files: Record<string, string>, message: string, fromMain = true): Promise<string> {
    if (fromMain) await this.dev.branchFrom(branch, 'main');
    const sha = await this.dev.commit(message, files);
    await this.dev.push(branch);
    return sha;
  }

  async openPull(branch: string, title: string, body: string): Promise<{ number: number; headSha: string; baseSha: string }> {
    const { data } = await this.octokit.rest.pulls.create({ owner: this.owner, repo: this.repo, head: branch, base: 'main', title, body });
    return { number: data.number, headSha: data.head.sha, baseSha: data.base.sha };
  }

  async merge(number: number): Promise<string> {
    return (await this.octokit.rest.pulls.merge({ owner: this.owner, repo: this.repo, pull_number: number, merge_method: 'merge' })).data.sha;
  }

  /** The commits of a push from `before` to `after`, oldest first, with the files each changed. */
  async pushCommits(before: string, after: string): Promise<PushCommit[]> {
    const raw = await git(this.remote, ['log', '--reverse', '--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00%aI%x00%B%x01', `${before}..${after}`]);
    const commits: PushCommit[] = [];
    for (const rec of raw.split('\x01').map((r) => r.replace(/^\n/, '')).filter(Boolean)) {
      const [id = '', treeId = '', parents = '', an = '', ae = '', cn = '', ce = '', timestamp = '', message = ''] = rec.split('\x00');
      const parent = parents.split(' ')[0];
      const diff = parent ? await git(this.remote, ['diff-tree', '-r', '--name-status', '--no-commit-id', parent, id]) : '';
      const files = diff.split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]);
      const of = (s: string) => files.filter(([st]) => st.startsWith(s)).map(([, f]) => f);
      commits.push({ id, treeId, message: message.trim(), timestamp, author: { name: an, email: ae }, committer: { name: cn, email: ce }, added: of('A'), removed: of('D'), modified: of('M') });
    }
    return commits;
  }

  /** A fresh clone at `sha` (actions/checkout with fetch-depth 0): on the branch for a branch ref, else detached. */
  async checkout(sha: string, ref: string): Promise<string> {
    const parent = await mkdtemp(join(tmpdir(), 'rollouts-runner-'));
    this.dirs.push(parent);
    const dir = join(parent, 'workspace');
    await git(parent, ['clone', '--quiet', '--no-checkout', this.remote, dir]);
    const branch = /^refs\/heads\/(.+)$/.exec(ref)?.[1];
    await git(dir, branch ? ['checkout', '--quiet', '--force', '-B', branch, sha] : ['checkout', '--quiet', '--detach', sha]);
    return dir;
  }

  /** Runs the action as one job of a workflow run; its exit code concludes the run in the emulator. */
  async job(event: string, payload: unknown, o: JobOptions, workspace?: string): Promise<JobRun> {
    const cwd = workspace ?? (await this.checkout(o.sha, o.ref));
    const headBranch = o.headRef ?? o.ref.replace(/^refs\/heads\//, '');
    const runId = o.runId ?? this.emulator.createWorkflowRun(this.owner, this.repo, { headSha: o.sha, headBranch, event, status: 'in_progress' }).id;
    if (o.runId !== undefined) this.emulator.updateWorkflowRun(this.owner, this.repo, runId, { status: 'in_progress' });
    const before = this.emulator.calls.length;
    const run = await runAction({
      workspace: cwd, event, payload, sha: o.sha, ref: o.ref, repository: `${this.owner}/${this.repo}`, apiUrl: this.emulator.url,
      token: this.token, runId, inputs: { ...this.options.inputs, ...o.inputs }, env: { ...this.options.stepEnv, ...o.env },
      headRef: o.headRef, baseRef: o.baseRef,
    });
    this.emulator.updateWorkflowRun(this.owner, this.repo, runId, { status: 'completed', conclusion: run.code === 0 ? 'success' : 'failure' });
    return { ...run, runId, apiCalls: this.emulator.calls.slice(before) };
  }

  /** A pull_request job: the checkout is the test merge of head into base (refs/pull/N/merge), as GitHub makes it. */
  async pullJob(action: string, pr: PullFacts, o: Omit<JobOptions, 'sha' | 'ref'> = {}): Promise<JobRun> {
    const dir = await this.checkout(pr.base.sha, 'detached');
    await git(dir, ['merge', '--quiet', '--no-ff', '--no-edit', '-m', `Merge ${pr.head.sha} into ${pr.base.sha}`, pr.head.sha], GITHUB_IDENTITY);
    const sha = await git(dir, ['rev-parse', 'HEAD']);
    const payload = pullRequestPayload(action, this.identity, pr);
    return this.job('pull_request', payload, { ...o, sha, ref: `refs/pull/${pr.number}/merge`, headRef: pr.head.ref, baseRef: pr.base.ref }, dir);
  }

  /** A push job for main moving from `before` to its current tip. */
  async pushJob(before: string, o: Partial<JobOptions> = {}): Promise<JobRun> {
    const after = await this.mainSha();
    const payload = pushPayload(this.identity, { ref: 'refs/heads/main', before, after, commits: await this.pushCommits(before, after) });
    return this.job('push', payload, { ...o, sha: after, ref: 'refs/heads/main' });
  }

  /** A scheduled job on main's tip. */
  async scheduleJob(o: Partial<JobOptions> = {}): Promise<JobRun> {
    return this.job('schedule', schedulePayload(), { ...o, sha: await this.mainSha(), ref: 'refs/heads/main' });
  }

  /** The job of a run the action dispatched (`workflow_dispatch`), on the commit the dispatch resolved. */
  async dispatchedJob(dispatch: WorkflowDispatchRecord, o: Partial<JobOptions> = {}): Promise<JobRun> {
    const inputs = { command: 'reconcile', rollout: '', to: 'none', ...(dispatch.inputs as Record<string, string>) };
    const ref = dispatch.ref.startsWith('refs/') ? dispatch.ref : `refs/heads/${dispatch.ref}`;
    const payload = workflowDispatchPayload(this.identity, { ref, workflow: dispatch.workflowPath, inputs });
    return this.job('workflow_dispatch', payload, { ...o, sha: dispatch.sha, ref, runId: dispatch.runId });
  }

  /** A `repository_dispatch` job (e.g. `rollouts-alert` from an Alertmanager relay) on main's tip. */
  async repositoryDispatchJob(action: string, clientPayload: Record<string, unknown>, o: Partial<JobOptions> = {}): Promise<JobRun> {
    const payload = repositoryDispatchPayload(this.identity, { action, clientPayload });
    return this.job('repository_dispatch', payload, { ...o, sha: await this.mainSha(), ref: 'refs/heads/main' });
  }

  async close(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    await this.dev.remove();
    await this.emulator.close();
  }
}
