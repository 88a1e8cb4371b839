// Commands beyond a reconcile pass: an emergency rollback now, and a drill (rollback with writes disabled).
import type { Manifest } from '../manifest/index.js';
import {
  KEPT_DRILLS,
  drillRecordSchema,
  StateFileError,
  type DrillRecord,
  type LedgerEntry,
  type RolloutState,
} from '../state/index.js';
import { drillRecords } from './check-env.js';
import type { EngineDeps } from './deps.js';
import { busyOutcome, invalidStateOutcome, outcomeOf, type RolloutOutcome } from './outcome.js';
import { withPass, type RolloutPass } from './pass.js';
import { phasesRolledBack, preflightError } from './preflight.js';
import { phaseIndex } from './scope.js';
import { OperationError } from './errors.js';
import { StepFailure } from './step.js';
import { isDrillable } from './steps.js';

export { OperationError };

/**
 * `rollouts rollback NAME [--to PHASE]`: rolls back now, whatever the manifest says, and holds the rollout there
 * until its desired phase changes (so the next pass does not re-apply what was just rolled back).
 */
export async function emergencyRollback(deps: EngineDeps, m: Manifest, to = 'none'): Promise<RolloutOutcome> {
  if (to !== 'none' && phaseIndex(m, to) < 0)
    throw new OperationError(`--to ${to}: no such phase (have: none, ${m.phases.map((p) => p.name).join(', ')})`);
  try {
    // Preflight on the plain read: a rollback that lacks an env name runs nothing and writes nothing.
    const read = (await deps.store.readState(m.name)).state;
    if (read && phaseIndex(m, to) < phaseIndex(m, read.applied)) {
      const refused = preflightError(m, { rollBack: phasesRolledBack(m, read.applied, to) }, deps.env);
      if (refused) {
        deps.reporter.info(`${m.name}: ✖ ${refused}`);
        return outcomeOf(m, read, 'failed', refused);
      }
    }
    const out = await withPass(deps, m, async (pass) => {
      const applied = pass.state.applied;
      if (phaseIndex(m, to) >= phaseIndex(m, applied) && pass.state.status !== 'rolling-back')
        return outcomeOf(m, pass.state, 'unchanged', `${to} is not below the applied phase ${applied}`);
      await pass.commit(
        (s) => void (s.hold = { desired: m.phase, reason: `emergency rollback to ${to}` }),
        [pass.entry({ kind: 'emergency-rollback', result: { from: applied, to } })],
        `emergency rollback to ${to}`,
      );
      try {
        await pass.rollBackTo(to, 'emergency rollback');
      } catch (err) {
        if (!(err instanceof StepFailure)) throw err;
        await pass.recordStepFailure(err);
        return outcomeOf(m, pass.state, 'failed', err.message);
      }
      const ok = await pass.verify();
      return outcomeOf(m, pass.state, ok ? 'rolled-back' : 'failed', ok ? undefined : pass.state.failure?.reason);
    });
    return out ?? busyOutcome(m, null);
  } catch (err) {
    if (err instanceof StateFileError) return invalidStateOutcome(m, err);
    throw err;
  }
}

export interface DrillResult {
  name: string;
  rtoMs: number;
  ok: boolean;
  skipped: string[];
  phases: string[];
  /** Rollback steps the drill ran (readOnly, or passing `{{ run.dryRun }}`), of `total`. */
  drillable: number;
  total: number;
  error?: string;
}

/** Why a drill that would run no step fails, and how to fix it. */
function nothingToDrill(phases: string[], skipped: string[]): string {
  if (!phases.length) return 'nothing to drill: no phase is applied';
  if (!skipped.length)
    return `nothing to drill: ${phases.join(', ')} ${phases.length === 1 ? 'has' : 'have'} no rollback steps`;
  return (
    `nothing to drill: no rollback step of ${phases.join(', ')} is drillable (${skipped.join(', ')}); ` +
    'give each one that writes nothing `readOnly: true`, and pass `{{ run.dryRun }}` to the others so they can ' +
    'skip their writes'
  );
}

