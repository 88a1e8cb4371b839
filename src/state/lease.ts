// The lease (DESIGN §5): exactly one reconciler acts on a rollout at a time. The lease lives in the rollout's
// state.json; claiming, renewing and releasing it are compare-and-swap commits through the store's `update`.
import { hostname } from 'node:os';
import { LeaseLostError } from './errors.js';
import type { GitStateStore, PlannedChange } from './store.js';
import type { Lease, LeaseHolder, LedgerEntry, RolloutState } from './types.js';

export type LeaseVerdict = 'free' | 'mine' | 'held' | 'dead-holder' | 'expired';

/**
 * How long past its `expiresAt` (on the reader's clock) a lease still counts as held: the margin for clock skew
 * between hosts. A holder stops sending half a TTL after its last renewal, so two runs never both send as long as
 * the clocks differ by less than half the TTL plus this margin.
 */
export const DEFAULT_LEASE_SKEW_MS = 30_000;

export interface VerdictOptions {
  /** "Its workflow run has completed": a finished run holds nothing (filled in by the GitHub side). */
  isRunFinished?: (holder: LeaseHolder) => boolean;
  /** The clock-skew margin past `expiresAt`; default DEFAULT_LEASE_SKEW_MS. */
  skewMs?: number;
}

/** Whether a local pid is alive: `kill(pid, 0)` fails with ESRCH only when there is no such process. */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** This process as a lease holder. */
export function currentHolder(runId?: string, now: Date = new Date()): LeaseHolder {
  const holder: LeaseHolder = { host: hostname(), pid: process.pid, startedAt: now.toISOString() };
  if (runId) holder.runId = runId;
  return holder;
}

export function isSameHolder(a: LeaseHolder | undefined | null, b: LeaseHolder): boolean {
  return !!a && a.host === b.host && a.pid === b.pid && (a.runId ?? null) === (b.runId ?? null);
}

export function holderLabel(h: LeaseHolder): string {
  return `${h.host}:${h.pid}${h.runId ? `/run ${h.runId}` : ''}`;
}

/**
 * What `me` may do with a rollout whose lease is `lease`. `dead-holder` (same host and its pid is gone, or its
 * workflow run has completed) and `expired` may be taken over; `held` must be left alone.
 */
export function leaseVerdict(
  lease: Lease | null | undefined,
  me: LeaseHolder,
  now: Date,
  pidAlive: (pid: number) => boolean = isPidAlive,
  opts: VerdictOptions = {},
): LeaseVerdict {
  if (!lease) return 'free';
  if (isSameHolder(lease.holder, me)) return 'mine';
  if (lease.holder.host === me.host && !pidAlive(lease.holder.pid)) return 'dead-holder';
  if (opts.isRunFinished?.(lease.holder)) return 'dead-holder';
  if (Date.parse(lease.expiresAt) + (opts.skewMs ?? DEFAULT_LEASE_SKEW_MS) < now.getTime()) return 'expired';
  return 'held';
}

/** The state with `me` holding the lease until now + ttl. */
export function withLease(state: RolloutState, me: LeaseHolder, ttlMs: number, now: Date): RolloutState {
  return {
    ...state,
    lease: { holder: me, expiresAt: new Date(now.getTime() + ttlMs).toISOString() },
    updatedAt: now.toISOString(),
  };
}

/**
 * The state with `me`'s lease extended to now + ttl, for a checkpoint commit to carry. Throws LeaseLostError when
 * `me` does not hold the lease (it expired and was taken over): the caller must stop acting.
 */
export function withRenewedLease(state: RolloutState, me: LeaseHolder, ttlMs: number, now: Date): RolloutState {
  const lease = state.lease;
  if (!lease || !isSameHolder(lease.holder, me)) {
    const by = lease ? ` (held by ${holderLabel(lease.holder)})` : '';
    throw new LeaseLostError(`lease of rollout ${state.name} lost${by}`, state.name);
  }
  return { ...state, lease: { holder: lease.holder, expiresAt: new Date(now.getTime() + ttlMs).toISOString() } };
}

export function initialRolloutState(name: string, now: Date): RolloutState {
  return { name, applied: 'none', status: 'none', step: null, lease: null, updatedAt: now.toISOString() };
}

export type LeaseStore = Pick<GitStateStore, 'update'>;

