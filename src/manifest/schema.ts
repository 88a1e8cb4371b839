// The rollout manifest, apiVersion rollouts/v1 (DESIGN §3), as one zod schema.
// Defaults are written beside the fields they belong to, as Argo Rollouts' analysis spec does.
import { z } from 'zod';
import { CHECK_KIND_TABLE, type CheckKind, type CheckKindSpec } from './check-kinds.js';
import { kindsOf, optionalKinds } from './kinds.js';
import { cel, duration, ENV_NAME_PATTERN, httpRequest, name, oneKind, stepName } from './primitives.js';
import { STEP_DRIVER_TABLE, type StepDriverKind } from './step-drivers.js';

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
  ...optionalKinds(STEP_DRIVER_TABLE),
};
export const STEP_DRIVERS = kindsOf(STEP_DRIVER_TABLE);
export const step = oneKind(z.strictObject(stepFields), STEP_DRIVERS);

/** The fields every check has besides its kind. */
const checkCommon = {
  pass: cel.optional().describe('CEL over value, result, baseline: the sample passes when true.'),
  fail: cel.optional().describe('CEL over value, result, baseline: the sample fails when true.'),
  severity: z.enum(['critical', 'high', 'medium', 'low']).default('high'),
  for: duration.optional().describe('Must keep failing this long before a failure counts.'),
  timeout: duration.default('30s'),
};
export const CHECK_KINDS = kindsOf(CHECK_KIND_TABLE);

/** A check's schema over a table of kinds: the manifest's is CHECK_KIND_TABLE (a test extends it). */
export function checkSchemaFor<T extends Record<string, CheckKindSpec>>(table: T) {
  return oneKind(z.strictObject({ ...optionalKinds(table), ...checkCommon }), kindsOf(table));
}
export const check = checkSchemaFor(CHECK_KIND_TABLE);
export const verifyCheck = oneKind(
  z.strictObject({ name: stepName, ...optionalKinds(CHECK_KIND_TABLE), ...checkCommon }),
  CHECK_KINDS,
);

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
