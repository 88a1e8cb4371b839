// The operator's controls (DESIGN §7): ways forward from the states a pass leaves for a person. Each is one pass over
// the rollout, recorded in the ledger under the person's name (`actor`), and then carried on as a reconcile pass would.
//   resume: a paused gate (medium severity, limits passed) opens afresh, after the person has looked; a pause an
//           operator asked for (`rollouts pause`, pause.ts) is withdrawn and the status it left restored.
//   retry:  a phase failed in its steps runs again from the failed step (its checkpoint); a failed gate whose cause was
//           fixed without a rollback opens afresh; an interrupted or failed rollback goes on.
//   skip hold (`promote --skip-hold`): the open gate is marked healthy now, an override with the person's reason.
import type { Manifest } from '../manifest/index.js';
import { StateFileError, type RolloutState } from '../state/index.js';
import { ControlRefused } from './control-refused.js';
import type { EngineDeps } from './deps.js';
import { busyOutcome, invalidStateOutcome, type RolloutOutcome } from './outcome.js';
import { withPass, type RolloutPass } from './pass.js';
import { resumePaused } from './pause.js';
import { failedInSteps, stoppedByChecks } from './phases.js';
import { carryOut } from './reconcile.js';
import { phaseIndex } from './scope.js';

export { ControlRefused };

type Control = 'resume' | 'retry';

/** What `control` would do from state `s`, or why it does not apply. */
export function controlPlan(
  control: Control,
  m: Manifest,
  s: RolloutState | null,
): { reopenGate: boolean } | { refused: string } {
  const status = s?.status ?? 'none';
  const at = `${m.name} is ${status}${s && s.applied !== 'none' ? ` at ${s.applied}` : ''}`;
  if (s && phaseIndex(m, m.phase) < phaseIndex(m, s.applied))
    return { refused: `${at}, and its desired phase ${m.phase} is below: \`rollouts apply\` rolls it back` };
  if (control === 'resume') {
    if (status === 'paused' && s?.gate) return { reopenGate: true };
    const hint = status === 'failed' ? ': `rollouts retry` re-runs a failed phase' : '';
    return { refused: `${at}, not paused: nothing to resume${hint}` };
  }
  if (s && failedInSteps(s)) return { reopenGate: false };
  if (s && status === 'rolling-back') return { reopenGate: false };
  if (s && status === 'failed' && s.gate && !s.failure?.step) return { reopenGate: true };
  const hint = status === 'paused' ? ': `rollouts resume` opens a paused gate afresh' : '';
  return { refused: `${at}: nothing failed to retry${hint}` };
}

/**
 * Records the control; a gate about to reopen loses its failure (failed steps keep theirs: their resume reads it;
 * a step stopped by its throttle keeps it without the severity that stopped it).
 */
async function record(pass: RolloutPass, control: Control, actor: string, reopenGate: boolean, reason?: string) {
  const s = pass.state;
  const phase = s.gate?.phase ?? s.applied;
  await pass.commit(
    (st) => {
      if (reopenGate) st.failure = null;
      // A step its throttle stopped is a failed step again, which the pass then resumes from its checkpoint.
      else if (st.failure && stoppedByChecks(st)) delete st.failure.severity;
    },
    [
      pass.entry({
        kind: control,
        phase,
        step: s.failure?.step,
        actor,
        result: { from: s.status, failure: s.failure ?? null, reason },
      }),
    ],
    `${phase}: ${control} by ${actor}`,
  );
  pass.info(`${pass.manifest.name}: ${control} of ${phase} by ${actor}`);
}

/**
 * `rollouts resume|retry NAME`: records the control with `actor`, reopens the gate when that is what it does, and
 * carries on as a pass would (resuming the failed steps, sampling the fresh gate). Throws ControlRefused, having
 * written nothing, when the control does not apply to the rollout's state.
 */
export async function operatorControl(
  deps: EngineDeps,
  m: Manifest,
  control: Control,
  actor: string,
  reason?: string,
): Promise<RolloutOutcome> {
  try {
    const read = (await deps.store.readState(m.name)).state;
    if (control === 'resume' && read?.pause) return await resumePaused(deps, m, actor);
    const first = controlPlan(control, m, read);
    if ('refused' in first) throw new ControlRefused(first.refused);
    const out = await withPass(deps, m, async (pass) => {
      const plan = controlPlan(control, m, pass.state);
      if ('refused' in plan) throw new ControlRefused(plan.refused);
      await record(pass, control, actor, plan.reopenGate, reason);
      if (plan.reopenGate) await pass.reopenGate(pass.phase(pass.state.applied));
      return carryOut(pass);
    });
    return out ?? busyOutcome(m, null);
  } catch (err) {
    if (err instanceof StateFileError) return invalidStateOutcome(m, err);
    throw err;
  }
}

/** The statuses a gate's hold may be skipped from: it is open (holding) or waits for a person (paused). */
const SKIPPABLE = new Set(['holding', 'paused']);

/**
 * `rollouts promote NAME --skip-hold --reason TEXT`: the open gate of the applied phase is marked healthy now, as an
 * override recorded with `actor` and `reason` (Argo's `promote --full`), so the next phase may be applied. Throws
 * ControlRefused, having written nothing, when the desired phase has no open gate; null when another reconciler
 * holds the lease.
 */
export async function skipHold(
  deps: EngineDeps,
  m: Manifest,
  actor: string,
  reason: string,
): Promise<RolloutState | null> {
  const refusal = (s: RolloutState | null): string | null =>
    s && s.applied === m.phase && SKIPPABLE.has(s.status) && s.gate
      ? null
      : `${m.name} has no open gate at ${m.phase} to skip (applied ${s?.applied ?? 'none'}, status ${s?.status ?? 'none'})`;
  const first = refusal((await deps.store.readState(m.name)).state);
  if (first) throw new ControlRefused(first);
  const out = await withPass(deps, m, async (pass) => {
    const again = refusal(pass.state);
    if (again) throw new ControlRefused(again);
    const gate = pass.state.gate!;
    const from = pass.state.status;
    const next = m.phases[phaseIndex(m, m.phase) + 1]?.name ?? null;
    const status = next === null ? 'complete' : 'healthy';
    await pass.commit(
      (s) => {
        s.status = status;
        s.step = null;
        s.failure = null;
      },
      [
        pass.entry({
          kind: 'override',
          phase: gate.phase,
          actor,
          result: { skipHold: true, reason, from, status, passesAt: gate.passesAt, samples: gate.samples.length },
        }),
      ],
      `${gate.phase}: hold skipped by ${actor}`,
    );
    pass.info(`${m.name}: hold of ${gate.phase} skipped by ${actor}: ${reason}`);
    return pass.state;
  });
  return out;
}
