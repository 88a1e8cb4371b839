// Prometheus' HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/): the envelope
// {status, data | errorType, error}, instant and range query results, and the alerts list.
import { request, safeUrl } from '../sys/http.js';
import { tryParseJson } from '../sys/json.js';
import { MeasurementError, type CheckEnv } from './types.js';

/** A check's own url (rendered), else the engine's default; none at all cannot be measured. */
export function prometheusBase(url: string | undefined, env: CheckEnv): string {
  const base = url ?? env.prometheusUrl;
  if (!base) throw new MeasurementError('no Prometheus URL: give url: on the check or set PROMETHEUS_URL');
  return base.replace(/\/+$/, '');
}

export async function prometheusGet(
  base: string,
  path: string,
  params: Record<string, string>,
  signal: AbortSignal,
): Promise<unknown> {
  const query = new URLSearchParams(params).toString();
  const url = `${base}${path}${query ? `?${query}` : ''}`;
  const res = await request(url, { signal });
  const body = tryParseJson(res.body) as
    { status?: unknown; data?: unknown; errorType?: unknown; error?: unknown } | undefined;
  if (!body || typeof body !== 'object')
    throw new MeasurementError(`bad response from ${safeUrl(url)}: HTTP ${res.status}, not Prometheus API JSON`);
  if (body.status !== 'success') {
    const what = [body.errorType, body.error].filter((x) => typeof x === 'string').join(': ');
    throw new MeasurementError(`Prometheus ${path} failed (HTTP ${res.status})${what ? `: ${what}` : ''}`);
  }
  return body.data;
}

/** Prometheus sends sample values as strings ("0.05", "NaN", "+Inf"). NaN is no data; infinities are kept. */
export function sampleNumber(raw: unknown): number | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const n = typeof raw === 'number' ? raw : raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
  return Number.isNaN(n) ? null : n;
}

export interface InstantSample {
  metric: Record<string, string>;
  value: number | null;
}

export interface InstantResult {
  resultType: 'scalar' | 'vector';
  samples: InstantSample[];
}

function pairValue(pair: unknown): number | null {
  if (!Array.isArray(pair) || pair.length !== 2)
    throw new MeasurementError('bad Prometheus sample: expected [time, "value"]');
  return sampleNumber(pair[1]);
}

export function parseInstant(data: unknown): InstantResult {
  const d = data as { resultType?: unknown; result?: unknown } | null;
  if (d?.resultType === 'scalar')
    return { resultType: 'scalar', samples: [{ metric: {}, value: pairValue(d.result) }] };
  if (d?.resultType === 'vector' && Array.isArray(d.result)) {
    const samples = d.result.map((s: { metric?: Record<string, string>; value?: unknown }) => ({
      metric: s.metric ?? {},
      value: pairValue(s.value),
    }));
    return { resultType: 'vector', samples };
  }
  throw new MeasurementError(
    `the query gave a ${String(d?.resultType ?? 'malformed result')}; a check needs a scalar or an instant vector`,
  );
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: number[];
}

/** A range query's matrix; NaN points are dropped (no data at that step). */
export function parseMatrix(data: unknown): RangeSeries[] {
  const d = data as { resultType?: unknown; result?: unknown } | null;
  if (d?.resultType !== 'matrix' || !Array.isArray(d.result))
    throw new MeasurementError(`a range query gave ${String(d?.resultType ?? 'a malformed result')}, not a matrix`);
  return d.result.map((s: { metric?: Record<string, string>; values?: unknown }) => {
    if (!Array.isArray(s.values)) throw new MeasurementError('bad Prometheus series: no values');
    const values = s.values.map(pairValue).filter((v): v is number => v !== null);
    return { metric: s.metric ?? {}, values };
  });
}

export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  value?: string;
}

export function parseAlerts(data: unknown): PrometheusAlert[] {
  const alerts = (data as { alerts?: unknown } | null)?.alerts;
  if (!Array.isArray(alerts)) throw new MeasurementError('bad /api/v1/alerts response: no alerts list');
  return alerts.map((a: Partial<PrometheusAlert>) => ({
    labels: a.labels ?? {},
    annotations: a.annotations ?? {},
    state: String(a.state ?? ''),
    ...(a.activeAt !== undefined ? { activeAt: a.activeAt } : {}),
    ...(a.value !== undefined ? { value: a.value } : {}),
  }));
}
