// One reconcile pass (DESIGN §4): level-triggered over every rollout, idempotent, safe to run concurrently.
import type { LoadResult, Manifest } from '../manifest/index.js';
import { LeaseLostError, type RolloutState } from '../state/index.js';
import { allowedEnv, type RunContext } from './context.js';
import { Masker } from './mask.js';
import { applyPhase, failedInSteps, phaseIndex, rollBackTo } from './phases.js';
import { openGate, sampleGate, runVerify } from './gate.js';
import { RolloutSession } from './session.js';
import { StepFailure } from './step.js';
import type { EngineDeps } from './deps.js';
import { announce } from './notify.js';

export type OutcomeKind =
  | 'unchanged'
  | 'applied'
  | 'sampled'
  | 'healthy'
  | 'complete'
  | 'failed'
  | 'paused'
  | 'rolled-back'
  | 'busy'
  | 'orphan'
  | 'blocked';

export interface RolloutOutcome {
  name: string;
  outcome: OutcomeKind;
  desired: string;
  applied: string;
  status: string;
  message?: string;
}

const CAN_ADVANCE = new Set(['none', 'healthy', 'complete', 'rolled-back']);
const IN_FLIGHT = new Set(['applying', 'holding', 'rolling-back']);

/** Whether a pass has anything to do for this rollout; decided on a plain read, before any lease is claimed. */
export function needsWork(m: Manifest, s: RolloutState | null): boolean {
  if (!s) return m.phase !== 'none';
  if (IN_FLIGHT.has(s.status) || failedInSteps(s)) return true;
  // The desired phase changed since an emergency rollback: the hold must be cleared, even when nothing else is due,
  // or raising `phase` back later would find it still held.
  if (s.hold && !isHeld(m, s)) return true;
  const a = phaseIndex(m, s.applied);
  const d = phaseIndex(m, m.phase);
  if (d < a) return true;
  if (d > a) return CAN_ADVANCE.has(s.status) && !isHeld(m, s);
  return false;
}

/** After an emergency rollback the manifest still asks for the phase that was rolled back: do not re-apply it. */
function isHeld(m: Manifest, s: RolloutState): boolean {
  const hold = s.hold as { desired?: string } | null | undefined;
  return !!hold && hold.desired === m.phase;
}

export function runContext(deps: EngineDeps, m: Manifest, dryRun = false): RunContext {
  const masker = new Masker();
  return { manifest: m, env: allowedEnv(m, deps.env, masker), masker, cwd: deps.cwd, dryRun };
}

function outcomeOf(m: Manifest, s: RolloutState | null, outcome: OutcomeKind, message?: string): RolloutOutcome {
  return {
    name: m.name,
    outcome,
    desired: m.phase,
    applied: s?.applied ?? 'none',
    status: s?.status ?? 'none',
    message,
  };
}

export async function withSession<T>(
  deps: EngineDeps,
  m: Manifest,
  masker: Masker,
  fn: (session: RolloutSession) => Promise<T>,
): Promise<T | null> {
  const session = await RolloutSession.open({
    store: deps.store,
    name: m.name,
    me: deps.me,
    ttlMs: deps.leaseTtlMs,
    masker,
    trigger: deps.trigger,
    now: deps.now,
    claim: { isRunFinished: deps.isRunFinished },
  });
  if (!session) return null;
  try {
    return await fn(session);
  } catch (err) {
    if (err instanceof LeaseLostError) session.abandon();
    throw err;
  } finally {
    await session.close();
  }
}

async function recordFailure(session: RolloutSession, phase: string, err: StepFailure): Promise<void> {
  await session.commit(
    (s) => {
      s.failure = { phase, step: err.step, reason: err.message, at: session.now().toISOString() };
      if (s.status === 'applying') s.status = 'failed';
    },
    [
      session.entry({
        kind: 'step-failed',
        phase,
        step: err.step,
        error: err.message,
        result: err.result
          ? { status: err.result.status, exitCode: err.result.exitCode, json: err.result.json }
          : undefined,
      }),
    ],
    `${phase}: ${err.step} failed`,
  );
}

