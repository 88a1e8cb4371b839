// The rollout manifest, apiVersion rollouts/v1 (DESIGN §3), as one zod schema.
// Defaults are written beside the fields they belong to, as Argo Rollouts' analysis spec does.
import { z } from 'zod';
import { CHECK_KIND_TABLE, type CheckKind, type CheckKindSpec } from './check-kinds.js';
import { kindsOf, optionalKinds } from './kinds.js';
import { cel, duration, ENV_NAME_PATTERN, httpRequest, name, oneKind, stepName } from './primitives.js';
import { STEP_DRIVER_TABLE, type StepDriverKind } from './step-drivers.js';

export const retry = z
  .strictObject({
    attempts: z.number().int().min(1).max(20).default(3).describe('Total attempts, the first included (default: 3).'),
    backoff: z
      .array(duration)
      .min(1)
      .default(['1s', '2s', '4s'])
      .describe('Wait before each retry; the last repeats (default: [1s, 2s, 4s]).'),
  })
  .describe('Retries a call that failed to complete (an error, a timeout, HTTP 408, 429 or 5xx).');

/** Checks sampled between a paged step's batches (gh-ost's and pt-online-schema-change's --max-load/--critical-load). */
export const throttle = z
  .strictObject({
    checks: z
      .array(name)
      .min(1)
      .describe(
        'Names from `checks:`. A failing check of severity medium or low, or one that errors or is inconclusive, ' +
          'holds the next batch (the cursor stays); a failing critical or high check stops the phase and requests ' +
          'its rollback, as a failing gate does (in a rollback or drill it only holds).',
      ),
    every: duration
      .default('10s')
      .describe('Samples at most this often, between batches and while held (default: 10s).'),
    maxWait: duration
      .default('30m')
      .describe('A step still held after this long fails, its cursor kept: the next pass resumes it (default: 30m).'),
  })
  .describe('Checks sampled between batches: a batch is sent only while they pass.');

/** An adaptive `{{ page.size }}` (pt-online-schema-change's --chunk-time, gh-ost's chunk-size). */
export const batchTime = z
  .strictObject({
    target: duration.describe('How long a batch should take; `{{ page.size }}` follows the measured rate toward it.'),
    minSize: z.number().int().min(1).default(1).describe('The smallest `{{ page.size }}` (default: 1).'),
    maxSize: z
      .number()
      .int()
      .min(1)
      .describe('The largest `{{ page.size }}`: what the target accepts in one call (required).'),
    startSize: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('`{{ page.size }}` of the first batch (default: minSize); a resumed step goes on with its checkpoint.'),
  })
  .describe(
    'Sizes each batch so it takes about `target`: `{{ page.size }}` is the rate measured so far (a moving average ' +
      'of items per second, the older batches weighing less) times `target`, clamped to [minSize, maxSize]. The step ' +
      'must send `{{ page.size }}`.',
  );

export const paginate = z
  .strictObject({
    next: cel.describe('CEL over the last `result`: the cursor of the next call, e.g. result.json.nextCursor.'),
    while: cel.describe('CEL over the last `result`: call again while true, e.g. result.json.hasNextPage.'),
    maxBatches: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Stop after this many batches (a safety cap). Without it a step fails after 10000 batches with pages to go.',
      ),
    throttle: throttle.optional(),
    batchTime: batchTime.optional(),
  })
  .describe(
    'Calls the step again while `while` holds, with `{{ page.cursor }}` set to `next` (null on the first call). ' +
      'Cursor and counts are checkpointed in the state: a re-run resumes from the checkpoint.',
  );

const stepFields = {
  name: stepName,
  readOnly: z
    .boolean()
    .default(false)
    .describe('Writes nothing: runs in PR audits (`audit-on-pr`) and drills (default: false).'),
  expect: cel.optional().describe('CEL over `result`; false fails the step.'),
  timeout: duration.default('5m').describe('Time allowed for each attempt of each call (default: 5m).'),
  retry: retry.optional(),
  paginate: paginate.optional(),
  ...optionalKinds(STEP_DRIVER_TABLE),
};
const STEP_DRIVERS = kindsOf(STEP_DRIVER_TABLE);
export const step = oneKind(
  z.strictObject(stepFields),
  STEP_DRIVERS,
  `One call (or one paged series of calls) with exactly one driver: ${STEP_DRIVERS.join(', ')}. Every call gets ` +
    '`ROLLOUTS_IDEMPOTENCY_KEY` (env) / `Idempotency-Key` (HTTP), stable for the rollout, phase, step and cursor.',
);

