// One sample of one check: measure (bounded by the check's timeout), then decide pass / fail / inconclusive with the
// check's conditions or the kind's default. A measurement that could not be made is `error`, never `fail`.
import { performance } from 'node:perf_hooks';
import { durationMs, type Check } from '../manifest/index.js';
import { evaluateConditions } from './conditions.js';
import { deadline, type Deadline } from './deadline.js';
import { kindOf, measureCheck } from './registry.js';
import type { CheckEnv, KindDecision, Measurement, Sample } from './types.js';

const MAX_DETAIL_STRING = 4096;
const MAX_DETAIL_ITEMS = 200;

/** The result as the ledger keeps it: long strings and lists shortened (conditions saw the whole thing). */
export function compactDetail(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.length > MAX_DETAIL_STRING
      ? `${value.slice(0, MAX_DETAIL_STRING)}… (${value.length - MAX_DETAIL_STRING} more chars)`
      : value;
  if (depth > 12) return '…';
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_DETAIL_ITEMS).map((v) => compactDetail(v, depth + 1));
    return value.length > MAX_DETAIL_ITEMS ? [...kept, `… (${value.length - MAX_DETAIL_ITEMS} more)`] : kept;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = compactDetail(v, depth + 1);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] || (err instanceof Error ? err.name : 'unknown error');
}

/** Measures within the check's timeout; even a kind that ignores the signal cannot hold the caller past it. */
async function measureWithin(check: Check, env: CheckEnv): Promise<{ m: Measurement } | { error: string }> {
  const limit: Deadline = deadline(env.signal, durationMs(check.timeout));
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(limit.signal.reason instanceof Error ? limit.signal.reason : new Error('aborted'));
    if (limit.signal.aborted) onAbort();
    else limit.signal.addEventListener('abort', onAbort, { once: true });
  });
  const measuring = measureCheck(check, { ...env, signal: limit.signal });
  measuring.catch(() => undefined);
  aborted.catch(() => undefined);
  try {
    const m = await Promise.race([measuring, aborted]);
    if (m.value !== null && typeof m.value !== 'number') return { error: `the measurement gave a non-number value` };
    return { m };
  } catch (err) {
    if (limit.expired()) return { error: `timed out after ${check.timeout}` };
    if (env.signal.aborted) return { error: `aborted: ${errorText(env.signal.reason)}` };
    return { error: errorText(err) };
  } finally {
    if (onAbort) limit.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * No data decided by `noData:` when it says pass or fail; else the conditions when given, else the kind's own verdict,
 * else inconclusive (a kind with no default needs a condition).
 */
export function decideMeasurement(check: Check, m: Measurement, baseline: number | null): KindDecision {
  if (m.noData && check.noData !== 'inconclusive')
    return { outcome: check.noData, reason: `${m.note ?? 'no data'} (noData: ${check.noData})` };
  const byConditions = evaluateConditions(check, { value: m.value, result: m.result, baseline }, m.note);
  if (byConditions) return byConditions;
  const impl = kindOf(check);
  if (impl.decide) return impl.decide(m, check);
  if (m.value === null) return { outcome: 'inconclusive', reason: m.note ?? 'no value' };
  return { outcome: 'inconclusive', reason: `a ${impl.kind} check decides only with pass: or fail:` };
}

export async function sampleCheck(
  name: string,
  check: Check,
  env: CheckEnv,
  baseline?: number | null,
): Promise<Sample> {
  const at = env.now().toISOString();
  const t0 = performance.now();
  const measured = await measureWithin(check, env);
  const elapsed = Math.round(performance.now() - t0);
  const base = { check: name, at, severity: check.severity, durationMs: elapsed };
  if ('error' in measured) return { ...base, outcome: 'error', value: null, error: measured.error };
  const { m } = measured;
  const decision = decideMeasurement(check, m, baseline ?? null);
  return {
    ...base,
    outcome: decision.outcome,
    value: m.value,
    ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
    detail: compactDetail(m.result),
  };
}

/**
 * The value a check measures now (when its phase starts), for conditions that compare with `baseline`; null if none.
 */
export async function measureBaseline(check: Check, env: CheckEnv): Promise<number | null> {
  const measured = await measureWithin(check, env);
  return 'm' in measured ? measured.m.value : null;
}
