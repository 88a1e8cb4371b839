// Entering, applying and rolling back phases: the transitions of DESIGN §4, each a ledger entry and a commit.
import type { Phase } from '../manifest/index.js';
import { cohortAdded, parseCohortListing, selectCohort } from '../cohorts/index.js';
import type { CohortState, RolloutState } from '../state/index.js';
import { batchKey, templateContext } from './context.js';
import { callStep, type StepFailure } from './step.js';
import { generationOf, phaseIndex, type PassScope } from './scope.js';

/** The cohort of a phase, resolved once and recorded: a rollback uses the cohort that was applied. */
async function resolveCohort(pass: PassScope, p: Phase): Promise<CohortState> {
  const { manifest: m, rc } = pass;
  const recorded = pass.state.cohorts?.[p.name];
  if (recorded) return recorded;
  let listing: string[] | null = null;
  if (p.cohort?.from) {
    const template = templateContext(rc, p.name, null);
    const key = batchKey({
      rollout: m.name,
      phase: p.name,
      kind: 'cohort',
      step: p.cohort.from.name,
      generation: pass.generation(p.name),
      dryRun: rc.dryRun,
      cursor: null,
    });
    const out = await callStep(rc, { step: p.cohort.from, template, idempotencyKey: key });
    listing = parseCohortListing(out.result.json);
  }
  const selection = selectCohort(p.cohort, listing, m.name);
  const idx = phaseIndex(m, p.name);
  const previous = idx > 0 ? pass.state.cohorts?.[m.phases[idx - 1]!.name] : undefined;
  const cohort: CohortState = {
    ids: selection.ids,
    added: cohortAdded(selection, previous ? previous.ids : idx > 0 ? null : undefined),
  };
  if (p.cohort?.percent !== undefined) cohort.percent = p.cohort.percent;
  await pass.commit(
    (s) => {
      s.cohorts = { ...s.cohorts, [p.name]: cohort };
    },
    [
      pass.entry({
        kind: 'cohort',
        phase: p.name,
        result: { ids: cohort.ids, added: cohort.added, percent: cohort.percent, listed: listing?.length },
      }),
    ],
    `${p.name}: cohort`,
  );
  const whom = cohort.ids === null ? 'everyone' : `${cohort.ids.length} ids (${cohort.added?.length ?? 'all'} new)`;
  pass.info(`  ${p.name}: cohort ${whom}`);
  return cohort;
}

/**
 * A step of the applied phase failed (a 5xx, a timeout, an `expect`; not its gate): the next pass resumes the phase
 * at that step, from its checkpoint, so clearing the cause is enough to go on.
 */
export function failedInSteps(s: RolloutState): boolean {
  return s.status === 'failed' && typeof s.failure?.step === 'string' && !s.gate;
}

/**
 * A paged step of the applied phase was stopped by a critical or high `paginate.throttle` check: failed as by its
 * gate (a rollback is requested), so no pass resumes it by itself; `rollouts retry` does (controls.ts).
 */
export function stoppedByChecks(s: RolloutState): boolean {
  return failedInSteps(s) && s.failure?.severity !== undefined;
}

/** Enters phase `p` (unless resuming it) and runs its steps. */
export async function applyPhase(pass: PassScope, p: Phase): Promise<void> {
  const s = pass.state;
  if (s.applied === p.name && failedInSteps(s)) {
    await pass.commit(
      (st) => {
        st.status = 'applying';
        st.failure = null;
      },
      [pass.entry({ kind: 'resume', phase: p.name, step: s.failure?.step, result: { after: s.failure } })],
      `resume ${p.name}`,
    );
  }
  if (!(s.applied === p.name && pass.state.status === 'applying')) {
    const from = s.applied;
    const enteredBy = await pass.deps.enteredBy?.(pass.manifest);
    await pass.commit(
      (st) => {
        for (const key of Object.keys(st.progress ?? {})) if (key.startsWith(`${p.name}/`)) delete st.progress![key];
        if (st.cohorts) delete st.cohorts[p.name];
        st.generation = { ...st.generation, [p.name]: generationOf(st, p.name) + 1 };
        st.applied = p.name;
        st.status = 'applying';
        st.step = null;
        st.gate = null;
        st.failure = null;
        if (enteredBy) st.enteredBy = enteredBy;
      },
      [pass.entry({ kind: 'transition', phase: p.name, result: { from, to: p.name, status: 'applying', enteredBy } })],
      `apply ${p.name}`,
    );
    pass.info(`${pass.manifest.name}: applying ${p.name}${from !== 'none' ? ` (after ${from})` : ''}`);
  } else pass.info(`${pass.manifest.name}: resuming ${p.name}`);
  const cohort = await resolveCohort(pass, p);
  await pass.runSteps(p.name, 'apply', cohort, p.steps);
}

/** Rolls back every applied phase above `target`, highest first, each with its own recorded cohort. */
export async function rollBackTo(pass: PassScope, target: string, reason: string): Promise<void> {
  const { manifest: m } = pass;
  const s = pass.state;
  if (s.status !== 'rolling-back') {
    await pass.commit(
      (st) => {
        for (const key of Object.keys(st.progress ?? {})) if (key.includes('/rollback/')) delete st.progress![key];
        st.status = 'rolling-back';
        st.rollbackTo = target;
        st.gate = null;
      },
      [pass.entry({ kind: 'rollback-start', phase: s.applied, result: { from: s.applied, to: target, reason } })],
      `roll back ${s.applied} -> ${target}`,
    );
    pass.info(`${m.name}: rolling back ${s.applied} -> ${target} (${reason})`);
    await pass.announce('rollback-start', `:rewind: ${m.name}: rolling back ${s.applied} -> ${target} (${reason})`);
    await pass.deps.events.rollbackStarted?.({ manifest: m, from: s.applied, to: target, reason });
  } else pass.info(`${m.name}: resuming rollback to ${target}`);
  const targetIdx = phaseIndex(m, target);
  for (let idx = phaseIndex(m, pass.state.applied); idx > targetIdx; idx--) {
    const p = m.phases[idx]!;
    await pass.runSteps(p.name, 'rollback', pass.state.cohorts?.[p.name] ?? null, p.rollback ?? m.rollback);
    const below = m.phases[idx - 1]?.name ?? 'none';
    await pass.commit(
      (st) => {
        st.applied = below;
        st.step = null;
      },
      [pass.entry({ kind: 'phase-rolled-back', phase: p.name, result: { applied: below } })],
      `rolled back ${p.name}`,
    );
  }
}

/** Records a failed step: the applied phase fails (an apply) or stays rolling back (a rollback resumes there). */
export async function recordStepFailure(pass: PassScope, err: StepFailure): Promise<void> {
  const phase = pass.state.applied;
  await pass.commit(
    (s) => {
      s.failure = { phase, step: err.step, reason: err.message, at: pass.now().toISOString() };
      if (s.status === 'applying') s.status = 'failed';
    },
    [
      pass.entry({
        kind: 'step-failed',
        phase,
        step: err.step,
        error: err.message,
        result: err.result
          ? {
              status: err.result.status,
              exitCode: err.result.exitCode,
              json: err.result.json,
              logLines: err.result.logLines,
            }
          : undefined,
      }),
    ],
    `${phase}: ${err.step} failed`,
  );
}
