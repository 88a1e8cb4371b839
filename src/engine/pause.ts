// `rollouts pause NAME` and the resume of a pause: an operator stops a rollout from anywhere (a laptop, a dispatched
// workflow) while another process holds its lease and is running a paged step, as gh-ost's `throttle` command stops
// its row copy before the next chunk and Argo Rollouts' `spec.paused` stops a rollout at its next step.
//
// Why a request written without the lease is safe. It is one compare-and-swap commit of `<name>/state.json` that
// changes only `pause` (planned on the tip it read, re-planned on a lost race): never the lease, the epoch, the
// progress or the status. The holder's next commit (a checkpoint, a heartbeat) is a compare-and-swap on the version
// it last wrote; the request moved the rollout's files, so that swap fails and the session falls back to read, plan,
// write: its change (a pure function of the state) is applied to the state with the request in it, the lease check
// still passes (same holder, same epoch), and the checkpoint lands on top. Neither write loses the other: no lost
// checkpoint. The holder sees the request in that re-read, within one checkpoint interval (2 s by default) or one
// heartbeat, at no cost to the batch loop (no fetch, no read per batch). It then stops before its next batch,
// draining its checkpoint: the saved cursor is the one after the last batch it sent, and resume continues from it, so
// no batch is sent twice or skipped. A pass that has no step running sees the request on its claim's read.
import type { Manifest } from '../manifest/index.js';
import { StateFileError, type LedgerEntry, type RolloutState } from '../state/index.js';
import { ControlRefused } from './control-refused.js';
import type { EngineDeps } from './deps.js';
import { invalidStateOutcome, outcomeOf, type RolloutOutcome } from './outcome.js';
import { withPass, type RolloutPass } from './pass.js';
import { pauseNote } from './pause-switch.js';
import { ledgerEntry } from './session.js';
import { carryOut, decide } from './reconcile.js';

/** Statuses with nothing to pause: not started, done, or already stopped for a person. */
const NOT_PAUSABLE: Record<string, string> = {
  none: 'has not started: nothing to pause',
  complete: 'is complete: nothing to pause',
  'rolling-back': 'is rolling back: a rollback is not paused (the way back is the safe direction)',
  paused: 'is paused (its gate): nothing runs until `rollouts resume`',
};

/** Why `m` in state `s` cannot be paused, or null. */
export function pauseRefusal(m: Manifest, s: RolloutState | null): string | null {
  if (s?.pause) return `${m.name} is paused already (${pauseNote(s.pause)}): \`rollouts resume\` carries on`;
  const status = s?.status ?? 'none';
  const why = NOT_PAUSABLE[status];
  if (why) return `${m.name} ${why}`;
  if (status === 'rolled-back' && m.phase === s!.applied)
    return `${m.name} is rolled back to ${m.phase}: nothing to pause`;
  return null;
}

function entryOf(deps: EngineDeps, s: RolloutState, kind: string, actor: string, result: unknown): LedgerEntry {
  const at = { time: deps.now?.() ?? new Date(), rollout: s.name, actor, trigger: deps.trigger };
  return ledgerEntry(at, { kind, phase: s.applied, step: s.step ?? undefined, result });
}

/**
 * A pass after a lease-free write, when no run holds the lease: all of it (a resume), or only the honouring of the
 * pause (a pause never starts a rollback of its own). Else the run holding the lease carries on.
 */
async function carryOnIfFree(deps: EngineDeps, m: Manifest, s: RolloutState, note: string, onlyPause = false) {
  const later = outcomeOf(m, s, 'unchanged', note);
  if (s.lease) return later;
  const pass = (p: RolloutPass) =>
    !onlyPause || decide(m, p.state, p.now()).action === 'pause' ? carryOut(p) : Promise.resolve(later);
  return (await withPass(deps, m, pass)) ?? later;
}

/**
 * `rollouts pause NAME [--reason TEXT]`: records the request (one commit, without the lease) and, when no run holds
 * the lease, honours it at once as the next pass would. Throws ControlRefused, having written nothing, when there is
 * nothing to pause.
 */
export async function requestPause(
  deps: EngineDeps,
  m: Manifest,
  actor: string,
  reason?: string,
): Promise<RolloutOutcome> {
  try {
    const first = pauseRefusal(m, (await deps.store.readState(m.name)).state);
    if (first) throw new ControlRefused(first);
    const written = await deps.store.update(m.name, (current) => {
      const refused = pauseRefusal(m, current);
      if (refused || !current) throw new ControlRefused(refused ?? `${m.name} has not started: nothing to pause`);
      const at = (deps.now?.() ?? new Date()).toISOString();
      const pause = reason ? { by: actor, at, reason } : { by: actor, at };
      const holder = current.lease?.holder;
      return {
        state: { ...current, pause, updatedAt: at },
        ledger: [entryOf(deps, current, 'pause', actor, { status: current.status, reason, holder })],
        message: `pause asked by ${actor}`,
      };
    });
    const s = written.state!;
    deps.reporter.info(`${m.name}: pause of ${s.applied} asked by ${actor}`);
    const by = s.lease ? `the run holding the lease (${s.lease.holder.host}:${s.lease.holder.pid})` : 'the next pass';
    return await carryOnIfFree(deps, m, s, `pause asked: ${by} stops before its next batch`, true);
  } catch (err) {
    if (err instanceof StateFileError) return invalidStateOutcome(m, err);
    throw err;
  }
}

/**
 * `rollouts resume NAME` of a paused rollout: clears the request (one commit, without the lease: a request not yet
 * honoured is withdrawn under the running pass), restores the status the pause left, and carries on as a pass would
 * when the lease is free: a step resumes from its checkpointed cursor, a gate is sampled, the next phase starts.
 */
export async function resumePaused(deps: EngineDeps, m: Manifest, actor: string): Promise<RolloutOutcome> {
  const written = await deps.store.update(m.name, (current) => {
    const p = current?.pause;
    if (!current || !p)
      throw new ControlRefused(`${m.name} is ${current?.status ?? 'none'}, not paused: resumed already`);
    const status = current.status === 'paused' && p.from ? p.from : current.status;
    const at = (deps.now?.() ?? new Date()).toISOString();
    return {
      state: { ...current, pause: null, status, updatedAt: at },
      ledger: [entryOf(deps, current, 'resume', actor, { from: current.status, to: status, pause: p })],
      message: `${current.applied}: resume by ${actor}`,
    };
  });
  const s = written.state!;
  deps.reporter.info(`${m.name}: resume of ${s.applied} by ${actor}`);
  return carryOnIfFree(deps, m, s, 'pause withdrawn: the run holding the lease carries on');
}
