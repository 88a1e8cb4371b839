import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitStateStore } from '../../src/state/store.js';
import { LeaseLostError } from '../../src/state/errors.js';
import {
  claimLease,
  currentHolder,
  DEFAULT_LEASE_SKEW_MS,
  isPidAlive,
  leaseVerdict,
  releaseLease,
  renewLease,
  withRenewedLease,
} from '../../src/state/lease.js';
import type { Lease, LeaseHolder, LedgerEntry, RolloutState } from '../../src/state/types.js';
import { git, isolateGitConfig, makeUserRepo, tempDirs } from './helpers.js';

const dirs = tempDirs();
const children: ChildProcess[] = [];
beforeAll(isolateGitConfig);
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => dirs.cleanup());

const NOW = new Date('2025-06-01T12:00:00.000Z');
const me: LeaseHolder = { host: 'runner-a', pid: 100, runId: '7', startedAt: NOW.toISOString() };

function lease(holder: Partial<LeaseHolder>, expiresInMs = 60_000): Lease {
  return {
    holder: { host: 'runner-a', pid: 200, startedAt: NOW.toISOString(), ...holder },
    expiresAt: new Date(NOW.getTime() + expiresInMs).toISOString(),
  };
}

const alive = () => true;
const dead = () => false;

describe('leaseVerdict', () => {
  it('is free when there is no lease', () => {
    expect(leaseVerdict(null, me, NOW, alive)).toBe('free');
    expect(leaseVerdict(undefined, me, NOW, alive)).toBe('free');
  });

  it('is mine for the same host, pid and run, and not for another run of the same pid', () => {
    expect(leaseVerdict(lease({ pid: 100, runId: '7' }), me, NOW, alive)).toBe('mine');
    expect(leaseVerdict(lease({ pid: 100, runId: '8' }), me, NOW, alive)).toBe('held');
  });

  it('is dead-holder for a gone pid on the same host, even before expiry', () => {
    expect(leaseVerdict(lease({ pid: 200 }), me, NOW, dead)).toBe('dead-holder');
  });

  it('is held for a live pid on the same host and for another host before expiry', () => {
    expect(leaseVerdict(lease({ pid: 200 }), me, NOW, alive)).toBe('held');
    expect(leaseVerdict(lease({ host: 'runner-b', pid: 100 }), me, NOW, dead)).toBe('held');
  });

  it('is expired for another host past expiresAt and the clock-skew margin, and held within the margin', () => {
    expect(leaseVerdict(lease({ host: 'runner-b' }, -1), me, NOW, alive, { skewMs: 0 })).toBe('expired');
    expect(leaseVerdict(lease({ host: 'runner-b' }, -DEFAULT_LEASE_SKEW_MS + 1), me, NOW, alive)).toBe('held');
    expect(leaseVerdict(lease({ host: 'runner-b' }, -DEFAULT_LEASE_SKEW_MS - 1), me, NOW, alive)).toBe('expired');
  });

  it("is dead-holder when the hook says the holder's workflow run has completed", () => {
    const l = lease({ host: 'runner-b', runId: '5' });
    expect(leaseVerdict(l, me, NOW, alive, { isRunFinished: (h) => h.runId === '5' })).toBe('dead-holder');
    expect(leaseVerdict(l, me, NOW, alive, { isRunFinished: () => false })).toBe('held');
  });
});

