import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitStateStore } from '../../src/state/store.js';
import { LostRaceError, StateStoreError } from '../../src/state/errors.js';
import type { LedgerEntry, RolloutState } from '../../src/state/types.js';
import { git, isolateGitConfig, makeRemoteAndClones, tempDirs } from './helpers.js';

const dirs = tempDirs();
beforeAll(isolateGitConfig);
afterAll(() => dirs.cleanup());

function state(name: string, extra: Partial<RolloutState> = {}): RolloutState {
  return { name, applied: 'canary', status: 'applying', updatedAt: '2025-01-01T00:00:00.000Z', ...extra };
}

function entry(rollout: string, kind: string): LedgerEntry {
  return { time: '2025-01-01T00:00:00.000Z', actor: 'test', rollout, kind };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function remoteTip(bare: string): Promise<string> {
  return (await git(bare, 'rev-parse', 'refs/heads/rollouts-state')).trim();
}

describe('GitStateStore with a remote', () => {
  it('creates the remote state branch on the first run and updates the local refs, leaving the checkout alone', async () => {
    const { bare, clones } = await makeRemoteAndClones(dirs, 1);
    const repo = clones[0] as string;
    const statusBefore = await git(repo, 'status', '--porcelain');
    const headBefore = await git(repo, 'rev-parse', 'HEAD');
    const store = new GitStateStore({ repo, remote: 'origin' });

    expect(await store.readState('demo')).toEqual({ state: null, version: null });
    const v = await store.commit({
      name: 'demo',
      expected: null,
      state: state('demo'),
      ledger: [entry('demo', 'start')],
    });

    expect(await remoteTip(bare)).toBe(v);
    expect(
      (await git(repo, 'rev-parse', 'refs/heads/rollouts-state', 'refs/remotes/origin/rollouts-state')).trim(),
    ).toBe(`${v}\n${v}`);
    expect(await git(repo, 'status', '--porcelain')).toBe(statusBefore);
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect((await git(bare, 'rev-list', '--max-parents=0', 'rollouts-state')).trim()).toBe(v);
    await expect(git(bare, 'merge-base', 'main', 'rollouts-state')).rejects.toThrow();
  });

  it('reads what another clone pushed', async () => {
    const { clones } = await makeRemoteAndClones(dirs, 2);
    const a = new GitStateStore({ repo: clones[0] as string, remote: 'origin' });
    const b = new GitStateStore({ repo: clones[1] as string, remote: 'origin' });
    const v = await a.commit({ name: 'demo', expected: null, state: state('demo'), ledger: [entry('demo', 'from-a')] });
    expect(await b.readState('demo')).toEqual({ state: state('demo'), version: v });
    expect((await collect(b.readLedger('demo'))).map((e) => e.kind)).toEqual(['from-a']);
    expect(await b.listRollouts()).toEqual(['demo']);
  });

  it('rejects a push planned on a stale version with LostRaceError, and update then succeeds after re-reading', async () => {
    const { bare, clones } = await makeRemoteAndClones(dirs, 2);
    const a = new GitStateStore({ repo: clones[0] as string, remote: 'origin' });
    const b = new GitStateStore({ repo: clones[1] as string, remote: 'origin' });
    const v1 = await a.commit({ name: 'demo', expected: null, state: state('demo', { generation: { n: 1 } }) });
    expect((await b.readState('demo')).version).toBe(v1);
    await a.commit({
      name: 'demo',
      expected: v1,
      state: state('demo', { generation: { n: 2 } }),
      ledger: [entry('demo', 'a')],
    });

    await expect(
      b.commit({ name: 'demo', expected: v1, state: state('demo', { generation: { n: 99 } }) }),
    ).rejects.toBeInstanceOf(LostRaceError);
    const r = await b.update('demo', (s) => ({
      state: state('demo', { generation: { n: s!.generation!.n! + 1 } }),
      ledger: [entry('demo', 'b')],
    }));
    expect(r.committed).toBe(true);
    expect(await remoteTip(bare)).toBe(r.version);
    expect((await a.readState('demo')).state?.generation?.n).toBe(3);
    expect((await collect(a.readLedger('demo'))).map((e) => e.kind)).toEqual(['a', 'b']);
  });

  it('lets exactly one of two clones pushing at once win; the loser retries with update and both changes land', async () => {
    const { bare, clones } = await makeRemoteAndClones(dirs, 2);
    const a = new GitStateStore({ repo: clones[0] as string, remote: 'origin' });
    const b = new GitStateStore({ repo: clones[1] as string, remote: 'origin' });
    let version = await a.commit({ name: 'demo', expected: null, state: state('demo', { generation: { n: 0 } }) });
    for (let round = 1; round <= 4; round++) {
      await Promise.all([a.readState('demo'), b.readState('demo')]); // both clones have fetched `version`
      const results = await Promise.allSettled([
        a.commit({
          name: 'demo',
          expected: version,
          state: state('demo', { step: 'a', generation: { n: round } }),
          ledger: [entry('demo', `a${round}`)],
        }),
        b.commit({
          name: 'demo',
          expected: version,
          state: state('demo', { step: 'b', generation: { n: round } }),
          ledger: [entry('demo', `b${round}`)],
        }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected');
      expect(lost?.reason).toBeInstanceOf(LostRaceError);
      const loser = results[0]?.status === 'rejected' ? a : b;
      const loserName = loser === a ? 'a' : 'b';
      const r = await loser.update('demo', (s) => ({
        state: { ...(s as RolloutState), step: `retried by ${loserName}` },
        ledger: [entry('demo', `${loserName}${round}-retry`)],
      }));
      expect(r.committed).toBe(true);
      version = r.version as string;
      expect(await remoteTip(bare)).toBe(version);
    }
    const kinds = (await collect(a.readLedger('demo'))).map((e) => e.kind);
    expect(kinds).toHaveLength(8);
    for (let round = 1; round <= 4; round++) expect(kinds[2 * round - 1]).toMatch(new RegExp(`^[ab]${round}-retry$`));
  });

  it('fetches a version made by another clone before committing on it', async () => {
    const { clones } = await makeRemoteAndClones(dirs, 2);
    const a = new GitStateStore({ repo: clones[0] as string, remote: 'origin' });
    const b = new GitStateStore({ repo: clones[1] as string, remote: 'origin' });
    const v1 = await a.commit({ name: 'demo', expected: null, state: state('demo', { generation: { n: 1 } }) });
    const v2 = await b.commit({ name: 'demo', expected: v1, state: state('demo', { generation: { n: 2 } }) });
    expect((await git(b.repo, 'rev-list', '--parents', '-1', v2)).trim()).toBe(`${v2} ${v1}`);
  });

  it('lands concurrent pushes of different rollouts from two clones without re-planning', async () => {
    const { clones } = await makeRemoteAndClones(dirs, 2);
    const a = new GitStateStore({ repo: clones[0] as string, remote: 'origin' });
    const b = new GitStateStore({ repo: clones[1] as string, remote: 'origin' });
    await a.commit({ name: 'seed', expected: null, state: state('seed') });
    let plans = 0;
    const plan = (name: string) => () => {
      plans++;
      return { state: state(name) };
    };
    await Promise.all([a.update('one', plan('one')), b.update('two', plan('two')), a.update('three', plan('three'))]);
    expect(plans).toBe(3);
    expect(await b.listRollouts()).toEqual(['one', 'seed', 'three', 'two']);
  });

  it('works from a shallow clone such as actions/checkout makes', async () => {
    const { bare, clones } = await makeRemoteAndClones(dirs, 1);
    const a = new GitStateStore({ repo: clones[0] as string, remote: 'origin' });
    let v = await a.commit({
      name: 'demo',
      expected: null,
      state: state('demo', { generation: { n: 0 } }),
      ledger: [entry('demo', 'k0')],
    });
    for (let n = 1; n <= 3; n++)
      v = await a.commit({
        name: 'demo',
        expected: v,
        state: state('demo', { generation: { n } }),
        ledger: [entry('demo', `k${n}`)],
      });
    const shallow = await dirs.make('shallow');
    await git(shallow, 'clone', '-q', '--depth', '1', `file://${bare}`, '.');
    expect((await git(shallow, 'rev-parse', '--is-shallow-repository')).trim()).toBe('true');

    const s = new GitStateStore({ repo: shallow, remote: 'origin' });
    const r = await s.update('demo', (cur) => ({
      state: state('demo', { generation: { n: cur!.generation!.n! + 1 } }),
      ledger: [entry('demo', 'k4')],
    }));
    expect(r.committed).toBe(true);
    expect(await remoteTip(bare)).toBe(r.version);
    expect((await collect(a.readLedger('demo'))).map((e) => e.kind)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  });

  it('reports a push the remote refuses for another reason as StateStoreError, not a lost race', async () => {
    const { bare, clones } = await makeRemoteAndClones(dirs, 1);
    const hook = join(bare, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "protected branch" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const store = new GitStateStore({ repo: clones[0] as string, remote: 'origin' });
    await expect(store.commit({ name: 'demo', expected: null, state: state('demo') })).rejects.toBeInstanceOf(
      StateStoreError,
    );
  });

  it('reports an unknown remote as StateStoreError', async () => {
    const { clones } = await makeRemoteAndClones(dirs, 1);
    const store = new GitStateStore({ repo: clones[0] as string, remote: 'nope' });
    await expect(store.readState('demo')).rejects.toBeInstanceOf(StateStoreError);
  });
});
