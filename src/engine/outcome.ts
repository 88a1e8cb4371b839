// What one pass did for one rollout: the engine's answer to the CLI and the action.
import type { Manifest } from '../manifest/index.js';
import type { RolloutState, StateFileError } from '../state/index.js';

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
  /** Why, when there is more to say than the outcome: a failure's or a pause's reason, a block, a busy lease. */
  message?: string;
}

export function outcomeOf(m: Manifest, s: RolloutState | null, outcome: OutcomeKind, message?: string): RolloutOutcome {
  return {
    name: m.name,
    outcome,
    desired: m.phase,
    applied: s?.applied ?? 'none',
    status: s?.status ?? 'none',
    message,
  };
}

export function busyOutcome(m: Manifest, s: RolloutState | null): RolloutOutcome {
  return s
    ? outcomeOf(m, s, 'busy', 'another reconciler holds the lease')
    : { ...outcomeOf(m, null, 'busy', 'another reconciler holds the lease'), applied: '?', status: '?' };
}

/** A state file that cannot be trusted stops its rollout (exit 1) and nothing else. */
export function invalidStateOutcome(m: Manifest, err: StateFileError): RolloutOutcome {
  return {
    name: m.name,
    outcome: 'failed',
    desired: m.phase,
    applied: '?',
    status: 'invalid-state',
    message: err.message,
  };
}
