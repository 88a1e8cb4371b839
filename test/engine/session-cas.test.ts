// RolloutSession.commit is a CAS on the version the session last wrote: no read before a checkpoint, and a lease
// taken over in between is still detected (the CAS fails, the fallback read sees the other holder).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitStateStore, LeaseLostError, withLease, type LeaseHolder } from '../../src/state/index.js';
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
});
