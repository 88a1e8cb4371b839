// Commands beyond a reconcile pass: an emergency rollback now, and a drill (rollback with writes disabled).
import type { Manifest } from '../manifest/index.js';
import { runContext, withSession, type RolloutOutcome } from './reconcile.js';
import { phaseIndex, rollBackTo } from './phases.js';
import { runVerify } from './gate.js';
import { isDrillable, runSteps } from './steps.js';
import { StepFailure } from './step.js';
import type { EngineDeps } from './deps.js';

export class OperationError extends Error {}

/**
 * `rollouts rollback NAME [--to PHASE]`: rolls back now, whatever the manifest says, and holds the rollout there
 * until its desired phase changes (so the next pass does not re-apply what was just rolled back).
 */
export async function emergencyRollback(deps: EngineDeps, m: Manifest, to = 'none'): Promise<RolloutOutcome> {
  if (to !== 'none' && phaseIndex(m, to) < 0)
    throw new OperationError(`--to ${to}: no such phase (have: none, ${m.phases.map((p) => p.name).join(', ')})`);
  const rc = runContext(deps, m);
  const out = await withSession(deps, m, rc.masker, async (session) => {
    const applied = session.state.applied;
    if (phaseIndex(m, to) >= phaseIndex(m, applied) && session.state.status !== 'rolling-back')
      return {
        name: m.name,
        outcome: 'unchanged' as const,
        desired: m.phase,
        applied,
        status: session.state.status,
        message: `${to} is not below the applied phase ${applied}`,
      };
    await session.commit(
      (s) => void (s.hold = { desired: m.phase, reason: `emergency rollback to ${to}` }),
      [session.entry({ kind: 'emergency-rollback', result: { from: applied, to } })],
      `emergency rollback to ${to}`,
    );
    try {
      await rollBackTo(deps, session, rc, m, to, 'emergency rollback');
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      await session.commit(
        (s) =>
          void (s.failure = { phase: s.applied, step: err.step, reason: err.message, at: session.now().toISOString() }),
        [session.entry({ kind: 'step-failed', phase: session.state.applied, step: err.step, error: err.message })],
        'rollback step failed',
      );
      return {
        name: m.name,
        outcome: 'failed' as const,
        desired: m.phase,
        applied: session.state.applied,
        status: session.state.status,
        message: err.message,
      };
    }
    const ok = await runVerify(deps, session, rc, m);
    return {
      name: m.name,
      outcome: ok ? ('rolled-back' as const) : ('failed' as const),
      desired: m.phase,
      applied: session.state.applied,
      status: session.state.status,
    };
  });
  return (
    out ?? {
      name: m.name,
      outcome: 'busy',
      desired: m.phase,
      applied: '?',
      status: '?',
      message: 'another reconciler holds the lease',
    }
  );
}

export interface DrillResult {
  name: string;
  rtoMs: number;
  ok: boolean;
  skipped: string[];
  phases: string[];
  error?: string;
}

/** `rollouts drill NAME`: the rollback steps of the applied phases with run.dryRun = true; the time is the RTO. */
export async function drill(deps: EngineDeps, m: Manifest): Promise<DrillResult | null> {
  const rc = runContext(deps, m, true);
  return withSession(deps, m, rc.masker, async (session) => {
    const applied = phaseIndex(m, session.state.applied);
    const phases = m.phases.slice(0, applied + 1).reverse();
    await session.commit(
      (s) => {
        for (const key of Object.keys(s.progress ?? {})) if (key.includes('/drill/')) delete s.progress![key];
      },
      [session.entry({ kind: 'drill-start', result: { phases: phases.map((p) => p.name) } })],
      'drill start',
    );
    const skipped: string[] = [];
    const t0 = performance.now();
    let error: string | undefined;
    try {
      for (const p of phases) {
        const steps = p.rollback ?? m.rollback;
        for (const s of steps) if (!isDrillable(s)) skipped.push(`${p.name}/${s.name}`);
        const generation = ((session.state.generation as Record<string, number> | undefined) ?? {})[p.name] ?? 0;
        await runSteps(
          {
            session,
            rc,
            reporter: deps.reporter,
            checkpoints: deps.checkpoints,
            phase: p.name,
            kind: 'drill',
            cohort: session.state.cohorts?.[p.name] ?? null,
            generation,
          },
          steps,
        );
      }
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      error = err.message;
    }
    const rtoMs = Math.round(performance.now() - t0);
    const result: DrillResult = { name: m.name, rtoMs, ok: !error, skipped, phases: phases.map((p) => p.name), error };
    await session.commit(
      null,
      [session.entry({ kind: 'drill', result: { rtoMs, ok: result.ok, skipped, phases: result.phases }, error })],
      `drill: RTO ${rtoMs} ms`,
    );
    return result;
  });
}
