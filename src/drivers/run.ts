// `run: [argv...]`: a process (sys/exec), never a shell. stdout parsed as JSON when it is JSON (else `result.json` is
// absent); a non-zero exit fails the step.
import { childEnv, ProcessError, runProcess } from '../sys/exec.js';
import { tryParseJson } from '../sys/json.js';
import { StepCallError, type DriverCall, type StepDriver, type StepResult } from './types.js';

/** Runs argv with the call's env (plus the base names programs need to start), collecting output. */
export async function runArgv(argv: string[], call: DriverCall): Promise<StepResult> {
  const file = argv[0] ?? '';
  const env = childEnv({
    ...call.env,
    ROLLOUTS_IDEMPOTENCY_KEY: call.idempotencyKey,
    ...(call.lease ? { ROLLOUTS_LEASE_EPOCH: String(call.lease.epoch) } : {}),
  });
  let r;
  try {
    r = await runProcess(argv, { cwd: call.cwd, env, signal: call.signal });
  } catch (err) {
    if (!(err instanceof ProcessError)) throw err;
    // A missing command or runaway output will be so on the next attempt too; a timeout may not.
    throw new StepCallError(err.message, err.reason === 'timeout' || err.reason === 'aborted');
  }
  const result: StepResult = {
    stdout: r.stdout,
    stderr: r.stderr,
    exitCode: r.exitCode ?? -1,
    json: tryParseJson(r.stdout),
  };
  if (r.exitCode === 0) return result;
  const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`;
  const tail = r.stderr.trim().split('\n').slice(-3).join(' | ');
  throw new StepCallError(`${file}: ${why}${tail ? `: ${tail}` : ''}`, true, result);
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

/**
 * A rendered value never becomes an option by surprise: an argument whose template renders to text starting with
 * `-` is refused unless the manifest placed it after a literal `--` (where programs read operands only). A cursor of
 * `--delete-all` stays data.
 */
export function optionLikeArgument(argv: string[], written: unknown): string | null {
  if (!Array.isArray(written)) return null;
  let operands = false;
  for (let i = 1; i < argv.length; i++) {
    const source = written[i];
    if (source === '--') operands = true;
    if (operands || typeof source !== 'string' || !source.includes('{{')) continue;
    if (argv[i]!.startsWith('-'))
      return (
        `argument ${i} (${source}) renders to text starting with "-", which the program would read as an option: ` +
        'put it after "--" in the manifest'
      );
  }
  return null;
}

export const runDriver: StepDriver = {
  kind: 'run',
  call: async (call) => {
    const argv = argvStrings(call.config);
    const refused = optionLikeArgument(argv, call.written);
    if (refused) throw new StepCallError(refused, false);
    return await runArgv(argv, call);
  },
};
