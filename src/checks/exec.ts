// `exec`: a process from an argv array, never a shell. result = {exitCode, stdout, stderr, json}; value = exitCode;
// by default exit 0 passes. The process sees only a few basics of the runner's environment plus the manifest's `env:`.
import { spawn } from 'node:child_process';
import { durationMs } from '../manifest/schema.js';
import { renderText } from '../manifest/templates.js';
import { deadline } from './deadline.js';
import { jsonOrNull } from './fetch.js';
import { MeasurementError, type CheckKindImpl } from './types.js';

/** What any program needs to start (find binaries, a home, a temp dir, a locale); everything else must be listed. */
const BASE_ENV = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL', 'TZ', 'SystemRoot'];
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export function processEnv(listed: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of BASE_ENV) {
    const v = process.env[name];
    if (v !== undefined) out[name] = v;
  }
  return { ...out, ...listed };
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  json: unknown;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function runArgv(
  argv: string[],
  cwd: string,
  env: Record<string, string>,
  signal: AbortSignal,
): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new MeasurementError('exec: empty argv'));
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout also ends what the command started.
    const child = spawn(file, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let failure: Error | undefined;
    const stop = (why: Error): void => {
      failure ??= why;
      killGroup(child.pid);
    };
    const onAbort = (): void => stop(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_OUTPUT_BYTES)
        stop(new MeasurementError(`exec ${file}: more than ${MAX_OUTPUT_BYTES} bytes of output`));
      else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (e: NodeJS.ErrnoException) => {
      failure ??= new MeasurementError(
        e.code === 'ENOENT' ? `exec ${file}: no such command` : `exec ${file}: ${e.message}`,
      );
      if (child.pid === undefined) {
        signal.removeEventListener('abort', onAbort);
        reject(failure);
      }
    });
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (failure) return reject(failure);
      if (code === null) return reject(new MeasurementError(`exec ${file}: killed by ${sig ?? 'a signal'}`));
      const stdout = Buffer.concat(out).toString('utf8');
      resolve({ exitCode: code, stdout, stderr: Buffer.concat(err).toString('utf8'), json: jsonOrNull(stdout) });
    });
  });
}

export const execKind: CheckKindImpl<'exec'> = {
  kind: 'exec',
  async measure(check, env) {
    const spec = check.exec!;
    const argv = spec.run.map((a) => renderText(a, env.vars));
    const limit = deadline(env.signal, durationMs(spec.timeout));
    try {
      const result = await runArgv(argv, env.cwd, processEnv(env.env), limit.signal);
      return { value: result.exitCode, result };
    } catch (err) {
      if (limit.expired()) throw new MeasurementError(`exec ${argv[0]}: still running after ${spec.timeout}, killed`);
      throw err;
    }
  },
  decide(m) {
    if (m.value === 0) return { outcome: 'pass' };
    const stderr = ((m.result as ExecResult).stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    return { outcome: 'fail', reason: `exit code ${m.value}${stderr ? `: ${stderr.slice(0, 500)}` : ''}` };
  },
};
