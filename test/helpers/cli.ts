// The CLI as a child process (`node --import tsx src/cli/main.ts ...`), cwd = the repository under test.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  proc: ChildProcess;
  pid: number;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
}

/** The environment of a CLI run: the test's, plus `extra`; a value of undefined removes a name. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function startCli(cwd: string, args: string[], env: Record<string, string | undefined> = {}): RunningCli {
  const proc = spawn(process.execPath, ['--import', TSX_LOADER, MAIN, ...args], {
    cwd,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const done = new Promise<CliResult>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err }));
  });
  return { proc, pid: proc.pid!, stdout: () => out, stderr: () => err, done };
}

export function runCli(cwd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return startCli(cwd, args, env).done;
}

/** Both streams, for failure messages and assertions on what a person reads. */
export function output(r: CliResult): string {
  return `${r.stdout}\n${r.stderr}`;
}

/** `rollouts status --json` of one rollout. */
export async function statusJson(
  cwd: string,
  name: string,
  env: Record<string, string | undefined> = {},
): Promise<Record<string, unknown>> {
  const r = await runCli(cwd, ['status', name, '--json'], env);
  if (r.code !== 0) throw new Error(`status exited ${r.code}: ${output(r)}`);
  const parsed = JSON.parse(r.stdout) as { rollouts: Record<string, unknown>[] };
  return parsed.rollouts[0]!;
}
