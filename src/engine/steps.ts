// Runs a list of steps of one phase (apply or rollback), resuming: finished steps are skipped, a paged step
// continues from its checkpointed cursor.
import type { Step } from '../manifest/index.js';
import type { StepProgress } from '../state/index.js';
import type { StepResult } from '../drivers/index.js';
import { templateContext, type StepKind } from './context.js';
import { callStep, itemsOf } from './step.js';
import { stopIfPaused } from './pause-switch.js';
import { runPaged } from './paged.js';
import { keyOf, retryNote, summarize, type StepsRun } from './step-run.js';

export { summarize };

export function progressKey(phase: string, kind: StepKind, step: string): string {
  return `${phase}/${kind}/${step}`;
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
