// `judge`: Kayenta-style canary analysis. For each metric, range queries over the last `range` for control and canary,
// at a step no shorter than the queries' rate windows (./judge/windows.ts), classified by the Mann-Whitney judge
// (./judge/classify.ts); value = the score, result = per-metric numbers and the verdict.
// By default: verdict pass -> pass, marginal -> inconclusive, fail -> fail, no counted metric -> inconclusive.
import { durationMs } from '../manifest/index.js';
import { classifyMetric, type MetricResult } from './judge/classify.js';
import { scoreJudgement, type JudgeVerdict } from './judge/score.js';
import { thinnedStep, type Thinning } from './judge/windows.js';
import { parseMatrix, prometheusBase, prometheusGet } from './prometheus-api.js';
import type { CheckEnv, CheckKindImpl } from './types.js';

export interface JudgeResult {
  verdict: JudgeVerdict;
  score: number | null;
  reason: string;
  /** Range of the queries, ISO. */
  start: string;
  end: string;
  metrics: JudgedMetric[];
}

/** A metric's classification and how its series were sampled: `step` seconds apart, raised to `window` if needed. */
export type JudgedMetric = MetricResult & Thinning;

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

/** The reason, saying when points were taken further apart than the configured step. */
function withSampling(reason: string, t: Thinning): string {
  if (t.thinnedFrom === null) return reason;
  return `${reason}; points ${t.step}s apart (step raised from ${t.thinnedFrom}s to the ${t.window}s rate window)`;
}

export const judgeKind: CheckKindImpl<'judge'> = {
  kind: 'judge',
  async measure(spec, env) {
    const base = prometheusBase(spec.prometheus.url, env);
    const endMs = env.now().getTime();
    const end = endMs / 1000;
    const start = (endMs - durationMs(spec.range)) / 1000;
    const metrics = await Promise.all(
      spec.metrics.map(async (m): Promise<JudgedMetric> => {
        const [controlQuery, canaryQuery] = [m.control, m.canary]; // rendered already (manifest/check-kinds.ts)
        const thinning = thinnedStep(durationMs(spec.step) / 1000, [controlQuery, canaryQuery]);
        const w: Window = { start, end, step: thinning.step };
        const [control, canary] = await Promise.all([
          seriesOf(base, controlQuery, w, env),
          seriesOf(base, canaryQuery, w, env),
        ]);
        const input = { name: m.name, direction: m.direction, critical: m.critical, effectSize: m.effectSize };
        if (typeof control === 'string' || typeof canary === 'string') {
          const noData = classifyMetric({ ...input, control: [], canary: [] });
          const why = [
            typeof control === 'string' ? `control ${control}` : '',
            typeof canary === 'string' ? `canary ${canary}` : '',
          ];
          return { ...noData, reason: why.filter(Boolean).join('; '), ...thinning };
        }
        const judged = classifyMetric({ ...input, control, canary });
        return { ...judged, reason: withSampling(judged.reason, thinning), ...thinning };
      }),
    );
    const judgement = scoreJudgement(metrics, spec.thresholds);
    const result: JudgeResult = {
      verdict: judgement.verdict,
      score: judgement.score,
      reason: judgement.reason,
      start: new Date(start * 1000).toISOString(),
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
