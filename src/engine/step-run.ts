// What the steps of one phase run with (steps.ts, paged.ts): the pass's session and context, and the pieces a single
// and a paged step share (their batch keys, retry notes, a result's summary for the ledger).
import type { Step } from '../manifest/index.js';
import type { CohortState } from '../state/index.js';
import type { StepResult } from '../drivers/index.js';
import type { CheckEnv } from '../checks/types.js';
import { batchKey, type RunContext, type StepKind } from './context.js';
import type { CheckpointPolicy } from './checkpoint.js';
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

/** The batch key of `step`'s call at `cursor` in this run (null: a single step's one call, a paged step's first). */
export function keyOf(run: StepsRun, step: Step, cursor: unknown): string {
  const { rc, phase, kind, generation } = run;
  return batchKey({ rollout: rc.manifest.name, phase, kind, step: step.name, generation, dryRun: rc.dryRun, cursor });
}

export function retryNote(run: StepsRun, step: Step) {
  return (attempt: number, err: Error, waitMs: number) => {
    const why = run.rc.masker.mask(err.message);
    run.reporter.info(`  ${run.phase}/${step.name}: attempt ${attempt} failed (${why}), retrying in ${waitMs} ms`);
  };
}
