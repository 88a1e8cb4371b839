// One reconcile pass (DESIGN §4): level-triggered over every rollout, idempotent, safe to run concurrently.
// `decide` is the state machine: from a rollout's manifest and state alone, what this pass does for it.
// `reconcileRollout` carries the decision out through a RolloutPass (pass.ts).
import { decideGate } from '../checks/gate.js';
import type { LoadResult, Manifest, Phase } from '../manifest/index.js';
import { LeaseLostError, StateFileError, type RolloutState } from '../state/index.js';
import type { EngineDeps } from './deps.js';
import { busyOutcome, invalidStateOutcome, outcomeOf, type RolloutOutcome } from './outcome.js';
import { checkStateFits, withPass, type RolloutPass } from './pass.js';
import { failedInSteps, stoppedByChecks } from './phases.js';
import { phasesRolledBack, preflightError } from './preflight.js';
import { phaseIndex } from './scope.js';
import { honourPause, PauseHonoured, pauseNote } from './pause-switch.js';
import { StepFailure } from './step.js';
import { ThrottleStop } from './throttle.js';
import { failByChecks } from './gate.js';

export type PassAction =
  | { action: 'none' }
  /** Held after an emergency rollback: the manifest still asks for a phase that was rolled back. */
  | { action: 'blocked'; message: string }
  | { action: 'roll-back'; to: string; reason: string }
  /** Enter `phase` (or resume it, when it is the applied one), open its gate, and sample it when it holds. */
  | { action: 'apply'; phase: Phase }
  | { action: 'sample' }
  /** An operator asked for a pause (`rollouts pause`): it is honoured, nothing else runs. */
  | { action: 'pause' }
  /** Paused at an operator's request: nothing runs until `rollouts resume`. */
  | { action: 'paused'; message: string };

/** `clearHold`: the hold of an emergency rollback is stale (the desired phase changed since) and is cleared first. */
export type PassDecision = PassAction & { clearHold: boolean };

/** The statuses from which the next phase may be applied. */
const CAN_ADVANCE = new Set(['none', 'healthy', 'complete', 'rolled-back']);

/** Whether the open gate of `s` has nothing to do at `now`: still holding, and no check is due a sample. */
function gateIdle(m: Manifest, s: RolloutState, now: Date): boolean {
  const gate = s.gate ? m.phases[phaseIndex(m, s.gate.phase)]?.gate : undefined;
  if (!gate || !s.gate) return false;
  const { samples, tally, startedAt } = s.gate;
  const verdict = decideGate({ gate, checks: m.checks, samples, tally, startedAt, now });
  return verdict.state === 'holding' && verdict.due.length === 0;
}

/**
 * What a pass does for rollout `m` in state `s` (null: never applied) at `now`. `s` fits `m` (checkPhases): every
 * phase name in it is one of `m`'s. A holding gate with no sample due and no verdict to act on is left alone, so
 * such a pass writes nothing.
 */
export function decide(m: Manifest, s: RolloutState | null, now: Date = new Date()): PassDecision {
  const clearHold = !!s?.hold && s.hold.desired !== m.phase;
  const held = !!s?.hold && !clearHold;
  const state = s ?? { applied: 'none', status: 'none' as const };
  const a = phaseIndex(m, state.applied);
  const d = phaseIndex(m, m.phase);
  const act = (action: PassAction): PassDecision => ({ ...action, clearHold });
  if (s?.status === 'rolling-back' || d < a) {
    const resumeTo = s?.status === 'rolling-back' && s.rollbackTo != null && phaseIndex(m, s.rollbackTo) <= d;
    return act({
      action: 'roll-back',
      to: resumeTo ? s.rollbackTo! : m.phase,
      reason: d < a ? `desired phase is ${m.phase}` : 'resuming',
    });
  }
  // An operator's pause stops everything but a rollback: no step, no sample, no phase starts.
  if (s?.pause)
    return act(s.status === 'paused' ? { action: 'paused', message: pauseNote(s.pause) } : { action: 'pause' });
  // A phase whose steps were interrupted (a crash) or failed is resumed before anything else.
  if (s && (s.status === 'applying' || (failedInSteps(s) && !stoppedByChecks(s))))
    return act({ action: 'apply', phase: m.phases[a]! });
  // The next phase only after the applied one is healthy (a holding gate is sampled instead): one phase a pass.
  if (d > a && CAN_ADVANCE.has(state.status) && !held) return act({ action: 'apply', phase: m.phases[a + 1]! });
  if (s?.status === 'holding') return act({ action: gateIdle(m, s, now) ? 'none' : 'sample' });
  if (d > a && held) return act({ action: 'blocked', message: 'held after a rollback: change `phase` to move on' });
  return act({ action: 'none' });
}

/** Whether a pass has anything to do for this rollout; decided on a plain read, before any lease is claimed. */
export function needsWork(m: Manifest, s: RolloutState | null, now: Date = new Date()): boolean {
  const d = decide(m, s, now);
  return d.clearHold || (d.action !== 'none' && d.action !== 'blocked' && d.action !== 'paused');
}

