// The score and verdict of a judgement over its classified metrics, as Kayenta's NetflixACAJudge scores them: the share
// of counted metrics that pass, held against the pass and marginal thresholds; a critical metric can fail it alone.
import { threeDigits, type MetricResult } from './classify.js';

export interface JudgeThresholds {
  pass: number;
  marginal: number;
}

export type JudgeVerdict = 'pass' | 'marginal' | 'fail' | 'inconclusive';

export interface Judgement {
  /** 100 x Pass / counted, 0 when a critical metric is High or Low; null when no metric was counted. */
  score: number | null;
  verdict: JudgeVerdict;
  /** Metrics that had data (not NoData). */
  counted: number;
  passed: number;
  /** Names (or #index) of critical metrics classified High or Low. */
  criticalFailures: string[];
  reason: string;
}

function label(metric: MetricResult, index: number): string {
  return metric.name ?? `#${index}`;
}

/**
 * The score and verdict of a judgement. Score >= thresholds.pass -> pass; >= marginal -> marginal (the gate counts it
 * as inconclusive); below -> fail. No counted metric -> inconclusive. A critical metric that is High or Low makes the
 * score 0. A critical metric with NoData cannot be judged: a verdict that would pass (or be marginal) becomes
 * inconclusive, so missing data never promotes, and never rolls back by itself (a check that cannot measure is
 * inconclusive, DESIGN 3).
 */
export function scoreJudgement(metrics: readonly MetricResult[], thresholds: JudgeThresholds): Judgement {
  for (const key of ['pass', 'marginal'] as const) {
    const value = thresholds[key];
    if (typeof value !== 'number' || !(value >= 0 && value <= 100)) {
      throw new RangeError(`judge threshold ${key} must be a number in [0, 100], got ${String(value)}`);
    }
  }
  const counted = metrics.filter((m) => m.classification !== 'NoData');
  const passed = counted.filter((m) => m.classification === 'Pass').length;
  const criticalFailures = metrics.flatMap((m, i) =>
    m.critical && (m.classification === 'High' || m.classification === 'Low') ? [label(m, i)] : [],
  );
  const criticalNoData = metrics.flatMap((m, i) => (m.critical && m.classification === 'NoData' ? [label(m, i)] : []));

  if (counted.length === 0) {
    return {
      score: null,
      verdict: 'inconclusive',
      counted: 0,
      passed: 0,
      criticalFailures,
      reason: 'no metric had enough data',
    };
  }
  const score = criticalFailures.length > 0 ? 0 : (100 * passed) / counted.length;
  const verdict: JudgeVerdict =
    criticalFailures.length > 0
      ? 'fail'
      : score >= thresholds.pass
        ? 'pass'
        : score >= thresholds.marginal
          ? 'marginal'
          : 'fail';
  const tally = `${passed}/${counted.length} metrics pass, score ${threeDigits(score)}`;
  if (criticalFailures.length > 0) {
    return {
      score,
      verdict,
      counted: counted.length,
      passed,
      criticalFailures,
      reason: `critical metric ${criticalFailures.join(', ')} failed (${tally})`,
    };
  }
  if (verdict !== 'fail' && criticalNoData.length > 0) {
    return {
      score,
      verdict: 'inconclusive',
      counted: counted.length,
      passed,
      criticalFailures,
      reason: `critical metric ${criticalNoData.join(', ')} has no data (${tally})`,
    };
  }
  const against =
    verdict === 'pass'
      ? `>= pass ${thresholds.pass}`
      : verdict === 'marginal'
        ? `>= marginal ${thresholds.marginal}`
        : `< marginal ${thresholds.marginal}`;
  return { score, verdict, counted: counted.length, passed, criticalFailures, reason: `${tally} ${against}` };
}
