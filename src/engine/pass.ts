// A rollout pass: one process acting on one rollout while it holds the rollout's lease. Opened here and only here
// (claim the lease, check the state fits the manifest); its transitions are phases.ts, gate.ts and verify.ts.
// What a pass does for a rollout is decided in reconcile.ts (and operations.ts, alerts.ts for the other commands).
import type { Manifest, Phase } from '../manifest/index.js';
import { checkPhases, LeaseLostError, type GitStateStore, type RolloutState } from '../state/index.js';
import { runContext } from './context.js';
import type { EngineDeps } from './deps.js';
import { openGate, sampleGate, type GateResult } from './gate.js';
import { applyPhase, recordStepFailure, rollBackTo } from './phases.js';
import { PassScope } from './scope.js';
import { RolloutSession } from './session.js';
import type { StepFailure } from './step.js';
import { verify } from './verify.js';

export interface PassOptions {
  /** A drill: `run.dryRun` is true, and steps that would write are skipped. */
  dryRun?: boolean;
  /**
   * A lean pass (it only samples a gate) on the state as read, with its lease free: no lease is claimed, and the
   * pass's first commit is a CAS on `version` (see RolloutSession.adopt).
   */
  adopt?: { state: RolloutState; version: string };
}

/** Throws StateFileError when `state`, read at `version`, names a phase `m` does not have (see checkPhases). */
export function checkStateFits(store: GitStateStore, m: Manifest, state: RolloutState | null, version: string | null) {
  if (!state || !version) return;
  checkPhases(
    state,
    m.phases.map((p) => p.name),
    store.stateFile(m.name, version),
  );
}

export class RolloutPass extends PassScope {
  /**
   * Claims the lease of `m`'s rollout. Null when a live other holder has it. Throws StateFileError, having written
   * nothing, when the state does not fit the manifest (e.g. `applied` names a phase it does not have).
   */
  static async open(deps: EngineDeps, m: Manifest, opts: PassOptions = {}): Promise<RolloutPass | null> {
    const rc = runContext(deps, m, opts.dryRun);
    const sessionOpts = {
      store: deps.store,
      name: m.name,
      me: deps.me,
      ttlMs: deps.leaseTtlMs,
      masker: rc.masker,
      trigger: deps.trigger,
      now: deps.now,
      claim: {
        isRunFinished: deps.isRunFinished,
        skewMs: deps.leaseSkewMs,
        check: (state: RolloutState | null, version: string | null) => checkStateFits(deps.store, m, state, version),
      },
    };
    const session = opts.adopt
      ? RolloutSession.adopt(sessionOpts, opts.adopt.state, opts.adopt.version)
      : await RolloutSession.open(sessionOpts);
    return session ? new RolloutPass(deps, session, rc, m) : null;
  }

  /** Enters phase `p` (or resumes it at its failed step) and runs its steps. */
  applyPhase(p: Phase): Promise<void> {
    return applyPhase(this, p);
  }

  /** Opens `p`'s gate after its steps, or marks it healthy when it has none. */
  async openGate(p: Phase): Promise<void> {
    await this.deps.events.phaseApplied?.({ manifest: this.manifest, phase: p.name, state: this.state });
    return openGate(this, p);
  }

  /** Opens the applied phase's gate afresh (a resume or retry): a new hold, no samples; the phase is not re-applied. */
  reopenGate(p: Phase): Promise<void> {
    return openGate(this, p);
  }

  /** Takes the due samples of the open gate and acts on the verdict. */
  sampleGate(): Promise<GateResult> {
    return sampleGate(this);
  }

  /** Rolls back every applied phase above `target`, highest first. */
  rollBackTo(target: string, reason: string): Promise<void> {
    return rollBackTo(this, target, reason);
  }

  /** The `verify:` checks after a rollback; false when one did not pass. */
  verify(): Promise<boolean> {
    return verify(this);
  }

  recordStepFailure(err: StepFailure): Promise<void> {
    return recordStepFailure(this, err);
  }

  /** Gives the lease up. */
  close(): Promise<void> {
    return this.session.close();
  }
}

/** Runs `fn` in a pass over `m`'s rollout and closes it; null when another reconciler holds the lease. */
export async function withPass<T>(
  deps: EngineDeps,
  m: Manifest,
  fn: (pass: RolloutPass) => Promise<T>,
  opts: PassOptions = {},
): Promise<T | null> {
  const pass = await RolloutPass.open(deps, m, opts);
  if (!pass) return null;
  try {
    return await fn(pass);
  } catch (err) {
    if (err instanceof LeaseLostError) pass.session.abandon();
    throw err;
  } finally {
    await pass.close();
  }
}
