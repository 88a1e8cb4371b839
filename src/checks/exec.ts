// `exec`: a process from an argv array (sys/exec), never a shell. result = {exitCode, stdout, stderr, json (null when
// stdout is not JSON)}; value = exitCode; by default exit 0 passes. The process sees only the base names programs need
// to start plus the manifest's `env:`.
import { durationMs } from '../manifest/index.js';
import { childEnv, ProcessError, runProcess } from '../sys/exec.js';
import { tryParseJson } from '../sys/json.js';
import { MeasurementError, type CheckKindImpl } from './types.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  json: unknown;
}

export const execKind: CheckKindImpl<'exec'> = {
  kind: 'exec',
  async measure(spec, env) {
    const file = spec.run[0];
    let r;
    try {
      r = await runProcess(spec.run, {
        cwd: env.cwd,
        env: childEnv(env.env),
        signal: env.signal,
        timeoutMs: durationMs(spec.timeout),
      });
    } catch (err) {
      throw err instanceof ProcessError ? new MeasurementError(`exec ${err.message}`) : err;
    }
    if (r.exitCode === null) throw new MeasurementError(`exec ${file}: killed by ${r.signal ?? 'a signal'}`);
    const result: ExecResult = {
      exitCode: r.exitCode,
      stdout: r.stdout,
      stderr: r.stderr,
      json: tryParseJson(r.stdout) ?? null,
    };
    return { value: r.exitCode, result };
  },
  decide(m) {
    if (m.value === 0) return { outcome: 'pass' };
    const stderr = ((m.result as ExecResult).stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    return { outcome: 'fail', reason: `exit code ${m.value}${stderr ? `: ${stderr.slice(0, 500)}` : ''}` };
  },
};
