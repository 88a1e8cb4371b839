// `run: [argv...]`: a process, never a shell. stdout parsed as JSON when it is JSON; non-zero exit fails the step.
import { spawn } from 'node:child_process';
import { parseJsonMaybe, StepCallError, type DriverCall, type StepDriver, type StepResult } from './types.js';

const MAX_OUTPUT = 16 * 1024 * 1024;

/** Runs argv with exactly `env` (plus PATH and HOME, so that programs can be found), collecting output. */
export function runProcess(argv: string[], call: DriverCall): Promise<StepResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new StepCallError('run: empty argv', false));
  const env: Record<string, string> = { ...call.env, ROLLOUTS_IDEMPOTENCY_KEY: call.idempotencyKey };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT'])
    if (process.env[name] !== undefined && env[name] === undefined) env[name] = process.env[name]!;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: call.cwd,
      env,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: call.signal,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') reject(new StepCallError(`${file}: timed out`, true));
      else if (e.code === 'ENOENT') reject(new StepCallError(`${file}: command not found`, false));
      else reject(new StepCallError(`${file}: ${e.message}`, true));
    });
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const result: StepResult = { stdout, stderr, exitCode: code ?? -1, json: parseJsonMaybe(stdout) };
      if (code === 0) resolve(result);
      else {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new StepCallError(`${file}: ${why}${tail ? `: ${tail}` : ''}`, true, result));
      }
    });
  });
}

/**
 * Rendered argv as strings: an element that is exactly one template keeps its type (e.g. `{{ page.cursor }}` is null
 * on the first page), so null becomes '' as it does inside a string, and lists or maps become JSON, never "null".
 */
export function argvStrings(config: unknown): string[] {
  return (config as unknown[]).map((v) =>
    typeof v === 'string'
      ? v
      : v === null || v === undefined
        ? ''
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v),
  );
}

export const runDriver: StepDriver = {
  kind: 'run',
  call: (call) => runProcess(argvStrings(call.config), call),
};
