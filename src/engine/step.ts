// Runs one call of a step: render templates, call the driver with timeout and retry, judge `expect`.
import { setTimeout as sleep } from 'node:timers/promises';
import { celBool, durationMs, render, stepDriver, TemplateError, type Step } from '../manifest/index.js';
import { drivers, StepCallError, type DriverCall, type StepResult } from '../drivers/index.js';
import type { RunContext } from './context.js';
import { CallTimer } from './call-timer.js';
import { planRender, type ConfigRenderer } from './render-plan.js';

export class StepFailure extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly result?: StepResult,
  ) {
    super(message);
  }
}

export interface CallOutcome {
  result: StepResult;
  attempts: number;
  durationMs: number;
}

export interface StepCall {
  step: Step;
  template: Record<string, unknown>;
  idempotencyKey: string;
  /** Called before each retry, with the error that caused it. */
  onRetry?: (attempt: number, error: StepCallError, waitMs: number) => void;
  /** The step's config pre-rendered for a run of calls (see stepRenderer); default: rendered whole each call. */
  renderer?: ConfigRenderer;
  /**
   * Proves the lease current before each attempt is sent and returns its epoch (RolloutSession.fence); throwing
   * stops the call before anything is sent. Absent: a call made without a lease (an audit).
   */
  fence?: () => number | Promise<number>;
  /** The run of calls' timer (a paged step's); default: one for this call. */
  timer?: CallTimer;
}

function asStepFailure<T>(step: Step, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TemplateError) throw new StepFailure(step.name, `${step.name}: ${err.message}`);
    throw err;
  }
}

function renderConfig(step: Step, template: Record<string, unknown>, renderer?: ConfigRenderer): unknown {
  return asStepFailure(step, () => (renderer ? renderer(template) : render(step[stepDriver(step)], template)));
}

/** Renders the parts of the step's config that do not change between calls once (a paged step's batches). */
export function stepRenderer(step: Step, fixed: Record<string, unknown>): ConfigRenderer {
  return planRender(step[stepDriver(step)], fixed);
}

export function callStep(rc: RunContext, call: StepCall): Promise<CallOutcome> {
  // Not async: a paged step's calls (with the run's timer) get callWith's own promise, two microtask turns sooner.
  return call.timer ? callWith(rc, call, call.timer) : callOnce(rc, call);
}

async function callOnce(rc: RunContext, call: StepCall): Promise<CallOutcome> {
  const timer = new CallTimer(rc.signal);
  try {
    return await callWith(rc, call, timer);
  } finally {
    timer.close();
  }
}

async function callWith(
  rc: RunContext,
  { step, template, idempotencyKey, onRetry, renderer, fence }: StepCall,
  timer: CallTimer,
): Promise<CallOutcome> {
  const kind = stepDriver(step);
  const driver = drivers[kind];
  const config = renderConfig(step, { ...template, batch: { key: idempotencyKey } }, renderer);
  const attempts = step.retry?.attempts ?? 1;
  const timeoutMs = durationMs(step.timeout);
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    let lease: DriverCall['lease'];
    if (fence) {
      const epoch = fence();
      lease = { rollout: rc.manifest.name, epoch: typeof epoch === 'number' ? epoch : await epoch };
    }
    const signal = timer.start(timeoutMs);
    try {
      let result: StepResult;
      try {
        result = await driver.call(
          { config, written: step[kind], env: rc.env, idempotencyKey, lease, signal, cwd: rc.cwd },
          { judgedByExpect: step.expect !== undefined },
        );
      } finally {
        timer.stop();
      }
      judgeExpect(step, result);
      return { result, attempts: attempt, durationMs: performance.now() - started };
    } catch (err) {
      if (!(err instanceof StepCallError)) throw err;
      if (!err.retryable || attempt >= attempts || rc.signal?.aborted) {
        const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
        throw new StepFailure(step.name, rc.masker.mask(`${step.name}: ${err.message}${tries}`), err.result);
      }
      const backoff = step.retry?.backoff ?? ['1s'];
      const wait = durationMs(backoff[Math.min(attempt - 1, backoff.length - 1)]!);
      onRetry?.(attempt, err, wait);
      await sleep(wait, undefined, { signal: rc.signal }).catch(() => undefined);
    }
  }
}

function judgeExpect(step: Step, result: StepResult): void {
  if (step.expect === undefined) return;
  let ok: boolean;
  try {
    ok = celBool(step.expect, { result });
  } catch (err) {
    throw new StepFailure(
      step.name,
      `${step.name}: expect \`${step.expect}\` could not be evaluated: ${(err as Error).message}`,
      result,
    );
  }
  if (!ok) throw new StepFailure(step.name, `${step.name}: expect \`${step.expect}\` is false`, result);
}

/** How many items a result reports (convex-style `processed`, else the length of `results`). */
export function itemsOf(result: StepResult): number {
  const j = result.json as { processed?: unknown; results?: unknown } | null | undefined;
  if (j && typeof j === 'object') {
    if (typeof j.processed === 'number') return j.processed;
    if (Array.isArray(j.results)) return j.results.length;
  }
  return 0;
}
