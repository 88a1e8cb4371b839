// The rollout manifest, apiVersion rollouts/v1 (DESIGN §3), as one zod schema.
// Defaults are written beside the fields they belong to, as Argo Rollouts' analysis spec does.
import { z } from 'zod';

export const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;
const NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const duration = z
  .string()
  .regex(DURATION_PATTERN, { error: 'expected a duration like 30s, 5m, 1h or 2d' })
  .describe('A duration: a whole number followed by ms, s, m, h or d.');

/** A CEL expression; compiled at validation, evaluated over `result` (steps) or `value`, `result`, `baseline` (checks). */
const cel = z.string().min(1).describe('A CEL expression.');
const name = z.string().regex(NAME_PATTERN, { error: 'expected lowercase letters, digits and single dashes' });
const stepName = z.string().min(1).max(100);

/** Which keys of an object are its mutually exclusive "kind" keys; read by validate and by the JSON Schema export. */
export const exactlyOneOf = new WeakMap<z.ZodType, readonly string[]>();
function oneKind<T extends z.ZodObject>(schema: T, keys: readonly string[]): T {
  const refined = schema.superRefine((value, ctx) => {
    const present = keys.filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (present.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      message: present.length
        ? `give exactly one of ${keys.join(', ')}; found ${present.join(' and ')}`
        : `needs one of ${keys.join(', ')}`,
      input: value,
    });
  }) as T;
  exactlyOneOf.set(refined, keys);
  return refined;
}

const argv = z.array(z.string()).min(1).describe('A command as an argv array; never run through a shell.');

export const httpRequest = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  json: z.unknown().optional().describe('Request body, sent as JSON.'),
  timeout: duration.default('30s'),
});

export const retry = z.strictObject({
  attempts: z.number().int().min(1).max(20).default(3).describe('Total attempts, the first included.'),
  backoff: z.array(duration).min(1).default(['1s', '2s', '4s']).describe('Wait before each retry; the last repeats.'),
});

export const paginate = z.strictObject({
  next: cel.describe('CEL over the last `result`: the cursor of the next call, e.g. result.json.nextCursor.'),
  while: cel.describe('CEL over the last `result`: call again while true, e.g. result.json.hasNextPage.'),
  maxBatches: z.number().int().min(1).optional().describe('Stop after this many batches (a safety cap).'),
});

const stepFields = {
  name: stepName,
  readOnly: z.boolean().default(false).describe('Writes nothing: runs in PR audits and drills.'),
  expect: cel.optional().describe('CEL over `result`; false fails the step.'),
  timeout: duration.default('5m'),
  retry: retry.optional(),
  paginate: paginate.optional(),
  run: argv.optional(),
  http: httpRequest.optional(),
  convex: z
    .strictObject({ function: z.string().min(1), args: z.record(z.string(), z.unknown()).default({}) })
    .optional()
    .describe("Preset of run: npx convex run <function> '<args as JSON>'."),
};
export const STEP_DRIVERS = ['run', 'http', 'convex'] as const;
export const step = oneKind(z.strictObject(stepFields), STEP_DRIVERS);

const labels = z.record(z.string(), z.string());

/**
 * The judge's default minimum effect (Kayenta's `effectSize`): a significant change fails only once the canary's mean
 * is 10 % above (or below) the control's. Kayenta's own default is 1.0 (no minimum); 1.1 / 0.9 is the example of its
 * canary-config documentation (spinnaker/kayenta docs/canary-config.md, EffectSize: "makes the metric fail when the
 * metric has increased 10% from the baseline"). It keeps a change of a fraction of a percent, which a rank test on a
 * long series can find "significant" (issue 9 saw p ~ 1e-4 at a mean ratio of 1.0016), from failing a canary, while a
 * 10 % regression still fails. Set 1.0 to fail on any significant change.
 */
export const JUDGE_EFFECT_SIZE = { allowedIncrease: 1.1, allowedDecrease: 0.9 } as const;

