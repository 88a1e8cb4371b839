// Per-metric classification, after Kayenta's NetflixACAJudge: its MannWhitneyClassifier
// (kayenta-judge/src/main/scala/com/netflix/kayenta/judge/classifiers/metric/MannWhitneyClassifier.scala); the
// judgement's score over the metrics is score.ts. Three guards keep a same-distribution canary passing: the series
// are thinned to independent points before they get here (windows.ts); a significant shift must be clear of
// Kayenta's tolerance band; and it must be large enough to matter (`effectSize`). Both of the last two are Kayenta's,
// below.
import { JUDGE_EFFECT_SIZE } from '../../manifest/index.js';
import {
  finiteValues,
  hodgesLehmannInterval,
  hodgesLehmannShift,
  mannWhitneyShifted,
  mannWhitneyU,
  meanRatio,
  smallestPValue,
} from './stats.js';

/** Confidence of the test (Kayenta's NetflixACAJudge uses 98 %): a difference is significant when p < 0.02. */
const JUDGE_CONFIDENCE = 0.98;
export const JUDGE_ALPHA = 0.02;
/**
 * Kayenta's tolerance (NetflixACAJudge: `new MannWhitneyClassifier(tolerance = 0.25, confLevel = 0.98, ...)`): High
 * only when the whole 98 % confidence interval of the shift lies above 25 % of its Hodges-Lehmann estimate (Low: below
 * -25 %), i.e. the change is clearly more than a quarter of its own size. For a shift at the edge of significance the
 * interval reaches down to 0, so this asks for about 1.33 x the significant shift: a two-sided test near p < 0.002,
 * which keeps several metrics judged together from failing each other's canary by chance.
 */
export const KAYENTA_TOLERANCE = 0.25;
/** Fewer points than this in either series and the metric is NoData (not counted). */
const MIN_POINTS = 3;

export type MetricDirection = 'increase' | 'decrease' | 'either';
export type MetricClass = 'Pass' | 'High' | 'Low' | 'NoData';

export interface MetricInput {
  name?: string;
  control: readonly number[];
  canary: readonly number[];
  /** Which change is bad: `increase` (only High fails), `decrease` (only Low fails), `either` (default). */
  direction?: MetricDirection;
  critical?: boolean;
  /**
   * The smallest change that fails: High needs mean(canary)/mean(control) >= allowedIncrease, Low <= allowedDecrease.
   * Absent fields take JUDGE_EFFECT_SIZE (1.1 / 0.9).
   */
  effectSize?: { allowedIncrease?: number | undefined; allowedDecrease?: number | undefined } | undefined;
}

export interface MetricResult {
  name?: string;
  classification: MetricClass;
  critical: boolean;
  /** Two-sided p-value; null for NoData. */
  pValue: number | null;
  /** U1 of the control; null for NoData. */
  u: number | null;
  /** Hodges-Lehmann shift canary - control; null for NoData. */
  hlShift: number | null;
  /** 98 % confidence interval of the shift (R's wilcox.test conf.int, canary - control); null for NoData. */
  hlInterval: [number, number] | null;
  /** mean(canary) / mean(control); null for NoData or when the control mean is 0. */
  meanRatio: number | null;
  controlCount: number;
  canaryCount: number;
  /** One line a person reads in the PR comment. */
  reason: string;
}

const DIRECTIONS: readonly MetricDirection[] = ['increase', 'decrease', 'either'];

/** A figure as a person reads it: three significant digits. */
export function threeDigits(n: number): string {
  return Number(n.toPrecision(3)).toString();
}

function describeDifference(pValue: number, hlShift: number, ratio: number | null): string {
  const ratioText = ratio === null ? 'mean ratio undefined (control mean 0)' : `mean ratio ${threeDigits(ratio)}`;
  return `p=${threeDigits(pValue)}, shift ${hlShift >= 0 ? '+' : ''}${threeDigits(hlShift)}, ${ratioText}`;
}

/**
 * The mean ratio as an effect size, or null where a ratio means nothing: a control mean that is not positive (0 makes
 * it undefined, a negative one turns "higher" into a smaller ratio) or a negative canary mean.
 */
function effectRatio(control: readonly number[], canary: readonly number[], ratio: number | null): number | null {
  if (ratio === null || ratio < 0) return null;
  const controlSum = control.reduce((sum, v) => sum + v, 0);
  return controlSum > 0 ? ratio : null;
}

/**
 * Classifies one metric: Pass, High (canary significantly higher), Low (lower) or NoData.
 * - NaN and infinite points are dropped (Kayenta's default `nanStrategy: remove`); fewer than 3 points in either
 *   series -> NoData; so few that no difference could reach p < 0.02 (e.g. 4 against 4) -> NoData too, since a Pass
 *   the test could not have failed is no evidence.
 * - identical series, or every point equal -> Pass with p = 1.
 * - p >= 0.02 -> Pass. Otherwise the sign of the Hodges-Lehmann shift gives High or Low; when the shift is 0 (heavy
 *   ties, e.g. mostly-zero error counts) the rank sums decide, so a significant change is never called Pass for lack
 *   of a median shift.
 * - `direction` keeps only the bad side.
 * - Kayenta's tolerance band (KAYENTA_TOLERANCE; MannWhitneyClassifier.calculateBounds): the shift 25 % of the way
 *   from 0 to the estimate must itself be rejected, on the same side. Asked as a test at that shift
 *   (mannWhitneyShifted), which is what "the interval lies beyond it" means, without the interval's root-finding error.
 *   A zero estimate (ties) has an empty band: significance decides, as in Kayenta.
 * - `effectSize`, as Kayenta's (MannWhitneyClassifier.compare: `deviation >= allowedIncrease` for High, `<=
 *   allowedDecrease` for Low, the deviation being EffectSizes.meanRatio): a significant change whose mean ratio has
 *   not reached the allowed increase or decrease is Pass. Where the ratio means nothing (see effectRatio) the gate is
 *   skipped and significance alone decides, as Kayenta documents for a NaN effect size (spinnaker.io, "How canary
 *   judgment works": content/en/docs/guides/user/canary/judge/_index.md in spinnaker/spinnaker.io).
 */
