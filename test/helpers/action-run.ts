// The built action (dist/index.js) run as GitHub runs it: a child process whose environment is what the runner gives
// a `uses:` step (INPUT_* from action.yml's defaults and the step's `with:`, GITHUB_* of the event, the file commands
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE / GITHUB_ENV / GITHUB_PATH, the step's `env:`), and what it
// leaves behind parsed: exit code, outputs, workflow commands (annotations, masks), the job summary.
// ActionHarness (action.ts) puts it in a workflow.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';

const execFileP = promisify(execFile);

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ACTION_ENTRY = join(ROOT, 'dist', 'index.js');
/**
 * The Node that runs the action: `.ci/run` sets ROLLOUTS_ACTION_NODE to a Node 24 (action.yml's `runs.using: node24`)
 * for a second run of the e2e action tests; otherwise this process's own.
 */
export const ACTION_NODE = process.env.ROLLOUTS_ACTION_NODE || process.execPath;

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    newest = Math.max(newest, (await stat(join(e.parentPath, e.name))).mtimeMs);
  }
  return newest;
}

async function isStale(): Promise<boolean> {
  const built = await stat(ACTION_ENTRY).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  return built < (await newestMtime(join(ROOT, 'src')));
}

/**
 * Rebuilds dist/ (`npm run build`'s script) when it is older than src/, once across test files running in parallel:
 * a lock directory keeps a second file from reading a half-written bundle. CI builds before testing, so there it is a
 * stat of src/ and nothing more.
 */
export async function ensureActionBuilt(): Promise<void> {
  if (!(await isStale())) return;
  const lock = join(
    tmpdir(),
    `gitops-rollouts-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`,
  );
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      const age =
        Date.now() -
        (await stat(lock).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      if (age > 120_000) await rm(lock, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    if (await isStale())
      await execFileP(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
      });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Defaults of action.yml's inputs, as the runner sets them (`${{ github.token }}` becomes the job's token). */
async function inputDefaults(token: string): Promise<Record<string, string>> {
  const doc = parseYaml(await readFile(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>;
  };
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
    const files = {
      event: join(dir, 'event.json'),
      output: join(dir, 'output'),
      summary: join(dir, 'step_summary'),
      state: join(dir, 'state'),
      env: join(dir, 'env'),
      path: join(dir, 'path'),
      gitconfig: join(dir, 'gitconfig'),
    };
    await writeFile(files.event, JSON.stringify(spec.payload, null, 2));
    for (const f of [files.output, files.summary, files.state, files.env, files.path, files.gitconfig])
      await writeFile(f, '');
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
    const child = spawn(ACTION_NODE, [ACTION_ENTRY], {
      cwd: spec.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
      code,
      stdout,
      stderr,
      outputs,
      annotations,
      masks,
      summary,
      everything: () => [stdout, stderr, outputText, summary, ...otherFiles].join('\n'),
      errors: () => annotations.filter((a) => a.level === 'error').map((a) => a.message),
      json<T>(name: string): T {
        const v = outputs[name];
        if (v === undefined)
          throw new Error(
            `output ${name} not set; outputs: ${Object.keys(outputs).join(', ') || '(none)'}\n${stdout}\n${stderr}`,
          );
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
