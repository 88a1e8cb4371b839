// A paged step's batch loop: one call per page until `paginate.while` is false, checkpointed (checkpoint.ts), with
// the throttle, the adaptive size and the pause switch between batches.
//
// The next batch is sent before the last one is booked: its cursor is known once the reply is judged, and booking (the
// ledger entry, the checkpoint's record, the progress line) then runs while the next request is in flight. A crash
// never skips a batch: batches are booked in order, and the saved cursor is always the one after the last saved
// batch. Whatever may write or stop (a throttle's look, a pause) finds the last batch booked first.
import { isDeepStrictEqual } from 'node:util';
import { excerpt } from '../sys/mask.js';
import { compileCel, celBool, type Step } from '../manifest/index.js';
import type { StepProgress } from '../state/index.js';
import { templateContext } from './context.js';
import { BatchSizer, batchSizeSpec } from './batch-size.js';
import { CallTimer } from './call-timer.js';
import { Checkpointer } from './checkpoint.js';
import { callStep, itemsOf, stepRenderer, StepFailure, type CallOutcome } from './step.js';
import { stopIfPaused } from './pause-switch.js';
import { pagingThrottle } from './throttle.js';
import { keyOf, retryNote, summarize, type StepsRun } from './step-run.js';

/** Batches a paged step may send without its own `paginate.maxBatches`: reaching it fails the step. */
export const DEFAULT_MAX_BATCHES = 10_000;

function tooManyBatches(step: string): string {
  const why = `stopped after ${DEFAULT_MAX_BATCHES} batches with more pages to go (the default paginate.maxBatches)`;
  return `${step}: ${why}: set paginate.maxBatches if the step needs more`;
}

function loopingCursor(step: string, cursor: unknown, batches: number): string {
  const why = `the target returned the cursor it was sent (${excerpt(cursor)}) with more pages to go`;
  return `${step}: ${why}: a loop, not progress; stopped after batch ${batches}`;
}

/**
 * Resolves once the request being sent is on the wire: past the immediates queued now, and the ones they queue. undici
 * writes a request on a kept-alive socket from an immediate of its own (it first lets a FIN or RST already waiting on
 * the idle socket be read), queued after this one when the request is dispatched from a microtask.
 */
function afterSend(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Whether two cursors are the same value (isDeepStrictEqual, whose own overhead is skipped for a string's). */
function sameCursor(a: unknown, b: unknown): boolean {
  return typeof a === 'object' ? isDeepStrictEqual(a, b) : Object.is(a, b);
}

export async function runPaged(run: StepsRun, step: Step, key: string, start: StepProgress): Promise<StepProgress> {
  const paginate = step.paginate!;
  const next = compileCel(paginate.next);
  const base = templateContext(run.rc, run.phase, run.cohort);
  const renderer = stepRenderer(step, base);
  const onRetry = retryNote(run, step);
  const fence = () => run.session.fence();
  const cp = new Checkpointer(run.session, key, run.checkpoints);
  const timer = new CallTimer(run.rc.signal);
  const label = `  ${run.phase}/${step.name}`;
  let { batches, items, cursor } = start;
  const sizer = paginate.batchTime ? new BatchSizer(batchSizeSpec(paginate.batchTime), start.size) : null;
  const throttle = paginate.throttle && pagingThrottle(run, step, cp, () => ({ batches, cursor }));
  const t0 = performance.now();
  const resumedBatches = batches;
  // The last batch received and not yet booked, and the call in flight (awaited before a failure is reported).
  let unbooked: (() => Promise<void>) | null = null;
  let inFlight: Promise<unknown> | null = null;
  const book = async () => {
    const pending = unbooked;
    unbooked = null;
    await pending?.();
  };
  try {
    for (;;) {
      if (paginate.maxBatches !== undefined && batches >= paginate.maxBatches) break;
      if (paginate.maxBatches === undefined && batches >= DEFAULT_MAX_BATCHES)
        throw new StepFailure(step.name, tooManyBatches(step.name));
      if (throttle) {
        await book();
        await throttle.beforeBatch();
      }
      // Right before a batch is sent, after any throttle hold: a pause seen here stops the step with nothing in flight.
      if (run.session.state.pause) {
        await book();
        await stopIfPaused(run.session, run.kind, step.name, cp);
      }
      // A checkpoint that failed (a lease lost) stops the step before another batch goes out.
      cp.throwIfFailed();
      const size = sizer?.size;
      const page = size === undefined ? { cursor, number: batches + 1 } : { cursor, number: batches + 1, size };
      const template = { ...base, page };
      const idempotencyKey = keyOf(run, step, cursor);
      const call = callStep(run.rc, { step, template, idempotencyKey, onRetry, renderer, fence, timer });
      inFlight = call.catch(() => undefined);
      if (unbooked) {
        await afterSend();
        await book();
      }
      const out: CallOutcome = await call;
      inFlight = null;
      const vars = { result: out.result };
      let more: boolean;
      let nextCursor: unknown;
      try {
        more = celBool(paginate.while, vars);
        nextCursor = more ? next(vars) : null;
      } catch (err) {
        const why = `paginate could not be evaluated: ${(err as Error).message}`;
        throw new StepFailure(step.name, `${step.name}: ${why}`, out.result);
      }
      batches++;
      const n = itemsOf(out.result);
      items += n;
      const looping = more && nextCursor != null && sameCursor(nextCursor, cursor);
      cursor = nextCursor ?? null;
      // The size of the next batch is checkpointed with its cursor: a resumed step goes on with both.
      const nextSize = sizer?.update(n, out.durationMs);
      const progress = { done: !more, batches, items, cursor, startedAt: start.startedAt };
      const counts: Record<string, number> =
        size === undefined ? { batch: batches, items: n } : { batch: batches, items: n, size };
      const at = { elapsedMs: performance.now() - t0, batches, items };
      unbooked = async () => {
        const entry = run.session.entry({
          kind: 'batch',
          phase: run.phase,
          step: step.name,
          counts,
          result: summarize(out.result),
          durationMs: Math.round(out.durationMs),
        });
        await cp.record(sizer ? { ...progress, size: nextSize } : progress, entry);
        run.reporter.batch(label, at.batches - resumedBatches, at.items, at.elapsedMs, paginate.maxBatches);
      };
      if (looping) {
        await book();
        throw new StepFailure(step.name, loopingCursor(step.name, cursor, batches), out.result);
      }
      if (!more) break;
    }
    await book();
  } catch (err) {
    await inFlight;
    await book().catch(() => undefined);
    await cp.drain().catch(() => undefined);
    throw err;
  } finally {
    timer.close();
  }
  await cp.drain();
  run.reporter.done(label, batches, items, performance.now() - t0);
  return { done: true, batches, items, cursor, startedAt: start.startedAt, ...(sizer ? { size: sizer.size } : {}) };
}