/** One pass over one rollout: at most one phase applied, one gate sample, or one rollback. */
export async function reconcileRollout(deps: EngineDeps, m: Manifest): Promise<RolloutOutcome> {
  const { state } = await deps.store.readState(m.name);
  if (!needsWork(m, state)) {
    const blocked = state && isHeld(m, state) && phaseIndex(m, m.phase) > phaseIndex(m, state.applied);
    return outcomeOf(
      m,
      state,
      blocked ? 'blocked' : 'unchanged',
      blocked ? `held after a rollback: change \`phase\` to move on` : undefined,
    );
  }
  const rc = runContext(deps, m);
  const result = await withSession(deps, m, rc.masker, async (session) => {
    let s = session.state;
    if (s.hold && (s.hold as { desired?: string }).desired !== m.phase)
      await session.commit((st) => void (st.hold = null), [], 'hold cleared: desired phase changed');
    s = session.state;
    if (!needsWork(m, s)) return outcomeOf(m, s, 'unchanged');
    const a = phaseIndex(m, s.applied);
    const d = phaseIndex(m, m.phase);
    try {
      if (s.status === 'rolling-back' || d < a) {
        const target =
          s.status === 'rolling-back' && typeof s.rollbackTo === 'string' && phaseIndex(m, s.rollbackTo) <= d
            ? s.rollbackTo
            : m.phase;
        await rollBackTo(deps, session, rc, m, target, d < a ? `desired phase is ${m.phase}` : 'resuming');
        const ok = await runVerify(deps, session, rc, m);
        return outcomeOf(m, session.state, ok ? 'rolled-back' : 'failed');
      }
      // The next phase only after the applied one is healthy (a holding gate is sampled instead): one phase a pass.
      const resume = s.status === 'applying' || failedInSteps(s);
      if (resume || (d > a && CAN_ADVANCE.has(s.status) && !isHeld(m, s))) {
        const p = resume ? m.phases[a]! : m.phases[a + 1]!;
        await applyPhase(deps, session, rc, m, p);
        await openGate(deps, session, rc, m, p);
      }
      if (session.state.status === 'holding') {
        const kind = await sampleGate(deps, session, rc, m);
        return outcomeOf(m, session.state, kind);
      }
      return outcomeOf(m, session.state, session.state.status === 'complete' ? 'complete' : 'applied');
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      await recordFailure(session, session.state.applied, err);
      deps.reporter.info(`${m.name}: ✖ ${err.message}`);
      await announce(deps, rc, m, 'failure', `:x: ${m.name}: ${err.message}`);
      if (session.state.status === 'failed')
        await deps.events.rollbackRequested?.({
          manifest: m,
          phase: session.state.applied,
          severity: 'critical',
          reason: err.message,
          failing: [],
          state: session.state,
        });
      return outcomeOf(m, session.state, 'failed', err.message);
    }
  });
  return result ?? outcomeOf(m, state, 'busy', 'another reconciler holds the lease');
}

/** A pass over every rollout in the directory, plus state left by removed manifests (reported, left alone). */
export async function reconcileAll(
  deps: EngineDeps,
  loaded: LoadResult[],
  names?: string[],
): Promise<RolloutOutcome[]> {
  const manifests = loaded.flatMap((r) => (r.manifest ? [r.manifest] : []));
  const wanted = names?.length ? manifests.filter((m) => names.includes(m.name)) : manifests;
  const outcomes: RolloutOutcome[] = [];
  for (const m of wanted) outcomes.push(await reconcileRollout(deps, m));
  if (!names?.length) {
    const known = new Set(manifests.map((m) => m.name));
    for (const name of await deps.store.listRollouts({ fetch: false })) {
      if (known.has(name)) continue;
      const { state } = await deps.store.readState(name, { fetch: false });
      if (state && state.applied !== 'none')
        outcomes.push({
          name,
          outcome: 'orphan',
          desired: '(manifest removed)',
          applied: state.applied,
          status: state.status,
          message: `state without a manifest: phase ${state.applied} stays applied; restore the manifest with phase: none to roll it back`,
        });
    }
  }
  return outcomes;
}