export const judgeMetric = z.strictObject({
  name: z.string().min(1).describe('Names the metric in the verdict and the PR comment.'),
  control: z
    .string()
    .min(1)
    .describe('PromQL range query over the control group; must return one series (aggregate it, e.g. sum(...)).'),
  canary: z.string().min(1).describe('PromQL range query over the canary group; must return one series.'),
  direction: z
    .enum(['increase', 'decrease', 'either'])
    .default('either')
    .describe('Which change is bad: increase (only High fails), decrease (only Low fails), either. Default either.'),
  critical: z
    .boolean()
    .default(false)
    .describe(
      'A critical metric that is High or Low makes the score 0; with no data it makes the verdict inconclusive.',
    ),
  effectSize: z
    .strictObject({
      allowedIncrease: z
        .number()
        .min(1)
        .default(JUDGE_EFFECT_SIZE.allowedIncrease)
        .describe(
          'High only when mean(canary) / mean(control) >= this, however significant the change. Default 1.1 (10 %).',
        ),
      allowedDecrease: z
        .number()
        .positive()
        .max(1)
        .default(JUDGE_EFFECT_SIZE.allowedDecrease)
        .describe('Low only when mean(canary) / mean(control) <= this. Default 0.9 (10 %).'),
    })
    .default(JUDGE_EFFECT_SIZE)
    .describe(
      "Kayenta's minimum effect: a significant change smaller than this is Pass. Skipped when the control mean is 0.",
    ),
});

export const judge = z
  .strictObject({
    prometheus: z
      .strictObject({ url: z.string().optional() })
      .default({})
      .describe("url: else another check's, else $PROMETHEUS_URL."),
    range: duration.default('30m').describe('Look-back window of the range queries, ending now. Default 30m.'),
    step: duration
      .default('15s')
      .describe(
        'Resolution of the range queries. Default 15s. Raised to the longest range selector or subquery window in ' +
          "a metric's queries (rate(x[1m]) -> 1m), so points share no data; a recording rule hides its window, so " +
          'set step to at least that window.',
      ),
    metrics: z.array(judgeMetric).min(1),
    thresholds: z
      .strictObject({
        pass: z.number().min(0).max(100).default(90).describe('Score >= pass: the sample passes. Default 90.'),
        marginal: z
          .number()
          .min(0)
          .max(100)
          .default(75)
          .describe('Score >= marginal (and < pass): inconclusive; below: fails. Default 75.'),
      })
      .default({ pass: 90, marginal: 75 }),
  })
  .describe(
    'Kayenta-style canary analysis: per metric a Mann-Whitney U test at 98 % confidence over points one rate window ' +
      "apart; High / Low only when the shift is clear of Kayenta's 25 % tolerance band and reaches effectSize. " +
      'value = 100 x Pass / metrics with data.',
  );

const checkFields = {
  http: httpRequest.optional(),
  prometheus: z
    .strictObject({ url: z.string().optional(), query: z.string().min(1) })
    .optional()
    .describe(
      "Instant query; `value` is the scalar or the single sample. url: else another check's, else $PROMETHEUS_URL.",
    ),
  exec: z.strictObject({ run: argv, timeout: duration.default('30s') }).optional(),
  alerts: z
    .strictObject({ url: z.string().optional(), labels: labels.default({}) })
    .optional()
    .describe('Firing alerts from Prometheus /api/v1/alerts whose labels match; `value` is their count.'),
  drill: z
    .strictObject({ maxRto: duration, maxAge: duration.default('30d') })
    .optional()
    .describe('A rollback drill recorded in the ledger within maxAge met maxRto.'),
  judge: judge.optional(),
  pass: cel.optional().describe('CEL over value, result, baseline: the sample passes when true.'),
  fail: cel.optional().describe('CEL over value, result, baseline: the sample fails when true.'),
  severity: z.enum(['critical', 'high', 'medium', 'low']).default('high'),
  for: duration.optional().describe('Must keep failing this long before a failure counts.'),
  timeout: duration.default('30s'),
};
export const CHECK_KINDS = ['http', 'prometheus', 'exec', 'alerts', 'drill', 'judge'] as const;
export const check = oneKind(z.strictObject(checkFields), CHECK_KINDS);
export const verifyCheck = oneKind(z.strictObject({ name: stepName, ...checkFields }), CHECK_KINDS);