/** The fields every check has besides its kind. */
const checkCommon = {
  pass: cel.optional().describe('CEL over value, result, baseline: the sample passes when true.'),
  fail: cel.optional().describe('CEL over value, result, baseline: the sample fails when true.'),
  severity: z
    .enum(['critical', 'high', 'medium', 'low'])
    .default('high')
    .describe('What a failure does: critical, high: roll back; medium: pause promotion; low: report (default: high).'),
  for: duration.optional().describe('Must keep failing this long before a failure counts.'),
  timeout: duration
    .default('30s')
    .describe('Time allowed for one sample; past it the sample is an error (default: 30s).'),
  noData: z
    .enum(['pass', 'inconclusive', 'fail'])
    .default('inconclusive')
    .describe(
      'The sample when a Prometheus query returns no data (an empty vector): pass, inconclusive or fail ' +
        '(default: inconclusive). An error counter has no series before its first error: ' +
        '`sum(rate(errors_total[5m])) or vector(0)` gives 0 instead.',
    ),
};
export const CHECK_KINDS = kindsOf(CHECK_KIND_TABLE);

/** A check's schema over a table of kinds: the manifest's is CHECK_KIND_TABLE (a test extends it). */
export function checkSchemaFor<T extends Record<string, CheckKindSpec>>(table: T) {
  return oneKind(
    z.strictObject({ ...optionalKinds(table), ...checkCommon }),
    kindsOf(table),
    `A named health check with exactly one kind: ${kindsOf(table).join(', ')}. Each sample is pass, fail, ` +
      'inconclusive (neither condition decided, or no data) or error (could not measure).',
  );
}
export const check = checkSchemaFor(CHECK_KIND_TABLE);
export const verifyCheck = oneKind(
  z.strictObject({
    name: stepName.describe('Names the check in the ledger and in PR bodies; unique in verify.'),
    ...optionalKinds(CHECK_KIND_TABLE),
    ...checkCommon,
  }),
  CHECK_KINDS,
  'A check run once after a rollback: a check with a `name` of its own instead of a key under `checks:`.',
);

export const gate = z
  .strictObject({
    hold: duration.describe(
      'How long the gate holds at least; then every blocking check needs a fresh pass sample in the deciding pass.',
    ),
    every: duration.default('5m').describe('Interval between samples of a check (default: 5m).'),
    checks: z
      .array(z.string())
      .default([])
      .describe('Names of checks under `checks:` to sample; none: the gate is only its hold (default: []).'),
    failureLimit: z.number().int().min(0).default(0).describe('Failed samples tolerated (default: 0).'),
    errorLimit: z
      .number()
      .int()
      .min(0)
      .default(4)
      .describe('Consecutive errors of a check tolerated, as in Argo Rollouts (default: 4).'),
    inconclusiveLimit: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Inconclusive samples tolerated; past it the gate pauses for a person (default: 0).'),
    minSamples: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('Pass samples each blocking check needs in the gate before it can become healthy (default: 1).'),
  })
  .describe(
    "The health gate opened when a phase's steps are done: sampled by every reconcile pass that is due, it decides " +
      'healthy (promotion), failed (rollback or pause, by severity) or paused. Healthy only on evidence: after the ' +
      'hold, with a latest pass of every blocking check sampled in that pass.',
  );

export const cohort = z
  .strictObject({
    ids: z.array(z.string().min(1)).min(1).optional().describe('The ids of this phase, listed: `{{ cohort.ids }}`.'),
    percent: z
      .number()
      .gt(0)
      .max(100)
      .optional()
      .describe('This share of the ids `from:` lists, by a stable hash of salt and id: 10 % is inside 25 %.'),
    from: step.optional().describe('A step whose result.json is an array of ids or {ids: [...]}'),
    salt: z.string().min(1).optional().describe('Bucketing salt; defaults to the rollout name.'),
  })
  .describe('Whom a phase applies to: `ids`, or `percent` of the ids `from` lists.');

