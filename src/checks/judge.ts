// `judge`: Kayenta-style canary analysis. For each metric, range queries over the last `range` for control and canary,
// classified by the Mann-Whitney judge (./judge/); value = the score, result = per-metric numbers and the verdict.
// By default: verdict pass -> pass, marginal -> inconclusive, fail -> fail, no counted metric -> inconclusive.
import { durationMs } from '../manifest/schema.js';
import { renderText } from '../manifest/templates.js';
import { classifyMetric, scoreJudgement, type JudgeVerdict, type MetricResult } from './judge/classify.js';
import { parseMatrix, prometheusBase, prometheusGet } from './prometheus-api.js';
import type { CheckEnv, CheckKindImpl } from './types.js';

export interface JudgeResult {
  verdict: JudgeVerdict;
  score: number | null;
  reason: string;
  /** Range of the queries, ISO. */
  start: string;
  end: string;
  metrics: MetricResult[];
}

interface Window {
  start: number;
  end: number;
  step: number;
}

/** One series of numbers; several series cannot be compared point for point, so they are reported, not pooled. */
async function seriesOf(base: string, query: string, w: Window, env: CheckEnv): Promise<number[] | string> {
  const params = { query, start: String(w.start), end: String(w.end), step: String(w.step) };
  const series = parseMatrix(await prometheusGet(base, '/api/v1/query_range', params, env.signal));
  if (series.length > 1) return `returned ${series.length} series; aggregate it to one (e.g. sum(...))`;
  return series[0]?.values ?? [];
}

export const judgeKind: CheckKindImpl<'judge'> = {
  kind: 'judge',
  async measure(check, env) {
    const spec = check.judge!;
    const base = prometheusBase(spec.prometheus.url, env);
    const endMs = env.now().getTime();
    const w: Window = {
      end: endMs / 1000,
      start: (endMs - durationMs(spec.range)) / 1000,
      step: durationMs(spec.step) / 1000,
    };
    const metrics = await Promise.all(
      spec.metrics.map(async (m): Promise<MetricResult> => {
        const [control, canary] = await Promise.all([
          seriesOf(base, renderText(m.control, env.vars), w, env),
          seriesOf(base, renderText(m.canary, env.vars), w, env),
        ]);
        const input = { name: m.name, direction: m.direction, critical: m.critical, effectSize: m.effectSize };
        if (typeof control === 'string' || typeof canary === 'string') {
          const noData = classifyMetric({ ...input, control: [], canary: [] });
          const why = [
            typeof control === 'string' ? `control ${control}` : '',
            typeof canary === 'string' ? `canary ${canary}` : '',
          ];
          return { ...noData, reason: why.filter(Boolean).join('; ') };
        }
        return classifyMetric({ ...input, control, canary });
      }),
    );
    const judgement = scoreJudgement(metrics, spec.thresholds);
    const result: JudgeResult = {
      verdict: judgement.verdict,
      score: judgement.score,
      reason: judgement.reason,
      start: new Date(w.start * 1000).toISOString(),
      end: new Date(endMs).toISOString(),
      metrics,
    };
    return judgement.score === null
      ? { value: null, result, note: judgement.reason }
      : { value: judgement.score, result };
  },
  decide(m) {
    const { verdict, reason } = m.result as JudgeResult;
    if (verdict === 'pass') return { outcome: 'pass' };
    return { outcome: verdict === 'fail' ? 'fail' : 'inconclusive', reason: `judge ${verdict}: ${reason}` };
  },
};