/** Carries out this pass's decision for the rollout whose lease `pass` holds. */
export async function carryOut(pass: RolloutPass): Promise<RolloutOutcome> {
  const { manifest: m, deps } = pass;
  let next = decide(m, pass.state, pass.now());
  if (next.clearHold) {
    await pass.commit((st) => void (st.hold = null), [], 'hold cleared: desired phase changed');
    next = decide(m, pass.state, pass.now());
  }
  try {
    switch (next.action) {
      case 'none':
        return outcomeOf(m, pass.state, 'unchanged');
      case 'blocked':
        return outcomeOf(m, pass.state, 'blocked', next.message);
      case 'paused':
        return outcomeOf(m, pass.state, 'unchanged', next.message);
      case 'pause':
        return await pausedOutcome(pass);
      case 'roll-back': {
        await pass.rollBackTo(next.to, next.reason);
        const ok = await pass.verify();
        return outcomeOf(m, pass.state, ok ? 'rolled-back' : 'failed', ok ? undefined : pass.state.failure?.reason);
      }
      case 'apply':
        await pass.applyPhase(next.phase);
        await pass.openGate(next.phase);
        if (pass.state.status !== 'holding')
          return outcomeOf(m, pass.state, pass.state.status === 'complete' ? 'complete' : 'applied');
        break;
      case 'sample':
        break;
    }
    const gate = await pass.sampleGate();
    return outcomeOf(m, pass.state, gate.outcome, gate.reason);
  } catch (err) {
    // Stopped between batches: paused, or, when the request was withdrawn meanwhile, carried on from the checkpoint.
    if (err instanceof PauseHonoured) return pausedOutcome(pass);
    if (err instanceof ThrottleStop) {
      const { step, severity, reason, failing } = err;
      await failByChecks(pass, { phase: pass.state.applied, step, severity, reason, failing });
      return outcomeOf(m, pass.state, 'failed', err.message);
    }
    if (!(err instanceof StepFailure)) throw err;
    await pass.recordStepFailure(err);
    deps.reporter.info(`${m.name}: ✖ ${err.message}`);
    await pass.announce('failure', `:x: ${m.name}: ${err.message}`);
    if (pass.state.status === 'failed')
      await deps.events.rollbackRequested?.({
        manifest: m,
        phase: pass.state.applied,
        severity: 'critical',
        reason: err.message,
        failing: [],
        state: pass.state,
      });
    return outcomeOf(m, pass.state, 'failed', err.message);
  }
}

async function pausedOutcome(pass: RolloutPass): Promise<RolloutOutcome> {
  if (pass.state.status !== 'paused' && !(await honourPause(pass.session))) return carryOut(pass);
  const note = pauseNote(pass.state.pause!);
  pass.info(`${pass.manifest.name}: ⏸ ${note}`);
  return outcomeOf(pass.manifest, pass.state, 'paused', note);
}

/** One pass over one rollout: at most one phase applied, one gate sample, or one rollback. */
export async function reconcileRollout(deps: EngineDeps, m: Manifest): Promise<RolloutOutcome> {
  try {
    const { state, version } = await deps.store.readState(m.name);
    checkStateFits(deps.store, m, state, version);
    const now = deps.now?.() ?? new Date();
    const planned = decide(m, state, now);
    if (!needsWork(m, state, now))
      return planned.action === 'blocked'
        ? outcomeOf(m, state, 'blocked', planned.message)
        : outcomeOf(m, state, 'unchanged', planned.action === 'paused' ? planned.message : undefined);
    const run =
      planned.action === 'apply'
        ? { apply: planned.phase.name }
        : planned.action === 'roll-back'
          ? { rollBack: phasesRolledBack(m, state?.applied ?? 'none', planned.to) }
          : null;
    const refused = run && preflightError(m, run, deps.env);
    if (refused) {
      deps.reporter.info(`${m.name}: ✖ ${refused}`);
      return outcomeOf(m, state, 'failed', refused);
    }
    // Sampling a gate whose lease is free claims nothing: the sample's commit is a CAS on this read, so claim,
    // sample and release are one commit. Another run moving the rollout meanwhile makes this pass busy.
    if (planned.action === 'sample' && !planned.clearHold && state && version && !state.lease) {
      try {
        return (await withPass(deps, m, carryOut, { adopt: { state, version } })) ?? busyOutcome(m, state);
      } catch (err) {
        if (err instanceof LeaseLostError) return busyOutcome(m, state);
        throw err;
      }
    }
    return (await withPass(deps, m, carryOut)) ?? busyOutcome(m, state);
  } catch (err) {
    // A state that cannot be trusted stops this rollout, before anything runs; the other rollouts go on.
    if (err instanceof StateFileError) return invalidStateOutcome(m, err);
    throw err;
  }
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
      const orphan = { name, outcome: 'orphan' as const, desired: '(manifest removed)' };
      const read = await deps.store.readState(name, { fetch: false }).catch((err: unknown) => {
        if (err instanceof StateFileError) return err;
        throw err;
      });
      if (read instanceof StateFileError)
        outcomes.push({ ...orphan, applied: '?', status: 'invalid-state', message: read.message });
      else if (read.state && read.state.applied !== 'none')
        outcomes.push({
          ...orphan,
          applied: read.state.applied,
          status: read.state.status,
          message:
            `state without a manifest: phase ${read.state.applied} stays applied; ` +
            'restore the manifest with phase: none to roll it back',
        });
    }
  }
  return outcomes;
}