export interface ClaimOptions {
  now?: () => Date;
  isPidAlive?: (pid: number) => boolean;
  /** Asked only for a holder on another host whose lease has not expired and that names a workflow run. */
  isRunFinished?: (holder: LeaseHolder) => boolean | Promise<boolean>;
  /** Runs on the state found, before anything is written: throwing stops the claim (a state that does not fit). */
  check?: (current: RolloutState | null, version: string | null) => void;
  /** The clock-skew margin past `expiresAt` before an expired lease is taken over; default DEFAULT_LEASE_SKEW_MS. */
  skewMs?: number;
}

export interface ClaimResult {
  state: RolloutState;
  version: string;
  /** How the lease was obtained: free, mine (renewed), dead-holder or expired (taken over). */
  verdict: Exclude<LeaseVerdict, 'held'>;
}

/**
 * Claims the rollout's lease for `me` (creating the rollout's state when it has none). Returns null when a live
 * other holder has it. A takeover is recorded in the ledger. Every claim that is not a renewal of `me`'s own lease
 * increments the state's `epoch` (the fencing token): a holder whose epoch is no longer the state's has lost the
 * lease, whatever its clock says. Throws LostRaceError when it keeps losing.
 */
export async function claimLease(
  store: LeaseStore,
  name: string,
  me: LeaseHolder,
  ttlMs: number,
  opts: ClaimOptions = {},
): Promise<ClaimResult | null> {
  let verdict = 'free' as LeaseVerdict;
  const result = await store.update(name, async (current, ctx): Promise<PlannedChange | null> => {
    opts.check?.(current, ctx.version);
    const now = opts.now?.() ?? new Date();
    const lease = current?.lease ?? null;
    let runFinished = false;
    const other = lease && !isSameHolder(lease.holder, me) && lease.holder.host !== me.host;
    const skew = opts.skewMs ?? DEFAULT_LEASE_SKEW_MS;
    if (other && opts.isRunFinished && lease.holder.runId && Date.parse(lease.expiresAt) + skew >= now.getTime()) {
      runFinished = await opts.isRunFinished(lease.holder);
    }
    verdict = leaseVerdict(lease, me, now, opts.isPidAlive ?? isPidAlive, {
      isRunFinished: () => runFinished,
      skewMs: opts.skewMs,
    });
    if (verdict === 'held') return null;
    const state = withLease(current ?? initialRolloutState(name, now), me, ttlMs, now);
    if (verdict !== 'mine') state.epoch = (current?.epoch ?? 0) + 1;
    const ledger: LedgerEntry[] = [];
    if (lease && (verdict === 'dead-holder' || verdict === 'expired')) {
      ledger.push({
        time: now.toISOString(),
        actor: holderLabel(me),
        rollout: name,
        kind: 'lease-takeover',
        result: { verdict, previous: lease, epoch: state.epoch },
      });
    }
    return { state, ledger, message: `lease ${verdict === 'mine' ? 'renewed' : 'claimed'} by ${holderLabel(me)}` };
  });
  if (!result.committed || !result.state || !result.version || verdict === 'held') return null;
  return { state: result.state, version: result.version, verdict };
}

/** Extends `me`'s lease. Throws LeaseLostError when `me` no longer holds it. */
export async function renewLease(
  store: LeaseStore,
  name: string,
  me: LeaseHolder,
  ttlMs: number,
  opts: Pick<ClaimOptions, 'now'> = {},
): Promise<{ state: RolloutState; version: string }> {
  const result = await store.update(name, (current) => {
    if (!current) throw new LeaseLostError(`rollout ${name} has no state, so no lease`, name);
    return { state: withRenewedLease(current, me, ttlMs, opts.now?.() ?? new Date()), message: 'lease renewed' };
  });
  if (!result.state || !result.version) throw new LeaseLostError(`rollout ${name} has no state`, name);
  return { state: result.state, version: result.version };
}

/** Gives `me`'s lease up (no-op when `me` does not hold it). Returns the version after. */
export async function releaseLease(
  store: LeaseStore,
  name: string,
  me: LeaseHolder,
  opts: Pick<ClaimOptions, 'now'> = {},
): Promise<string | null> {
  const result = await store.update(name, (current) => {
    if (!current?.lease || !isSameHolder(current.lease.holder, me)) return null;
    const now = opts.now?.() ?? new Date();
    return {
      state: { ...current, lease: null, updatedAt: now.toISOString() },
      message: `lease released by ${holderLabel(me)}`,
    };
  });
  return result.version;
}
