// The pause switch as the running pass sees it: between two batches (and two steps) of an apply, a pause an operator
// asked for (`rollouts pause`, engine/pause.ts) stops the step with its checkpoint saved, and the pass records status
// paused. The loop learns of the request for free: no fetch, no read, only `session.state.pause`, which the
// session's own commits keep fresh (a request moves the rollout's state, so the holder's next checkpoint or heartbeat
// misses its compare-and-swap and re-reads; see engine/pause.ts for why nothing is lost either way).
import type { PauseRequest, RolloutState } from '../state/index.js';
import type { Checkpointer } from './checkpoint.js';
import type { StepKind } from './context.js';
import type { RolloutSession } from './session.js';

/** A step stopped between batches because a pause was asked: not a failure; its checkpoint is saved. */
export class PauseHonoured extends Error {
  constructor(
    readonly step: string,
    readonly request: PauseRequest,
  ) {
    super(`${step}: ${pauseNote(request)}`);
  }
}

/** `paused by alice at 2026-12-02T10:00:00.000Z: reindex first`; `pause asked by ...` until a pass honoured it. */
export function pauseNote(p: PauseRequest): string {
  return `${p.from ? 'paused' : 'pause asked'} by ${p.by} at ${p.at}${p.reason ? `: ${p.reason}` : ''}`;
}

/**
 * Called before each batch and each step of an apply: when a pause was asked, drains the step's checkpoint (the
 * cursor after the last batch sent is saved) and throws PauseHonoured, so nothing more is sent. A rollback or a
 * drill is not paused: the way back is the safe direction.
 */
export async function stopIfPaused(session: RolloutSession, kind: StepKind, step: string, cp?: Checkpointer) {
  const asked = session.state.pause;
  if (!asked || kind !== 'apply') return;
  await cp?.drain();
  throw new PauseHonoured(step, asked);
}

/**
 * Honours a pause request in the pass holding the lease: status paused, the status it left kept in `pause.from`
 * for resume to restore. False (nothing changed but the lease) when the request was withdrawn meanwhile.
 */
export async function honourPause(session: RolloutSession): Promise<boolean> {
  const s = await session.commit(
    (st) => {
      if (!st.pause || st.status === 'paused') return;
      st.pause = { ...st.pause, from: st.status };
      st.status = 'paused';
    },
    [],
    'pause honoured',
  );
  if (s.status !== 'paused' || !s.pause) return false;
  await session.commit(
    null,
    [session.entry({ kind: 'paused', phase: s.applied, step: s.step ?? undefined, result: pauseRecord(s) })],
    `${s.applied}: paused by ${s.pause.by}`,
  );
  return true;
}

function pauseRecord(s: RolloutState) {
  const { by, at, reason, from } = s.pause!;
  const key = Object.entries(s.progress ?? {}).find(([k, p]) => !p.done && k.startsWith(`${s.applied}/apply/`));
  const cursor = key ? { progress: key[0], batches: key[1].batches, cursor: key[1].cursor } : undefined;
  return { by, at, reason, from, ...cursor };
}