export const phase = z
  .strictObject({
    name: name.describe("The phase's name, unique in the manifest; `phase:` names it."),
    cohort: cohort.optional().describe('Absent: everyone (cohort.ids is null).'),
    checklist: z
      .array(z.string().min(1))
      .optional()
      .describe('Items a PR that moves `phase:` to this phase must tick in its body (a task list) to pass its check.'),
    steps: z.array(step).default([]).describe('Run in order when the phase is applied (default: []).'),
    gate: gate.optional().describe('Absent: the phase is healthy once its steps are done.'),
    promote: z
      .enum(['pr', 'auto', 'manual'])
      .default('pr')
      .describe(
        'After a healthy gate: pr opens a promotion PR to the next phase, auto also merges it, manual does nothing ' +
          '(default: pr).',
      ),
    rollback: z.array(step).optional().describe("This phase's own rollback; else the manifest's."),
  })
  .describe('One stage of the rollout: its cohort, its steps, the gate after them and how it is promoted.');

const notifyEvent = z.enum(['failure', 'rollback-start', 'rollback-done', 'promotion', 'complete']);
const envName = z.string().regex(ENV_NAME_PATTERN, { error: 'expected an environment variable name' });
export const notifier = oneKind(
  z.strictObject({
    slack: z
      .strictObject({ webhookEnv: envName.describe('The `env:` name that holds the Slack incoming-webhook URL.') })
      .optional()
      .describe('A Slack incoming webhook.'),
    webhook: z
      .strictObject({ urlEnv: envName.describe('The `env:` name that holds the URL to POST the event to as JSON.') })
      .optional()
      .describe('Any URL, sent the event as JSON.'),
    on: z
      .array(notifyEvent)
      .default(['failure', 'rollback-start', 'rollback-done'])
      .describe('The events to send (default: [failure, rollback-start, rollback-done]).'),
  }),
  ['slack', 'webhook'],
  "Where to tell people about a rollout's events: exactly one of slack, webhook.",
);

export const manifest = z
  .strictObject({
    apiVersion: z.literal('rollouts/v1').describe('The manifest format: rollouts/v1.'),
    kind: z.literal('Rollout').describe('Always Rollout.'),
    name: name.describe("The rollout's name: the file is rollouts/<name>.yaml."),
    description: z.string().optional().describe('One line for people: shown in plans and PR bodies.'),
    owners: z.array(z.string()).optional().describe('Who answers for the rollout, e.g. ["@acme/runtime-oncall"].'),
    phase: z.string().min(1).describe('The desired phase; `none` = nothing applied.'),
    env: z
      .array(envName)
      .default([])
      .describe(
        'The only environment names templates may read (`{{ env.NAME }}`); values come from the job (default: []).',
      ),
    vars: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Free values for templates: `{{ vars.batchSize }}` (default: {}).'),
    checks: z.record(name, check).default({}).describe('Named checks that gates and verify refer to (default: {}).'),
    phases: z.array(phase).min(1).describe('The phases, in order; `phase:` moves through them one at a time.'),
    rollback: z
      .array(step)
      .default([])
      .describe('The steps that undo a phase, for every phase without its own `rollback:` (default: []).'),
    verify: z
      .array(verifyCheck)
      .default([])
      .describe('Checks run after a rollback; each must pass, or the rollout is failed where it stands (default: []).'),
    notify: z.array(notifier).default([]).describe('Who hears of failures, rollbacks and promotions (default: []).'),
  })
  .describe('A rollout manifest, one a file: rollouts/<name>.yaml.');

export type Manifest = z.output<typeof manifest>;
export type Phase = Manifest['phases'][number];
export type Step = z.output<typeof step>;
export type Check = z.output<typeof check>;
export type VerifyCheck = z.output<typeof verifyCheck>;
export type Gate = z.output<typeof gate>;
export type Cohort = z.output<typeof cohort>;
export type Notifier = z.output<typeof notifier>;
export type HttpRequest = z.output<typeof httpRequest>;

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