export function classifyMetric(input: MetricInput): MetricResult {
  const direction = input.direction ?? 'either';
  if (!DIRECTIONS.includes(direction))
    throw new Error(`metric direction must be increase, decrease or either, got ${String(direction)}`);
  const control = finiteValues(input.control);
  const canary = finiteValues(input.canary);
  const base = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    critical: input.critical ?? false,
    controlCount: control.length,
    canaryCount: canary.length,
  };
  const noData = (reason: string): MetricResult => ({
    ...base,
    classification: 'NoData',
    pValue: null,
    u: null,
    hlShift: null,
    hlInterval: null,
    meanRatio: null,
    reason,
  });

  const points = `${control.length} control and ${canary.length} canary points`;
  if (control.length < MIN_POINTS || canary.length < MIN_POINTS) {
    return noData(`not enough data: ${points}, at least ${MIN_POINTS} each needed`);
  }
  const bestP = smallestPValue(control.length, canary.length);
  if (!(bestP < JUDGE_ALPHA)) {
    return noData(
      `not enough data: with ${points} no difference can be significant (p >= ${threeDigits(bestP)}); ` +
        'lengthen the range or shorten the rate window',
    );
  }

  const sortedControl = [...control].sort((a, b) => a - b);
  const sortedCanary = [...canary].sort((a, b) => a - b);
  const identical =
    sortedControl.length === sortedCanary.length && sortedControl.every((v, i) => v === sortedCanary[i]);
  const allTied =
    sortedControl[0] === sortedControl.at(-1) &&
    sortedCanary[0] === sortedCanary.at(-1) &&
    sortedControl[0] === sortedCanary[0];
  if (identical || allTied) {
    return {
      ...base,
      classification: 'Pass',
      pValue: 1,
      u: (control.length * canary.length) / 2,
      hlShift: 0,
      hlInterval: [0, 0],
      meanRatio: 1,
      reason: identical ? 'control and canary data are identical' : 'every point has the same value',
    };
  }

  const test = mannWhitneyU(control, canary);
  const hlShift = hodgesLehmannShift(control, canary);
  const ratio = meanRatio(control, canary);
  const measured = {
    ...base,
    pValue: test.pValue,
    u: test.u,
    hlShift,
    hlInterval: hodgesLehmannInterval(control, canary, JUDGE_CONFIDENCE),
    meanRatio: ratio,
  };
  const numbers = describeDifference(test.pValue, hlShift, ratio);
  if (!(test.pValue < JUDGE_ALPHA)) {
    return { ...measured, classification: 'Pass', reason: `no significant difference (${numbers})` };
  }

  const higher = hlShift > 0 || (hlShift === 0 && test.u < (control.length * canary.length) / 2);
  const side = higher ? 'higher' : 'lower';
  if ((higher && direction === 'decrease') || (!higher && direction === 'increase')) {
    return {
      ...measured,
      classification: 'Pass',
      reason: `canary ${side}, but only ${direction === 'increase' ? 'an increase' : 'a decrease'} is bad (${numbers})`,
    };
  }
  if (hlShift !== 0) {
    const tolerance = KAYENTA_TOLERANCE * hlShift;
    const atTolerance = mannWhitneyShifted(control, canary, tolerance);
    const beyond = atTolerance.pValue < JUDGE_ALPHA && (higher ? atTolerance.z < 0 : atTolerance.z > 0);
    if (!beyond) {
      return {
        ...measured,
        classification: 'Pass',
        reason:
          `canary ${side} but not clearly beyond ${KAYENTA_TOLERANCE * 100} % of its shift ` +
          `(${tolerance >= 0 ? '+' : ''}${threeDigits(tolerance)}, p=${threeDigits(atTolerance.pValue)} there) (${numbers})`,
      };
    }
  }
  const allowed = higher
    ? (input.effectSize?.allowedIncrease ?? JUDGE_EFFECT_SIZE.allowedIncrease)
    : (input.effectSize?.allowedDecrease ?? JUDGE_EFFECT_SIZE.allowedDecrease);
  const effect = effectRatio(control, canary, ratio);
  if (effect !== null && (higher ? effect < allowed : effect > allowed)) {
    return {
      ...measured,
      classification: 'Pass',
      reason: `canary ${side} but within the allowed ${higher ? 'increase' : 'decrease'} ${threeDigits(allowed)} (${numbers})`,
    };
  }
  return { ...measured, classification: higher ? 'High' : 'Low', reason: `canary significantly ${side} (${numbers})` };
}
