// Runs a list of steps of one phase (apply or rollback), resuming: finished steps are skipped, a paged step
// continues from its checkpointed cursor.
import { isDeepStrictEqual } from 'node:util';
import { excerpt } from '../sys/mask.js';
import { compileCel, celBool, type Step } from '../manifest/index.js';
import type { CohortState, StepProgress } from '../state/index.js';
import type { StepResult } from '../drivers/index.js';
import type { CheckEnv } from '../checks/types.js';
import { batchKey, templateContext, type RunContext, type StepKind } from './context.js';
import { BatchSizer, batchSizeSpec } from './batch-size.js';
import { Checkpointer, type CheckpointPolicy } from './checkpoint.js';
import { callStep, itemsOf, stepRenderer, StepFailure } from './step.js';
import { stopIfPaused } from './pause-switch.js';
import { pagingThrottle } from './throttle.js';
import type { Reporter } from './progress.js';
import type { RolloutSession } from './session.js';

export interface StepsRun {
  session: RolloutSession;
  rc: RunContext;
  reporter: Reporter;
  checkpoints: CheckpointPolicy;
  phase: string;
  kind: StepKind;
  cohort: CohortState | null;
  generation: number;
  /** What the step's `paginate.throttle` checks measure with (the pass's check env for this phase). */
  checkEnv: () => CheckEnv;
}

export function progressKey(phase: string, kind: StepKind, step: string): string {
  return `${phase}/${kind}/${step}`;
}

/** The top-level scalar fields of a result, for the ledger (a batch's `results[]` is not kept). */
export function summarize(result: StepResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (result.status !== undefined) out.status = result.status;
  if (result.exitCode !== undefined) out.exitCode = result.exitCode;
  if (result.logLines?.length) out.logLines = result.logLines;
  const j = result.json;
  if (j && typeof j === 'object' && !Array.isArray(j)) {
    for (const [k, v] of Object.entries(j)) if (v === null || typeof v !== 'object') out[k] = v;
  } else if (j !== undefined) out.json = Array.isArray(j) ? `[${j.length} items]` : j;
  return out;
}

/** A drill may run a rollback step only when it writes nothing: `readOnly`, or it passes `{{ run.dryRun }}`. */
export function isDrillable(step: Step): boolean {
  return step.readOnly || JSON.stringify(step).includes('run.dryRun');
}

export async function runSteps(run: StepsRun, steps: Step[]): Promise<void> {
  for (const step of steps) {
    if (!run.session.state.progress?.[progressKey(run.phase, run.kind, step.name)]?.done)
      await stopIfPaused(run.session, run.kind, step.name);
    await runOneStep(run, step);
  }
}

async function runOneStep(run: StepsRun, step: Step): Promise<void> {
  const { session, phase, kind } = run;
  const key = progressKey(phase, kind, step.name);
  const prior = session.state.progress?.[key];
  if (prior?.done) return;
  if (run.rc.dryRun && !isDrillable(step)) {
    run.reporter.info(
      `  ${phase}/${step.name}: skipped, not drillable (neither readOnly nor passing {{ run.dryRun }})`,
    );
    await session.commit(
      null,
      [session.entry({ kind: 'step-skipped', phase, step: step.name, result: { reason: 'not drillable' } })],
      `${phase}: ${step.name} not drillable`,
    );
    return;
  }
  const startedAt = prior?.startedAt ?? session.now().toISOString();
  const progress: StepProgress = prior ?? { done: false, batches: 0, items: 0, cursor: null, startedAt };
  await session.commit(
    (s) => {
      if (kind !== 'drill') s.step = step.name;
      s.progress = { ...s.progress, [key]: progress };
    },
    [
      session.entry({
        kind: 'step-start',
        phase,
        step: step.name,
        result: { stepKind: kind, resumeFrom: prior ? { batches: prior.batches, cursor: prior.cursor } : undefined },
      }),
    ],
    `${phase}: ${kind} ${step.name}`,
  );
  const t0 = performance.now();
  const final = step.paginate ? await runPaged(run, step, key, progress) : await runSingle(run, step, progress);
  await session.commit(
    (s) => {
      s.progress = { ...s.progress, [key]: { ...final, done: true, finishedAt: session.now().toISOString() } };
    },
    [
      session.entry({
        kind: 'step-end',
        phase,
        step: step.name,
        counts: { batches: final.batches, items: final.items },
        durationMs: Math.round(performance.now() - t0),
      }),
    ],
    `${phase}: ${step.name} done`,
  );
}

/** The batch key of `step`'s call at `cursor` in this run (null: a single step's one call, a paged step's first). */
function keyOf(run: StepsRun, step: Step, cursor: unknown): string {
  const { rc, phase, kind, generation } = run;
  return batchKey({ rollout: rc.manifest.name, phase, kind, step: step.name, generation, dryRun: rc.dryRun, cursor });
}

