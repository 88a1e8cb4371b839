// PR audits (`audit-on-pr`): the readOnly steps of the phase a PR would apply, with run.dryRun = true, writing no
// state. Never run for forks: the caller decides. The caller passes the phase as the base branch has it (a PR's own
// steps run only after review), and `skip` names the steps the PR changed.
import type { Manifest, Phase } from '../manifest/index.js';
import { parseCohortListing, selectCohort } from '../cohorts/index.js';
import type { CohortState } from '../state/index.js';
import { batchSizeSpec, firstSize } from './batch-size.js';
import { batchKey, runContext, templateContext } from './context.js';
import { callStep, StepFailure } from './step.js';
import { summarize } from './steps.js';
import type { EngineDeps } from './deps.js';

export interface AuditStepResult {
  step: string;
  outcome: 'ok' | 'failed' | 'skipped';
  detail: string;
  result?: Record<string, unknown>;
}

export async function auditPhase(
  deps: Pick<EngineDeps, 'cwd' | 'env'>,
  m: Manifest,
  p: Phase,
  opts: { skip?: (step: Phase['steps'][number]) => string | null } = {},
): Promise<AuditStepResult[]> {
  const rc = runContext(deps, m, true);
  const out: AuditStepResult[] = [];
  let cohort: CohortState;
  try {
    let listing: string[] | null = null;
    if (p.cohort?.from) {
      const r = await callStep(rc, {
        step: p.cohort.from,
        template: templateContext(rc, p.name, null),
        idempotencyKey: batchKey({
          rollout: m.name,
          phase: p.name,
          kind: 'audit',
          step: p.cohort.from.name,
          generation: 0,
          dryRun: true,
          cursor: null,
        }),
      });
      listing = parseCohortListing(r.result.json);
    }
    const sel = selectCohort(p.cohort, listing, m.name);
    cohort = { ids: sel.ids, added: null, percent: p.cohort?.percent };
  } catch (err) {
    return [{ step: p.cohort?.from?.name ?? 'cohort', outcome: 'failed', detail: (err as Error).message }];
  }
  for (const step of p.steps) {
    if (!step.readOnly) {
      out.push({ step: step.name, outcome: 'skipped', detail: 'writes (not readOnly)' });
      continue;
    }
    const skipped = opts.skip?.(step);
    if (skipped) {
      out.push({ step: step.name, outcome: 'skipped', detail: skipped });
      continue;
    }
    const key = batchKey({
      rollout: m.name,
      phase: p.name,
      kind: 'audit',
      step: step.name,
      generation: 0,
      dryRun: true,
      cursor: null,
    });
    const sized = step.paginate?.batchTime;
    const page = sized
      ? { cursor: null, number: 1, size: firstSize(batchSizeSpec(sized)) }
      : { cursor: null, number: 1 };
    const template = { ...templateContext(rc, p.name, cohort), page };
    try {
      const r = await callStep(rc, { step, template, idempotencyKey: key });
      out.push({
        step: step.name,
        outcome: 'ok',
        detail: step.paginate ? 'first page only' : `${Math.round(r.durationMs)} ms`,
        result: rc.masker.maskValue(summarize(r.result)),
      });
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      out.push({
        step: step.name,
        outcome: 'failed',
        detail: err.message,
        result: err.result ? rc.masker.maskValue(summarize(err.result)) : undefined,
      });
    }
  }
  return out;
}
