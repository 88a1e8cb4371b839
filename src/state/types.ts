// The JSON shapes kept on the state branch (DESIGN §4, §5), as zod schemas: `<name>/state.json` is read through
// `rolloutState` (the branch is writable by anyone with push access, so its content is input, not memory), and the
// types the engine uses are the schemas' outputs. Keys are the DESIGN's names: `rollouts status --json` prints them.
// Objects are strict: a key this version does not know is an error, not something to drop on the next write.
import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO time like 2026-01-01T00:00:00.000Z' });
const count = z.number().int().nonnegative();
const phaseName = z.string().min(1);

export const ROLLOUT_STATUSES = [
  'none',
  'applying',
  'holding',
  'healthy',
  'failed',
  'paused',
  'rolling-back',
  'rolled-back',
  'complete',
] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

export const leaseHolder = z.strictObject({
  host: z.string().min(1),
  pid: z.number().int().positive(),
  runId: z.string().optional().describe('The workflow run (`run_id/attempt`) when the holder runs in Actions.'),
  startedAt: isoTime,
});
export type LeaseHolder = z.output<typeof leaseHolder>;

export const lease = z.strictObject({
  holder: leaseHolder,
  expiresAt: isoTime.describe('Renewed by every commit of the holder; past it another run may take over.'),
});
export type Lease = z.output<typeof lease>;

export const stepProgress = z.strictObject({
  done: z.boolean(),
  batches: count,
  items: count,
  cursor: z.unknown().describe('The cursor of the next batch of a paged step (null before the first).'),
  size: count
    .min(1)
    .optional()
    .describe('The `{{ page.size }}` of the next batch of a step with paginate.batchTime (sent with the cursor).'),
  startedAt: isoTime.optional(),
  finishedAt: isoTime.optional(),
});
export type StepProgress = z.output<typeof stepProgress>;

/** One sample of a gate check, as checks/ makes it (`Sample`). */
export const gateSample = z.strictObject({
  check: z.string(),
  at: isoTime.describe('When the measurement started.'),
  outcome: z.enum(['pass', 'fail', 'inconclusive', 'error']),
  value: z.number().nullable(),
  severity: z.enum(['critical', 'high', 'medium', 'low']),
  durationMs: z.number().nonnegative(),
  error: z.string().optional(),
  reason: z.string().optional(),
  detail: z.unknown().optional(),
});
export type GateSample = z.output<typeof gateSample>;

/**
 * A check's samples no longer kept in `samples`, as the gate's verdict needs them (checks/gate-tally.ts CheckTally).
 */
export const checkTally = z.strictObject({
  samples: count,
  lastAt: isoTime,
  counted: count,
  streakStart: isoTime.nullable(),
  pending: count,
  errors: count,
  errorRun: count,
  inconclusive: count,
  passes: count,
});

export const gateState = z.strictObject({
  phase: phaseName.describe('The phase whose gate this is: always the applied phase.'),
  startedAt: isoTime,
  passesAt: isoTime.describe('startedAt + hold.'),
  samples: z.array(gateSample).describe('Per check, its most recent samples (every sample is in the ledger).'),
  tally: z
    .record(z.string(), checkTally)
    .optional()
    .describe('Per check: the tally of its older samples, folded in when they left `samples`.'),
  baseline: z.record(z.string(), z.number()).optional().describe('Per check: its value when the gate opened.'),
  resolvedAlerts: z
    .record(z.string(), isoTime)
    .optional()
    .describe(
      'Per Alertmanager fingerprint of an alert the gate watches: when it was resolved (its endsAt), so a firing ' +
        'notification delivered after it does not fail the gate.',
    ),
});
export type GateState = z.output<typeof gateState>;

export const cohortState = z.strictObject({
  ids: z.array(z.string()).nullable().describe('null: everyone.'),
  added: z.array(z.string()).nullable().describe('Ids new in this phase; null: all of them.'),
  percent: z.number().optional(),
});
export type CohortState = z.output<typeof cohortState>;