async function runSingle(run: StepsRun, step: Step, progress: StepProgress): Promise<StepProgress> {
  const template = templateContext(run.rc, run.phase, run.cohort);
  const idempotencyKey = keyOf(run, step, null);
  const fence = () => run.session.fence();
  const out = await callStep(run.rc, { step, template, idempotencyKey, onRetry: retryNote(run, step), fence });
  await run.session.commit(
    null,
    [
      run.session.entry({
        kind: 'step-result',
        phase: run.phase,
        step: step.name,
        result: keptResult(out.result),
        durationMs: Math.round(out.durationMs),
        counts: { attempts: out.attempts },
      }),
    ],
    `${run.phase}: ${step.name} result`,
  );
  run.reporter.info(`  ${run.phase}/${step.name}: ok (${Math.round(out.durationMs)} ms)`);
  return { ...progress, batches: 1, items: itemsOf(out.result) };
}

/** A single step's output is kept whole in the ledger (a backup of config before a change is the point, seed 001). */
function keptResult(result: StepResult): unknown {
  const text = result.stdout ?? result.body;
  return {
    ...summarize(result),
    json: result.json,
    output: text && text.length > 65536 ? `${text.slice(0, 65536)}…` : text,
  };
}

function retryNote(run: StepsRun, step: Step) {
  return (attempt: number, err: Error, waitMs: number) =>
    run.reporter.info(
      `  ${run.phase}/${step.name}: attempt ${attempt} failed (${run.rc.masker.mask(err.message)}), retrying in ${waitMs} ms`,
    );
}

/** Batches a paged step may send without its own `paginate.maxBatches`: reaching it fails the step. */
export const DEFAULT_MAX_BATCHES = 10_000;

async function runPaged(run: StepsRun, step: Step, key: string, start: StepProgress): Promise<StepProgress> {
  const paginate = step.paginate!;
  const next = compileCel(paginate.next);
  const base = templateContext(run.rc, run.phase, run.cohort);
  const renderer = stepRenderer(step, base);
  const onRetry = retryNote(run, step);
  const fence = () => run.session.fence();
  const cp = new Checkpointer(run.session, key, run.checkpoints);
  const label = `  ${run.phase}/${step.name}`;
  let { batches, items, cursor } = start;
  const sizer = paginate.batchTime ? new BatchSizer(batchSizeSpec(paginate.batchTime), start.size) : null;
  const throttle = paginate.throttle && pagingThrottle(run, step, cp, () => ({ batches, cursor }));
  const t0 = performance.now();
  const resumedBatches = batches;
  try {
    for (;;) {
      if (paginate.maxBatches !== undefined && batches >= paginate.maxBatches) break;
      if (paginate.maxBatches === undefined && batches >= DEFAULT_MAX_BATCHES)
        throw new StepFailure(
          step.name,
          `${step.name}: stopped after ${DEFAULT_MAX_BATCHES} batches with more pages to go (the default paginate.maxBatches): set paginate.maxBatches if the step needs more`,
        );
      await throttle?.beforeBatch();
      // Right before a batch is sent, after any throttle hold: a pause seen here stops the step with nothing in flight.
      await stopIfPaused(run.session, run.kind, step.name, cp);
      const idempotencyKey = keyOf(run, step, cursor);
      const size = sizer?.size;
      const page = size === undefined ? { cursor, number: batches + 1 } : { cursor, number: batches + 1, size };
      const out = await callStep(run.rc, {
        step,
        template: { ...base, page },
        idempotencyKey,
        onRetry,
        renderer,
        fence,
      });
      const vars = { result: out.result };
      let more: boolean;
      let nextCursor: unknown;
      try {
        more = celBool(paginate.while, vars);
        nextCursor = more ? next(vars) : null;
      } catch (err) {
        throw new StepFailure(
          step.name,
          `${step.name}: paginate could not be evaluated: ${(err as Error).message}`,
          out.result,
        );
      }
      batches++;
      const n = itemsOf(out.result);
      items += n;
      const looping = more && nextCursor != null && isDeepStrictEqual(nextCursor, cursor);
      cursor = nextCursor ?? null;
      // The size of the next batch is checkpointed with its cursor: a resumed step goes on with both.
      const nextSize = sizer?.update(n, out.durationMs);
      await cp.record(
        { done: !more, batches, items, cursor, startedAt: start.startedAt, ...(sizer ? { size: nextSize } : {}) },
        run.session.entry({
          kind: 'batch',
          phase: run.phase,
          step: step.name,
          counts: size === undefined ? { batch: batches, items: n } : { batch: batches, items: n, size },
          result: summarize(out.result),
          durationMs: Math.round(out.durationMs),
        }),
      );
      run.reporter.batch(label, batches - resumedBatches, items, performance.now() - t0, paginate.maxBatches);
      if (looping)
        throw new StepFailure(
          step.name,
          `${step.name}: the target returned the cursor it was sent (${excerpt(cursor)}) with more pages to go: a loop, not progress; stopped after batch ${batches}`,
          out.result,
        );
      if (!more) break;
    }
  } catch (err) {
    await cp.drain().catch(() => undefined);
    throw err;
  }
  await cp.drain();
  run.reporter.done(label, batches, items, performance.now() - t0);
  return { done: true, batches, items, cursor, startedAt: start.startedAt, ...(sizer ? { size: sizer.size } : {}) };
}
