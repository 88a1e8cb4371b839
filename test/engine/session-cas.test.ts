// RolloutSession.commit is a CAS on the version the session last wrote: no read before a checkpoint, and a lease
// taken over in between is still detected (the CAS fails, the fallback read sees the other holder).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimLease, GitStateStore, LeaseLostError, withLease, type LeaseHolder } from '../../src/state/index.js';
import { Masker } from '../../src/engine/mask.js';
import { RolloutSession } from '../../src/engine/session.js';
import { isolateGitConfig, makeUserRepo, tempDirs } from '../state/helpers.js';

const dirs = tempDirs();
beforeAll(isolateGitConfig);
afterAll(() => dirs.cleanup());

const me: LeaseHolder = { host: 'host-a', pid: process.pid, startedAt: '2026-01-01T00:00:00.000Z' };
const other: LeaseHolder = { host: 'host-b', pid: 4242, startedAt: '2026-01-01T00:00:00.000Z' };

async function open(store: GitStateStore, name: string): Promise<RolloutSession> {
  const session = await RolloutSession.open({ store, name, me, ttlMs: 60_000, masker: new Masker() });
  if (!session) throw new Error('no lease');
  return session;
}

async function ledgerKinds(store: GitStateStore, name: string): Promise<string[]> {
  const kinds: string[] = [];
  for await (const e of store.readLedger(name)) kinds.push(e.kind);
  return kinds;
}

describe('RolloutSession.commit', () => {
  it('commits on top of commits of other rollouts made in between', async () => {
    const store = new GitStateStore({ repo: await makeUserRepo(dirs) });
    const session = await open(store, 'one');
    await session.commit((s) => void (s.step = 'a'), [session.entry({ kind: 'first' })], 'first');
    const neighbour = await open(store, 'two');
    await neighbour.commit(null, [neighbour.entry({ kind: 'neighbour' })], 'neighbour');
    await session.commit((s) => void (s.step = 'b'), [session.entry({ kind: 'second' })], 'second');
    await session.close();
    await neighbour.close();
    expect((await store.readState('one')).state?.step).toBe('b');
    expect(await ledgerKinds(store, 'one')).toEqual(['first', 'second']);
    expect(await ledgerKinds(store, 'two')).toEqual(['neighbour']);
  });

  it('throws LeaseLostError and writes nothing once another holder took the lease over', async () => {
    const store = new GitStateStore({ repo: await makeUserRepo(dirs) });
    const session = await open(store, 'taken');
    await session.commit(null, [session.entry({ kind: 'mine' })], 'mine');
    await store.update('taken', (s) => ({ state: withLease(s!, other, 60_000, new Date()), message: 'takeover' }));
    await expect(
      session.commit((s) => void (s.step = 'late'), [session.entry({ kind: 'late' })], 'late'),
    ).rejects.toBeInstanceOf(LeaseLostError);
    session.abandon();
    const { state } = await store.readState('taken');
    expect(state?.lease?.holder.host).toBe('host-b');
    expect(state?.step).not.toBe('late');
    expect(await ledgerKinds(store, 'taken')).toEqual(['mine']);
  });

  it('increments the epoch on every claim that is not a renewal, and keeps it across a release', async () => {
    const store = new GitStateStore({ repo: await makeUserRepo(dirs) });
    const first = await open(store, 'epochs');
    expect(first.epoch).toBe(1);
    await first.close();
    expect((await store.readState('epochs')).state).toMatchObject({ lease: null, epoch: 1 });
    const second = await open(store, 'epochs');
    expect(second.epoch).toBe(2);
    await second.close();
  });

  it('throws LeaseLostError once the epoch moved on, though the holder is the same', async () => {
    const store = new GitStateStore({ repo: await makeUserRepo(dirs) });
    const session = await open(store, 'fenced');
    // Another process with this host and pid (a pid reused) claimed the rollout again: a new epoch.
    await store.update('fenced', (s) => ({ state: { ...s!, epoch: session.epoch + 1 }, message: 'reclaimed' }));
    await expect(session.commit(null, [session.entry({ kind: 'late' })], 'late')).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    session.abandon();
    expect(await ledgerKinds(store, 'fenced')).toEqual([]);
  });

  it('fence() renews a lease renewed half a TTL ago, and stops the holder once it was taken over', async () => {
    const store = new GitStateStore({ repo: await makeUserRepo(dirs) });
    const ttlMs = 400;
    const session = (await RolloutSession.open({ store, name: 'stale', me, ttlMs, masker: new Masker() }))!;
    const claimed = (await store.readState('stale')).version;
    expect(await session.fence()).toBe(1); // just claimed: nothing to renew
    expect((await store.readState('stale')).version).toBe(claimed);
    await new Promise((r) => setTimeout(r, ttlMs / 2 + 20));
    expect(await session.fence()).toBe(1);
    const renewed = (await store.readState('stale')).version;
    expect(renewed).not.toBe(claimed);
    await new Promise((r) => setTimeout(r, ttlMs / 2 + 20));
    const later = () => new Date(Date.now() + 60_000);
    expect((await claimLease(store, 'stale', other, 60_000, { now: later }))?.verdict).toBe('expired');
    await expect(session.fence()).rejects.toBeInstanceOf(LeaseLostError);
    session.abandon();
    expect((await store.readState('stale')).state).toMatchObject({ epoch: 2, lease: { holder: { host: 'host-b' } } });
  });
});