/**
 * `rollouts drill NAME`: the rollback steps of the applied phases with run.dryRun = true; the time is the RTO. A drill
 * must exercise something: when no rollback step is drillable it runs nothing and fails, naming the steps to fix.
 * The ledger's `drill` entry records `drillable` of `total` steps; a `drill` check counts only drills that ran steps.
 */
export async function drill(deps: EngineDeps, m: Manifest): Promise<DrillResult | null> {
  try {
    const read = (await deps.store.readState(m.name)).state;
    if (read) {
      const phases = phasesRolledBack(m, read.applied, 'none');
      const refused = preflightError(m, { drill: phases }, deps.env);
      if (refused)
        return { name: m.name, rtoMs: 0, ok: false, skipped: [], phases, drillable: 0, total: 0, error: refused };
    }
    return await withPass(
      deps,
      m,
      async (pass) => {
        const applied = phaseIndex(m, pass.state.applied);
        const phases = m.phases.slice(0, applied + 1).reverse();
        const names = phases.map((p) => p.name);
        const plan = phases.map((p) => ({ phase: p, steps: p.rollback ?? m.rollback }));
        const skipped = plan.flatMap(({ phase, steps }) =>
          steps.filter((s) => !isDrillable(s)).map((s) => `${phase.name}/${s.name}`),
        );
        const total = plan.reduce((n, { steps }) => n + steps.length, 0);
        const drillable = total - skipped.length;
        if (drillable === 0) {
          const error = nothingToDrill(names, skipped);
          const entry = pass.entry({
            kind: 'drill',
            result: { rtoMs: 0, ok: false, skipped, phases: names, drillable, total },
            error,
          });
          await recordDrill(deps, pass, entry, { rtoMs: 0, ok: false, drillable }, 'drill: nothing to drill');
          return { name: m.name, rtoMs: 0, ok: false, skipped, phases: names, drillable, total, error };
        }
        await pass.commit(
          (s) => {
            for (const key of Object.keys(s.progress ?? {})) if (key.includes('/drill/')) delete s.progress![key];
          },
          [pass.entry({ kind: 'drill-start', result: { phases: names, drillable, total } })],
          'drill start',
        );
        const t0 = performance.now();
        let error: string | undefined;
        try {
          for (const { phase, steps } of plan)
            await pass.runSteps(phase.name, 'drill', pass.state.cohorts?.[phase.name] ?? null, steps);
        } catch (err) {
          if (!(err instanceof StepFailure)) throw err;
          error = err.message;
        }
        const rtoMs = Math.round(performance.now() - t0);
        const result: DrillResult = {
          name: m.name,
          rtoMs,
          ok: !error,
          skipped,
          phases: names,
          drillable,
          total,
          error,
        };
        const entry = pass.entry({
          kind: 'drill',
          result: { rtoMs, ok: result.ok, skipped, phases: names, drillable, total },
          error,
        });
        await recordDrill(deps, pass, entry, { rtoMs, ok: result.ok, drillable }, `drill: RTO ${rtoMs} ms`);
        return result;
      },
      { dryRun: true },
    );
  } catch (err) {
    if (err instanceof StateFileError)
      return { name: m.name, rtoMs: 0, ok: false, skipped: [], phases: [], drillable: 0, total: 0, error: err.message };
    throw err;
  }
}

/**
 * Commits a drill's ledger entry, and the drill in state.json's `drills` (the last KEPT_DRILLS, at the entry's time):
 * a gate's `drill` check reads them there on every sample instead of the whole ledger. A rollout without `drills`
 * yet starts them from the drills its ledger holds, so a drill recorded by an earlier version still counts.
 */
async function recordDrill(
  deps: EngineDeps,
  pass: RolloutPass,
  entry: LedgerEntry,
  drill: Omit<DrillRecord, 'time'>,
  message: string,
): Promise<void> {
  // Ledger entries an earlier version wrote, kept only when state.json's schema takes them as they are.
  const earlier =
    pass.state.drills ??
    (await drillRecords(deps, pass.manifest.name)).filter((d) => drillRecordSchema.safeParse(d).success);
  const record: DrillRecord = { time: entry.time, ...drill };
  const keep = (s: RolloutState) => {
    s.drills = [...(s.drills ?? earlier), record].slice(-KEPT_DRILLS);
  };
  await pass.commit(keep, [entry], message);
}