describe('isPidAlive', () => {
  it('is true for this process and false for a child that exited and was reaped', async () => {
    expect(isPidAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid as number;
    await new Promise((r) => child.on('exit', r));
    expect(isPidAlive(pid)).toBe(false);
    expect(isPidAlive(0)).toBe(false);
  });
});

describe('withRenewedLease', () => {
  const state: RolloutState = { name: 'demo', applied: 'canary', status: 'applying', updatedAt: NOW.toISOString() };

  it("extends the holder's lease to now + ttl, keeping the holder", () => {
    const later = new Date(NOW.getTime() + 30_000);
    const renewed = withRenewedLease({ ...state, lease: lease({ pid: 100, runId: '7' }) }, me, 60_000, later);
    expect(renewed.lease).toEqual({
      holder: lease({ pid: 100, runId: '7' }).holder,
      expiresAt: '2025-06-01T12:01:30.000Z',
    });
  });

  it('throws LeaseLostError when another holder has the lease or there is none', () => {
    expect(() => withRenewedLease({ ...state, lease: lease({ host: 'runner-b' }) }, me, 1000, NOW)).toThrow(
      LeaseLostError,
    );
    expect(() => withRenewedLease(state, me, 1000, NOW)).toThrow(LeaseLostError);
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const claimer = fileURLToPath(new URL('./fixtures/claimer.ts', import.meta.url));

interface ClaimerResult {
  pid: number;
  won?: boolean;
  verdict?: string;
  plans?: number;
  error?: string;
}

function startClaimer(repo: string, name: string, mode: 'race' | 'hold') {
  const child = spawn(process.execPath, ['--import', 'tsx', claimer, repo, name, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error(`claimer ${child.pid} ended without output`);
    return r.value;
  };
  return { child, next };
}

describe('claimLease with real processes and a real repository', () => {
  it('lets exactly one of two concurrent claimer processes win, round after round', async () => {
    const repo = await makeUserRepo(dirs);
    const replans: number[] = [];
    for (let round = 0; round < 4; round++) {
      const procs = [startClaimer(repo, `race-${round}`, 'race'), startClaimer(repo, `race-${round}`, 'race')];
      for (const p of procs) expect(await p.next()).toBe('ready');
      for (const p of procs) p.child.stdin?.write('go\n');
      const results = (await Promise.all(procs.map((p) => p.next()))).map((l) => JSON.parse(l) as ClaimerResult);
      expect(results.map((r) => r.error)).toEqual([undefined, undefined]);
      expect(results.filter((r) => r.won)).toHaveLength(1);
      replans.push(results.filter((r) => (r.plans ?? 0) > 1).length);
      const winner = results.find((r) => r.won);
      const state = await new GitStateStore({ repo }).readState(`race-${round}`);
      expect(state.state?.lease?.holder.pid).toBe(winner?.pid);
      for (const p of procs) p.child.stdin?.end();
      await Promise.all(procs.map((p) => new Promise((r) => p.child.on('exit', r))));
    }
    console.log(`claimers that lost a compare-and-swap and re-planned, per round: ${replans.join(', ')}`);
  });

  it('respects the lease of a live process and takes over at once the lease of a killed one', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const holder = startClaimer(repo, 'demo', 'hold');
    const result = JSON.parse(await holder.next()) as ClaimerResult;
    expect(result).toMatchObject({ won: true, verdict: 'free' });

    const versionBefore = (await store.readState('demo')).version;
    expect(await claimLease(store, 'demo', currentHolder(), 60_000)).toBeNull();
    expect((await store.readState('demo')).version).toBe(versionBefore); // nothing written

    holder.child.kill('SIGKILL');
    await new Promise((r) => holder.child.on('exit', r));
    const taken = await claimLease(store, 'demo', currentHolder(), 60_000);
    expect(taken?.verdict).toBe('dead-holder');
    expect(taken?.state.lease?.holder.pid).toBe(process.pid);
    const [takeover] = await store.tailLedger('demo', 1);
    expect(takeover).toMatchObject({ kind: 'lease-takeover', result: { verdict: 'dead-holder' } });
    expect((takeover?.result as { previous: Lease }).previous.holder.pid).toBe(result.pid);
  });
});

describe('claimLease, renewLease, releaseLease', () => {
  async function seeded(leaseOfOther: Lease | null) {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const state: RolloutState = {
      name: 'demo',
      applied: 'canary',
      status: 'holding',
      updatedAt: NOW.toISOString(),
      lease: leaseOfOther,
    };
    const version = await store.commit({ name: 'demo', expected: null, state });
    return { repo, store, version };
  }

  it("creates the rollout's state when claiming a rollout that has none", async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const r = await claimLease(store, 'fresh', me, 60_000, { now: () => NOW });
    expect(r?.verdict).toBe('free');
    expect(r?.state).toMatchObject({
      name: 'fresh',
      applied: 'none',
      status: 'none',
      lease: { holder: me, expiresAt: '2025-06-01T12:01:00.000Z' },
    });
    expect((await store.readState('fresh')).version).toBe(r?.version);
  });

  it('respects a live holder on another host before its lease expires', async () => {
    const { store, version } = await seeded(lease({ host: 'runner-b' }));
    expect(await claimLease(store, 'demo', me, 60_000, { now: () => NOW })).toBeNull();
    expect((await store.readState('demo')).version).toBe(version);
  });

  it('takes over an expired lease of another host and records the takeover in the ledger', async () => {
    const { store } = await seeded(lease({ host: 'runner-b' }, -DEFAULT_LEASE_SKEW_MS - 1000));
    const r = await claimLease(store, 'demo', me, 60_000, { now: () => NOW });
    expect(r?.verdict).toBe('expired');
    expect(r?.state.lease?.holder).toEqual(me);
    expect(r?.state.status).toBe('holding'); // the rest of the state is kept
    const ledger = await collect(store.readLedger('demo'));
    expect(ledger.map((e: LedgerEntry) => [e.kind, (e.result as { verdict: string }).verdict])).toEqual([
      ['lease-takeover', 'expired'],
    ]);
  });

  it('takes over the lease of a holder whose workflow run has completed (async hook)', async () => {
    const { store } = await seeded(lease({ host: 'runner-b', runId: '41' }));
    const asked: string[] = [];
    const r = await claimLease(store, 'demo', me, 60_000, {
      now: () => NOW,
      isRunFinished: async (h) => {
        asked.push(h.runId ?? '');
        return true;
      },
    });
    expect(r?.verdict).toBe('dead-holder');
    expect(asked).toEqual(['41']);
  });

  it('renews its own lease, and a checkpoint commit can carry the renewal', async () => {
    const { store } = await seeded(null);
    const claimed = await claimLease(store, 'demo', me, 60_000, { now: () => NOW });
    const later = new Date(NOW.getTime() + 10_000);
    const renewed = await renewLease(store, 'demo', me, 60_000, { now: () => later });
    expect(renewed.state.lease?.expiresAt).toBe('2025-06-01T12:01:10.000Z');
    expect(claimed?.version).not.toBe(renewed.version);

    const checkpoint = withRenewedLease(
      { ...renewed.state, step: 'backfill' },
      me,
      60_000,
      new Date(NOW.getTime() + 20_000),
    );
    const v = await store.commit({
      name: 'demo',
      expected: renewed.version,
      state: checkpoint,
      ledger: [{ time: later.toISOString(), actor: 'me', rollout: 'demo', kind: 'batch' }],
    });
    expect((await store.readState('demo')).state?.lease?.expiresAt).toBe('2025-06-01T12:01:20.000Z');
    expect((await store.readState('demo')).version).toBe(v);
  });

  it('throws LeaseLostError on renewal once another run took the expired lease over', async () => {
    const { store } = await seeded(null);
    await claimLease(store, 'demo', me, 1000, { now: () => NOW });
    const other: LeaseHolder = { host: 'runner-b', pid: 5, startedAt: NOW.toISOString() };
    const later = new Date(NOW.getTime() + 1000 + DEFAULT_LEASE_SKEW_MS + 1);
    expect((await claimLease(store, 'demo', other, 60_000, { now: () => later }))?.verdict).toBe('expired');
    await expect(renewLease(store, 'demo', me, 60_000, { now: () => later })).rejects.toBeInstanceOf(LeaseLostError);
  });

  it("releases its own lease so the next claim finds it free, and leaves another holder's lease alone", async () => {
    const { store, version } = await seeded(lease({ host: 'runner-b' }));
    expect(await releaseLease(store, 'demo', me)).toBe(version);
    expect((await store.readState('demo')).state?.lease?.holder.host).toBe('runner-b');

    const { store: s2 } = await seeded(null);
    await claimLease(s2, 'demo', me, 60_000, { now: () => NOW });
    await releaseLease(s2, 'demo', me, { now: () => NOW });
    expect((await s2.readState('demo')).state?.lease).toBeNull();
    const other: LeaseHolder = { host: 'runner-b', pid: 5, startedAt: NOW.toISOString() };
    expect((await claimLease(s2, 'demo', other, 60_000, { now: () => NOW }))?.verdict).toBe('free');
  });

  it("never touches the user's work tree, index or HEAD", async () => {
    const repo = await makeUserRepo(dirs);
    const before = [
      await git(repo, 'status', '--porcelain'),
      await git(repo, 'rev-parse', 'HEAD'),
      await git(repo, 'ls-files', '-s'),
    ];
    const store = new GitStateStore({ repo });
    await claimLease(store, 'demo', me, 60_000);
    await renewLease(store, 'demo', me, 60_000);
    await releaseLease(store, 'demo', me);
    const after = [
      await git(repo, 'status', '--porcelain'),
      await git(repo, 'rev-parse', 'HEAD'),
      await git(repo, 'ls-files', '-s'),
    ];
    expect(after).toEqual(before);
  });
});
