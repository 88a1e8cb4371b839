// Entering, applying and rolling back phases: the transitions of DESIGN §4, each a ledger entry and a commit.
import { durationMs, type Manifest, type Phase } from '../manifest/index.js';
import { cohortAdded, parseCohortListing, selectCohort } from '../cohorts/index.js';
import type { CohortState, RolloutState } from '../state/index.js';
import { batchKey, templateContext, type RunContext } from './context.js';
import { callStep } from './step.js';
import { runSteps, type StepsRun } from './steps.js';
import { announce } from './notify.js';
import type { EngineDeps } from './deps.js';
import type { RolloutSession } from './session.js';

export function phaseIndex(m: Manifest, name: string): number {
  return name === 'none' ? -1 : m.phases.findIndex((p) => p.name === name);
}

function generationOf(s: RolloutState, phase: string): number {
  return ((s.generation as Record<string, number> | undefined) ?? {})[phase] ?? 0;
}

/** The cohort of a phase, resolved once and recorded: a rollback uses the cohort that was applied. */
async function resolveCohort(
  deps: EngineDeps,
  session: RolloutSession,
  rc: RunContext,
  m: Manifest,
  p: Phase,
): Promise<CohortState> {
  const recorded = session.state.cohorts?.[p.name];
  if (recorded) return recorded;
  let listing: string[] | null = null;
  if (p.cohort?.from) {
    const template = templateContext(rc, p.name, null);
    const key = batchKey({
      rollout: m.name,
      phase: p.name,
      kind: 'cohort',
      step: p.cohort.from.name,
      generation: generationOf(session.state, p.name),
      dryRun: rc.dryRun,
      cursor: null,
    });
    const out = await callStep(rc, { step: p.cohort.from, template, idempotencyKey: key });
    listing = parseCohortListing(out.result.json);
  }
  const selection = selectCohort(p.cohort, listing, m.name);
  const idx = phaseIndex(m, p.name);
  const previous = idx > 0 ? session.state.cohorts?.[m.phases[idx - 1]!.name] : undefined;
  const cohort: CohortState = {
    ids: selection.ids,
    added: cohortAdded(selection, previous ? previous.ids : idx > 0 ? null : undefined),
  };
  if (p.cohort?.percent !== undefined) cohort.percent = p.cohort.percent;
  await session.commit(
    (s) => {
      s.cohorts = { ...s.cohorts, [p.name]: cohort };
    },
    [
      session.entry({
        kind: 'cohort',
        phase: p.name,
        result: { ids: cohort.ids, added: cohort.added, percent: cohort.percent, listed: listing?.length },
      }),
    ],
    `${p.name}: cohort`,
  );
  deps.reporter.info(
    `  ${p.name}: cohort ${cohort.ids === null ? 'everyone' : `${cohort.ids.length} ids (${cohort.added?.length ?? 'all'} new)`}`,
  );
  return cohort;
}

/**
 * A step of the applied phase failed (a 5xx, a timeout, an `expect`; not its gate): the next pass resumes the phase
 * at that step, from its checkpoint, so clearing the cause is enough to go on.
 */
export function failedInSteps(s: RolloutState): boolean {
  const failure = s.failure as { step?: unknown } | null | undefined;
  return s.status === 'failed' && typeof failure?.step === 'string' && !s.gate;
}

/** Enters phase `p` (unless resuming it) and runs its steps. */
export async function applyPhase(
  deps: EngineDeps,
  session: RolloutSession,
  rc: RunContext,
  m: Manifest,
  p: Phase,
): Promise<void> {
  const s = session.state;
  if (s.applied === p.name && failedInSteps(s)) {
    await session.commit(
      (st) => {
        st.status = 'applying';
        st.failure = null;
      },
      [
        session.entry({
          kind: 'resume',
          phase: p.name,
          step: (s.failure as { step: string }).step,
          result: { after: s.failure },
        }),
      ],
      `resume ${p.name}`,
    );
  }
  if (!(s.applied === p.name && session.state.status === 'applying')) {
    const from = s.applied;
    const enteredBy = await deps.enteredBy?.(m);
    await session.commit(
      (st) => {
        for (const key of Object.keys(st.progress ?? {})) if (key.startsWith(`${p.name}/`)) delete st.progress![key];
        if (st.cohorts) delete st.cohorts[p.name];
        st.generation = {
          ...(st.generation as Record<string, number> | undefined),
          [p.name]: generationOf(st, p.name) + 1,
        };
        st.applied = p.name;
        st.status = 'applying';
        st.step = null;
        st.gate = null;
        st.failure = null;
        if (enteredBy) st.enteredBy = enteredBy;
      },
      [
        session.entry({
          kind: 'transition',
          phase: p.name,
          result: { from, to: p.name, status: 'applying', enteredBy },
        }),
      ],
      `apply ${p.name}`,
    );
    deps.reporter.info(`${m.name}: applying ${p.name}${from !== 'none' ? ` (after ${from})` : ''}`);
  } else deps.reporter.info(`${m.name}: resuming ${p.name}`);
  const cohort = await resolveCohort(deps, session, rc, m, p);
  const run: StepsRun = {
    session,
    rc,
    reporter: deps.reporter,
    checkpoints: deps.checkpoints,
    phase: p.name,
    kind: 'apply',
    cohort,
    generation: generationOf(session.state, p.name),
  };
  await runSteps(run, p.steps);
}

/** Rolls back every applied phase above `target`, highest first, each with its own recorded cohort. */
export async function rollBackTo(
  deps: EngineDeps,
  session: RolloutSession,
  rc: RunContext,
  m: Manifest,
  target: string,
  reason: string,
): Promise<void> {
  const s = session.state;
  if (s.status !== 'rolling-back') {
    await session.commit(
      (st) => {
        for (const key of Object.keys(st.progress ?? {})) if (key.includes('/rollback/')) delete st.progress![key];
        st.status = 'rolling-back';
        st.rollbackTo = target;
        st.gate = null;
      },
      [session.entry({ kind: 'rollback-start', phase: s.applied, result: { from: s.applied, to: target, reason } })],
      `roll back ${s.applied} -> ${target}`,
    );
    deps.reporter.info(`${m.name}: rolling back ${s.applied} -> ${target} (${reason})`);
    await announce(
      deps,
      rc,
      m,
      'rollback-start',
      `:rewind: ${m.name}: rolling back ${s.applied} -> ${target} (${reason})`,
    );
    await deps.events.rollbackStarted?.({ manifest: m, from: s.applied, to: target, reason });
  } else deps.reporter.info(`${m.name}: resuming rollback to ${target}`);
  const targetIdx = phaseIndex(m, target);
  for (let idx = phaseIndex(m, session.state.applied); idx > targetIdx; idx--) {
    const p = m.phases[idx]!;
    const steps = p.rollback ?? m.rollback;
    const cohort = session.state.cohorts?.[p.name] ?? null;
    const run: StepsRun = {
      session,
      rc,
      reporter: deps.reporter,
      checkpoints: deps.checkpoints,
      phase: p.name,
      kind: 'rollback',
      cohort,
      generation: generationOf(session.state, p.name),
    };
    await runSteps(run, steps);
    const below = m.phases[idx - 1]?.name ?? 'none';
    await session.commit(
      (st) => {
        st.applied = below;
        st.step = null;
      },
      [session.entry({ kind: 'phase-rolled-back', phase: p.name, result: { applied: below } })],
      `rolled back ${p.name}`,
    );
  }
}

export function gateHoldMs(p: Phase): number {
  return p.gate ? durationMs(p.gate.hold) : 0;
}
