// `rollouts apply --dry-run`: what this pass would do for each rollout (apply, sample, roll back; which steps, which
// cohort), decided by the same `decide` as a real pass on a plain read of the state. No step runs, nothing is written.
import type { Manifest } from '../manifest/index.js';
import { describeCohort, describeGate, rollbackSteps } from '../plan/index.js';
import { StateFileError, type GitStateStore, type RolloutState } from '../state/index.js';
import { checkStateFits } from './pass.js';
import { pauseNote } from './pause-switch.js';
import { decide } from './reconcile.js';
import { phaseIndex } from './scope.js';

export interface DryRunPhase {
  phase: string;
  steps: string[];
  cohort: string;
}

export interface DryRunView {
  name: string;
  applied: string;
  status: string;
  desired: string;
  action: 'none' | 'blocked' | 'pause' | 'apply' | 'resume' | 'sample' | 'roll-back' | 'invalid-state';
  /**
   * apply/resume: the phase and its steps (from the failed step when resuming); roll-back: each phase, highest first.
   */
  phases: DryRunPhase[];
  /** apply: the gate that opens after the steps; sample: the open gate. */
  gate?: string;
  verify?: string[];
  message?: string;
}

/** What a pass would do for `m` in state `s`. Pure. */
export function dryRunOf(m: Manifest, s: RolloutState | null, now: Date = new Date()): DryRunView {
  const base = {
    name: m.name,
    applied: s?.applied ?? 'none',
    status: s?.status ?? 'none',
    desired: m.phase,
    phases: [],
  };
  const d = decide(m, s, now);
  switch (d.action) {
    case 'none': {
      const idle = s?.status === 'holding' && s.gate ? `gate of ${s.gate.phase}: no sample due yet` : undefined;
      return { ...base, action: 'none', message: d.clearHold ? 'clears the hold of an emergency rollback' : idle };
    }
    case 'blocked':
      return { ...base, action: 'blocked', message: d.message };
    case 'pause':
      return { ...base, action: 'pause', message: pauseNote(s!.pause!) };
    case 'paused':
      return { ...base, action: 'none', message: d.message };
    case 'sample': {
      const p = m.phases[phaseIndex(m, s!.gate?.phase ?? s!.applied)]!;
      return { ...base, action: 'sample', gate: `${describeGate(p)}; passes at ${s!.gate?.passesAt}` };
    }
    case 'apply': {
      const p = d.phase;
      const resuming = s?.applied === p.name;
      const from = resuming ? (s?.failure?.step ?? s?.step ?? null) : null;
      const at = from ? p.steps.findIndex((x) => x.name === from) : 0;
      const steps = p.steps.slice(Math.max(0, at)).map((x) => x.name);
      return {
        ...base,
        action: resuming ? 'resume' : 'apply',
        phases: [{ phase: p.name, steps, cohort: describeCohort(p) }],
        gate: describeGate(p),
        message: from ? `from step ${from}, at its checkpoint` : undefined,
      };
    }
    case 'roll-back': {
      const phases = m.phases
        .slice(phaseIndex(m, d.to) + 1, phaseIndex(m, s?.applied ?? 'none') + 1)
        .reverse()
        .map((p) => ({ phase: p.name, steps: rollbackSteps(m, p).map((x) => x.name), cohort: describeCohort(p) }));
      return { ...base, action: 'roll-back', phases, verify: m.verify.map((v) => v.name), message: d.reason };
    }
  }
}

export async function dryRunAll(store: GitStateStore, manifests: Manifest[]): Promise<DryRunView[]> {
  const out: DryRunView[] = [];
  for (const m of manifests) {
    try {
      const { state, version } = await store.readState(m.name);
      checkStateFits(store, m, state, version);
      out.push(dryRunOf(m, state));
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      const view = { name: m.name, applied: '?', status: 'invalid-state', desired: m.phase, phases: [] };
      out.push({ ...view, action: 'invalid-state', message: err.message });
    }
  }
  return out;
}
