// The judge check kind's config (Kayenta-style canary analysis, DESIGN §3 "judge"); its table entry is in
// check-kinds.ts, its implementation in checks/judge.ts.
import { z } from 'zod';
import { duration } from './primitives.js';

/**
 * The judge's default minimum effect (Kayenta's `effectSize`): a significant change fails only once the canary's mean
 * is 10 % above (or below) the control's. Kayenta's own default is 1.0 (no minimum); 1.1 / 0.9 is the example of its
 * canary-config documentation (spinnaker/kayenta docs/canary-config.md, EffectSize: "makes the metric fail when the
 * metric has increased 10% from the baseline"). It keeps a change of a fraction of a percent, which a rank test on a
 * long series can find "significant" (issue 9 saw p ~ 1e-4 at a mean ratio of 1.0016), from failing a canary, while a
 * 10 % regression still fails. Set 1.0 to fail on any significant change.
 */
export const JUDGE_EFFECT_SIZE = { allowedIncrease: 1.1, allowedDecrease: 0.9 } as const;

export const judgeMetric = z
  .strictObject({
    name: z.string().min(1).describe('Names the metric in the verdict and the PR comment.'),
    control: z
      .string()
      .min(1)
      .describe('PromQL range query over the control group; must return one series (aggregate it, e.g. sum(...)).'),
    canary: z.string().min(1).describe('PromQL range query over the canary group; must return one series.'),
    direction: z
      .enum(['increase', 'decrease', 'either'])
      .default('either')
      .describe(
        'Which change is bad: increase (only High fails), decrease (only Low fails), either (default: either).',
      ),
    critical: z
      .boolean()
      .default(false)
      .describe(
        'A critical metric that is High or Low makes the score 0; with no data it makes the verdict inconclusive ' +
          '(default: false).',
      ),
    effectSize: z
      .strictObject({
        allowedIncrease: z
          .number()
          .min(1)
          .default(JUDGE_EFFECT_SIZE.allowedIncrease)
          .describe(
            `High only when mean(canary) / mean(control) >= this, however significant the change ` +
              `(default: ${JUDGE_EFFECT_SIZE.allowedIncrease}).`,
          ),
        allowedDecrease: z
          .number()
          .positive()
          .max(1)
          .default(JUDGE_EFFECT_SIZE.allowedDecrease)
          .describe(
            `Low only when mean(canary) / mean(control) <= this (default: ${JUDGE_EFFECT_SIZE.allowedDecrease}).`,
          ),
      })
      .default(JUDGE_EFFECT_SIZE)
      .describe(
        "Kayenta's minimum effect: a significant change smaller than this is Pass. Skipped when the control mean is 0 " +
          `(default: {allowedIncrease: ${JUDGE_EFFECT_SIZE.allowedIncrease}, ` +
          `allowedDecrease: ${JUDGE_EFFECT_SIZE.allowedDecrease}}).`,
      ),
  })
  .describe('One metric, queried over the control and the canary group.');

export const judge = z
  .strictObject({
    prometheus: z
      .strictObject({
        url: z.string().optional().describe("Prometheus's base URL; absent: another check's, else $PROMETHEUS_URL."),
      })
      .default({})
      .describe('Where the range queries go (default: {}).'),
    range: duration.default('30m').describe('Look-back window of the range queries, ending now (default: 30m).'),
    step: duration
      .default('15s')
      .describe(
        'Resolution of the range queries, raised to the longest range selector or subquery window in ' +
          "a metric's queries (rate(x[1m]) -> 1m), so points share no data; a recording rule hides its window, so " +
          'set step to at least that window (default: 15s).',
      ),
    metrics: z.array(judgeMetric).min(1).describe('The metrics compared, canary against control.'),
    thresholds: z
      .strictObject({
        pass: z.number().min(0).max(100).default(90).describe('Score >= pass: the sample passes (default: 90).'),
        marginal: z
          .number()
          .min(0)
          .max(100)
          .default(75)
          .describe('Score >= marginal (and < pass): inconclusive; below: fails (default: 75).'),
      })
      .default({ pass: 90, marginal: 75 })
      .describe('The score (0-100) a sample needs (default: {pass: 90, marginal: 75}).'),
  })
  .describe(
    'Kayenta-style canary analysis: per metric a Mann-Whitney U test at 98 % confidence over points one rate window ' +
      "apart; High / Low only when the shift is clear of Kayenta's 25 % tolerance band and reaches effectSize. " +
      'value = 100 x Pass / metrics with data.',
  );