export const gate = z.strictObject({
  hold: duration.describe('How long the gate must hold healthy.'),
  every: duration.default('5m').describe('Interval between samples.'),
  checks: z.array(z.string()).default([]),
  failureLimit: z.number().int().min(0).default(0).describe('Failed samples tolerated.'),
  errorLimit: z.number().int().min(0).default(4).describe('Consecutive errors tolerated (Argo Rollouts default).'),
  inconclusiveLimit: z.number().int().min(0).default(0).describe('Past it the gate pauses for a person.'),
});

export const cohort = z.strictObject({
  ids: z.array(z.string().min(1)).min(1).optional(),
  percent: z.number().gt(0).max(100).optional(),
  from: step.optional().describe('A step whose result.json is an array of ids or {ids: [...]}'),
  salt: z.string().min(1).optional().describe('Bucketing salt; defaults to the rollout name.'),
});

export const phase = z.strictObject({
  name,
  cohort: cohort.optional().describe('Absent: everyone (cohort.ids is null).'),
  checklist: z.array(z.string().min(1)).optional(),
  steps: z.array(step).default([]),
  gate: gate.optional().describe('Absent: the phase is healthy once its steps are done.'),
  promote: z.enum(['pr', 'auto', 'manual']).default('pr'),
  rollback: z.array(step).optional().describe("This phase's own rollback; else the manifest's."),
});

const notifyEvent = z.enum(['failure', 'rollback-start', 'rollback-done', 'promotion', 'complete']);
export const notifier = oneKind(
  z.strictObject({
    slack: z.strictObject({ webhookEnv: z.string().regex(ENV_NAME_PATTERN) }).optional(),
    webhook: z.strictObject({ urlEnv: z.string().regex(ENV_NAME_PATTERN) }).optional(),
    on: z.array(notifyEvent).default(['failure', 'rollback-start', 'rollback-done']),
  }),
  ['slack', 'webhook'],
);

export const manifest = z.strictObject({
  apiVersion: z.literal('rollouts/v1'),
  kind: z.literal('Rollout'),
  name,
  description: z.string().optional(),
  owners: z.array(z.string()).optional(),
  phase: z.string().min(1).describe('The desired phase; `none` = nothing applied.'),
  env: z.array(z.string().regex(ENV_NAME_PATTERN, { error: 'expected an environment variable name' })).default([]),
  vars: z.record(z.string(), z.unknown()).default({}),
  checks: z.record(name, check).default({}),
  phases: z.array(phase).min(1),
  rollback: z.array(step).default([]),
  verify: z.array(verifyCheck).default([]),
  notify: z.array(notifier).default([]),
});

export type Manifest = z.output<typeof manifest>;
export type Phase = Manifest['phases'][number];
export type Step = z.output<typeof step>;
export type Check = z.output<typeof check>;
export type VerifyCheck = z.output<typeof verifyCheck>;
export type Gate = z.output<typeof gate>;
export type Cohort = z.output<typeof cohort>;
export type Notifier = z.output<typeof notifier>;
export type HttpRequest = z.output<typeof httpRequest>;
export type StepDriverKind = (typeof STEP_DRIVERS)[number];
export type CheckKind = (typeof CHECK_KINDS)[number];

export function stepDriver(s: Step): StepDriverKind {
  const kind = STEP_DRIVERS.find((k) => s[k] !== undefined);
  if (!kind) throw new Error(`step ${s.name} has no driver`);
  return kind;
}

export function checkKind(c: Check): CheckKind {
  const kind = CHECK_KINDS.find((k) => c[k] !== undefined);
  if (!kind) throw new Error('check has no kind');
  return kind;
}

const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export function durationMs(text: string): number {
  const m = DURATION_PATTERN.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNITS_MS[m[2] as keyof typeof UNITS_MS];
}
