// `paginate.throttle`: checks sampled between a paged step's batches. The semantics follow gh-ost and
// pt-online-schema-change: gh-ost's --max-load "throttles" (it ceases to write row data until every factor is below
// its threshold again, resuming where it paused) and --critical-load bails out; pt-osc's --max-load pauses after a
// chunk while a status is above it, --critical-load aborts, and it sleeps --check-interval between looks. Here a check
// of severity medium or low that fails holds the next batch, and a critical or high one stops the phase and asks for
// its rollback as a failing gate does. A check that errors or is inconclusive holds too (it is no evidence of health:
// docs/gates.md), and the cursor never moves while held. Checks are looked at most every `every`, as a gate's are.
import { setTimeout as sleep } from 'node:timers/promises';
import { durationMs, type Step } from '../manifest/index.js';
import { sampleCheck } from '../checks/sample.js';
import type { CheckEnv, Sample } from '../checks/types.js';
import { formatMs } from '../sys/duration.js';
import type { Checkpointer } from './checkpoint.js';
import type { RunContext, StepKind } from './context.js';
import type { Reporter } from './progress.js';
import { StepFailure } from './step.js';
import type { RolloutSession } from './session.js';

export type ThrottleVerdict =
  | { action: 'go' }
  | { action: 'hold'; reason: string; holding: string[] }
  | { action: 'stop'; severity: 'critical' | 'high'; reason: string; failing: Sample[] };

function describe(s: Sample): string {
  const why = s.reason ?? s.error;
  return `${s.check} ${s.outcome === 'fail' ? 'failed' : s.outcome}${why ? ` (${why})` : ''}`;
}

/**
 * The verdict of one look at the throttle checks. `canStop`: a failing critical or high check stops the phase (an
 * apply); in a rollback or a drill it only holds, since rolling back is how a failure is undone.
 */
export function decideThrottle(samples: readonly Sample[], canStop: boolean): ThrottleVerdict {
  const severe = samples.filter((s) => s.outcome === 'fail' && (s.severity === 'critical' || s.severity === 'high'));
  if (canStop && severe.length)
    return {
      action: 'stop',
      severity: severe.some((s) => s.severity === 'critical') ? 'critical' : 'high',
      reason: severe.map(describe).join('; '),
      failing: severe,
    };
  const held = samples.filter((s) => s.outcome !== 'pass');
  if (!held.length) return { action: 'go' };
  return { action: 'hold', reason: held.map(describe).join('; '), holding: held.map((s) => s.check) };
}

/** A critical or high throttle check failed between batches: the phase fails as by its gate (gate.ts failByChecks). */
export class ThrottleStop extends Error {
  constructor(
    readonly step: string,
    readonly severity: 'critical' | 'high',
    readonly reason: string,
    readonly failing: Sample[],
  ) {
    super(`${step}: stopped by paginate.throttle: ${reason}`);
  }
}

/** Still held after `maxWait`: the step fails as a step does (the next pass resumes it at the same cursor). */
export class ThrottleTimeout extends StepFailure {}

export interface ThrottleSpec {
  everyMs: number;
  maxWaitMs: number;
}

export function throttleSpec(t: NonNullable<NonNullable<Step['paginate']>['throttle']>): ThrottleSpec {
  return { everyMs: durationMs(t.every), maxWaitMs: durationMs(t.maxWait) };
}

export interface ThrottleDeps {
  /** One sample of every throttle check, now. */
  sample: () => Promise<Sample[]>;
  /** Records a look (the ledger; a held look is committed at once, which renews the lease while it waits). */
  record: (samples: Sample[], verdict: ThrottleVerdict, heldMs: number) => Promise<void>;
  /** A monotonic clock in ms. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** An operator asked for a pause: a hold gives way to it (the step stops before its next batch). */
  pauseAsked?: () => boolean;
}

export class Throttle {
  private lastLook = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly step: string,
    private readonly spec: ThrottleSpec,
    private readonly canStop: boolean,
    private readonly deps: ThrottleDeps,
  ) {}

  /**
   * Before a batch: returns when it may be sent. Looks when the last look is `every` old (so before the first
   * batch too); while held, looks again every `every`. Throws ThrottleStop, or ThrottleTimeout past `maxWait`.
   */
  async beforeBatch(): Promise<void> {
    if (this.deps.now() - this.lastLook < this.spec.everyMs) return;
    let heldSince: number | null = null;
    for (;;) {
      this.lastLook = this.deps.now();
      const samples = await this.deps.sample();
      const verdict = decideThrottle(samples, this.canStop);
      const heldMs = heldSince === null ? 0 : this.deps.now() - heldSince;
      await this.deps.record(samples, verdict, heldMs);
      if (verdict.action === 'go') return;
      if (verdict.action === 'stop')
        throw new ThrottleStop(this.step, verdict.severity, verdict.reason, verdict.failing);
      if (this.deps.pauseAsked?.()) return;
      heldSince ??= this.lastLook;
      if (this.deps.now() - heldSince >= this.spec.maxWaitMs)
        throw new ThrottleTimeout(
          this.step,
          `${this.step}: still held by paginate.throttle after ${formatMs(this.spec.maxWaitMs)} (maxWait): ` +
            `${verdict.reason}; the next run resumes at the same cursor`,
        );
      await this.deps.sleep(this.spec.everyMs);
    }
  }
}

/** What a paged step's throttle works with (steps.ts StepsRun). */
export interface ThrottledRun {
  session: RolloutSession;
  rc: RunContext;
  reporter: Reporter;
  phase: string;
  kind: StepKind;
  checkEnv: () => CheckEnv;
}

/**
 * The throttle of a paged step: samples with the checks' own sampler (checks/sample.ts), records through the step's
 * checkpointer (passing looks ride with the next checkpoint; a held look is committed at once), reports each hold.
 * `at`: where the step is (batches sent, the cursor of the next batch).
 */
export function pagingThrottle(
  run: ThrottledRun,
  step: Step,
  cp: Checkpointer,
  at: () => { batches: number; cursor: unknown },
): Throttle {
  const config = step.paginate!.throttle!;
  const checks = run.rc.manifest.checks;
  const label = `  ${run.phase}/${step.name}`;
  const entry = (kind: string, result: unknown, batches: number) =>
    run.session.entry({ kind, phase: run.phase, step: step.name, result, counts: { batch: batches } });
  return new Throttle(step.name, throttleSpec(config), run.kind === 'apply', {
    sample: () => {
      const env = run.checkEnv();
      return Promise.all(config.checks.map((name) => sampleCheck(name, checks[name]!, env, null)));
    },
    record: async (samples, verdict, heldMs) => {
      const { batches, cursor } = at();
      cp.note(samples.map((s) => entry('throttle-sample', s, batches)));
      if (verdict.action === 'go') {
        if (heldMs > 0)
          run.reporter.info(`${label}: throttle released after ${formatMs(heldMs)}; batch ${batches + 1}`);
        return;
      }
      if (verdict.action === 'hold') {
        const { reason, holding } = verdict;
        cp.note([entry('throttled', { holding, reason, cursor, heldMs: Math.round(heldMs) }, batches)]);
        run.reporter.info(
          `${label}: throttled by ${holding.join(', ')} before batch ${batches + 1} (${reason}); cursor kept, next look in ${config.every}`,
        );
      }
      await cp.flush();
    },
    now: () => performance.now(),
    sleep: (ms) => sleep(ms, undefined, { signal: run.rc.signal }),
    pauseAsked: () => !!run.session.state.pause && run.kind === 'apply',
  });
}