export const hold = z.strictObject({
  desired: phaseName.describe('The desired phase when an emergency rollback ran: not re-applied while it stays.'),
  reason: z.string(),
});
export type RolloutHold = z.output<typeof hold>;

export const failure = z.strictObject({
  phase: z.string(),
  step: z.string().optional().describe('Set when a step failed (the next pass resumes there); absent for a gate.'),
  severity: z.enum(['critical', 'high', 'medium', 'low']).optional(),
  reason: z.string(),
  at: isoTime,
});
export type RolloutFailure = z.output<typeof failure>;

/** An operator's pause (`rollouts pause`), written without the lease (see engine/pause.ts for why that is safe). */
export const pauseRequest = z.strictObject({
  by: z.string().min(1).describe('Who asked: the actor, as the ledger records it.'),
  at: isoTime.describe('When they asked.'),
  reason: z.string().optional().describe('Their --reason; default none.'),
  from: z
    .enum(ROLLOUT_STATUSES)
    .optional()
    .describe(
      'The status a pass left when it honoured the request (status became paused); resume restores it. Absent until honoured.',
    ),
});
export type PauseRequest = z.output<typeof pauseRequest>;

/** How many drills state.json keeps (`drills`): a drill check needs the latest in its window. */
export const KEPT_DRILLS = 10;

export const drillRecord = z.strictObject({
  time: isoTime.describe("When the drill finished: its ledger entry's time."),
  rtoMs: count.describe('How long its rollback steps took.'),
  ok: z.boolean(),
  drillable: count.describe('The rollback steps it ran; a drill that ran none is no evidence.'),
});
export type DrillRecord = z.output<typeof drillRecord>;

export const rolloutState = z.strictObject({
  name: z.string().min(1),
  applied: phaseName.describe("The applied phase, or 'none'."),
  status: z.enum(ROLLOUT_STATUSES),
  enteredBy: z
    .string()
    .optional()
    .describe('Commit of the manifest change that entered `applied` (a revert reverts it).'),
  step: z.string().nullable().optional().describe('The step running now.'),
  progress: z
    .record(z.string(), stepProgress)
    .optional()
    .describe("Keyed `${phase}/${stepKind}/${step}`, e.g. 'full/apply/backfill'."),
  gate: gateState.nullable().optional(),
  cohorts: z.record(z.string(), cohortState).optional().describe('Per applied phase: the cohort it was applied to.'),
  generation: z.record(z.string(), count).optional().describe('Per phase: how many times it was entered.'),
  failure: failure.nullable().optional(),
  hold: hold.nullable().optional(),
  rollbackTo: phaseName.nullable().optional().describe('The target of the rollback in progress.'),
  pause: pauseRequest
    .nullable()
    .optional()
    .describe(
      'A pause an operator asked for: no batch is sent, no gate sampled and no phase started until ' +
        '`rollouts resume` clears it (a rollback still runs). Default: none.',
    ),
  drills: z
    .array(drillRecord)
    .max(KEPT_DRILLS)
    .optional()
    .describe(
      `The last ${KEPT_DRILLS} rollback drills (\`rollouts drill\`), oldest first: what a \`drill\` check reads, ` +
        'instead of the whole ledger. Absent: none recorded by this version yet (the ledger is read).',
    ),
  lease: lease.nullable().optional(),
  epoch: count
    .optional()
    .describe('The lease epoch: the fencing token every takeover or new claim increments (kept after a release).'),
  updatedAt: isoTime,
});
export type RolloutState = z.output<typeof rolloutState>;

export interface LedgerTrigger {
  event: string;
  commit?: string;
  pr?: number;
}

/** One line of `<name>/ledger.jsonl`. `result` is the kind's own record (a sample, a batch's counts, ...). */
export interface LedgerEntry {
  time: string;
  actor: string;
  trigger?: LedgerTrigger;
  rollout: string;
  phase?: string;
  step?: string;
  kind: string;
  result?: unknown;
  counts?: Record<string, number>;
  durationMs?: number;
  error?: string;
  /** Where a sample came from when not from this pass's own measurement (e.g. `alertmanager`). */
  source?: string;
}
