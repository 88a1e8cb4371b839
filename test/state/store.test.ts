import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitStateStore } from '../../src/state/store.js';
import { LostRaceError, StateStoreError } from '../../src/state/errors.js';
import type { LedgerEntry, RolloutState } from '../../src/state/types.js';
import { git, isolateGitConfig, makeUserRepo, tempDirs } from './helpers.js';

const dirs = tempDirs();
beforeAll(isolateGitConfig);
afterAll(() => dirs.cleanup());

function state(
  name: string,
  status: RolloutState['status'] = 'applying',
  extra: Partial<RolloutState> = {},
): RolloutState {
  return { name, applied: 'canary', status, updatedAt: '2025-01-01T00:00:00.000Z', ...extra };
}

function entry(rollout: string, kind: string, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return { time: '2025-01-01T00:00:00.000Z', actor: 'test', rollout, kind, ...extra };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('GitStateStore (local repository, no remote)', () => {
  it('reads no state and a null version when the state branch does not exist', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    expect(await store.readState('demo')).toEqual({ state: null, version: null });
    expect(await store.listRollouts()).toEqual([]);
    expect(await collect(store.readLedger('demo'))).toEqual([]);
    expect(await store.tailLedger('demo', 5)).toEqual([]);
  });

  it('commits to an orphan branch with pretty state.json and ledger.jsonl, leaving HEAD, index and work tree alone', async () => {
    const repo = await makeUserRepo(dirs);
    const statusBefore = await git(repo, 'status', '--porcelain');
    const headBefore = await git(repo, 'rev-parse', 'HEAD');
    const indexBefore = await git(repo, 'ls-files', '--stage');
    const store = new GitStateStore({ repo });

    const v1 = await store.commit({
      name: 'demo',
      expected: null,
      state: state('demo'),
      ledger: [entry('demo', 'step-start')],
    });
    const v2 = await store.commit({
      name: 'demo',
      expected: v1,
      state: state('demo', 'holding'),
      ledger: [entry('demo', 'gate-start')],
    });

    expect(await git(repo, 'status', '--porcelain')).toBe(statusBefore);
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(await git(repo, 'ls-files', '--stage')).toBe(indexBefore);
    expect(await git(repo, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main\n');

    expect((await git(repo, 'rev-parse', 'rollouts-state')).trim()).toBe(v2);
    const history = (await git(repo, 'rev-list', '--parents', 'rollouts-state')).trim().split('\n');
    expect(history).toEqual([`${v2} ${v1}`, v1]); // the root commit has no parent: an orphan branch
    await expect(git(repo, 'merge-base', 'main', 'rollouts-state')).rejects.toThrow();
    expect((await git(repo, 'log', '-1', '--format=%an <%ae>|%cn', 'rollouts-state')).trim()).toBe(
      'rollouts-bot <rollouts-bot@users.noreply.github.com>|rollouts-bot',
    );

    expect(await git(repo, 'show', 'rollouts-state:demo/state.json')).toBe(
      `${JSON.stringify(state('demo', 'holding'), null, 2)}\n`,
    );
    const ledger = (await git(repo, 'show', 'rollouts-state:demo/ledger.jsonl')).split('\n');
    expect(ledger.map((l) => (l ? (JSON.parse(l) as LedgerEntry).kind : l))).toEqual(['step-start', 'gate-start', '']);
    expect(await store.readState('demo')).toEqual({ state: state('demo', 'holding'), version: v2 });
  });

  it('lists the rollouts that have state, sorted', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo, branch: 'ops/state' });
    await store.commit({ name: 'zeta', expected: null, state: state('zeta') });
    await store.commit({ name: 'alpha', expected: null, state: state('alpha') });
    expect(await store.listRollouts()).toEqual(['alpha', 'zeta']);
    expect((await git(repo, 'ls-tree', '--name-only', 'ops/state')).split('\n').filter(Boolean)).toEqual([
      'alpha',
      'zeta',
    ]);
  });

  it('throws LostRaceError for a commit planned on a stale version of the same rollout', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const v1 = await store.commit({ name: 'demo', expected: null, state: state('demo') });
    await store.commit({ name: 'demo', expected: v1, state: state('demo', 'holding') });
    await expect(store.commit({ name: 'demo', expected: v1, state: state('demo', 'failed') })).rejects.toBeInstanceOf(
      LostRaceError,
    );
    expect((await store.readState('demo')).state?.status).toBe('holding');
  });

  it('throws LostRaceError when creating a rollout another run created first', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    await store.commit({ name: 'demo', expected: null, state: state('demo') });
    await expect(store.commit({ name: 'demo', expected: null, state: state('demo', 'failed') })).rejects.toBeInstanceOf(
      LostRaceError,
    );
  });

  it('rebuilds a commit on a tip that moved only because of another rollout', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const v1 = await store.commit({ name: 'a', expected: null, state: state('a') });
    const v2 = await store.commit({ name: 'b', expected: v1, state: state('b') });
    const v3 = await store.commit({ name: 'a', expected: v1, state: state('a', 'holding'), ledger: [entry('a', 'x')] });
    expect((await git(repo, 'rev-parse', `${v3}^`)).trim()).toBe(v2);
    expect((await store.readState('a')).state?.status).toBe('holding');
    expect((await store.readState('b')).state?.status).toBe('applying');
  });

  it('lets exactly one of several concurrent commits on the same version win', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const v1 = await store.commit({ name: 'demo', expected: null, state: state('demo') });
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((i) =>
        store.commit({ name: 'demo', expected: v1, state: state('demo', 'holding', { generation: { writer: i } }) }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LostRaceError);
  });

  it('lets concurrent updates of different rollouts all succeed', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const names = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    await Promise.all(names.map((n) => store.update(n, () => ({ state: state(n), ledger: [entry(n, 'created')] }))));
    expect(await store.listRollouts()).toEqual(names);
  });

  it("update re-plans on the new state after a conflict, keeping the other writer's change", async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const other = new GitStateStore({ repo });
    await store.commit({
      name: 'demo',
      expected: null,
      state: state('demo', 'applying', { generation: { counter: 0 } }),
    });
    const seen: unknown[] = [];
    const result = await store.update('demo', async (current, ctx) => {
      seen.push(current?.generation?.counter);
      if (ctx.attempt === 1) {
        // Another run moves first, between our read and our commit.
        await other.update('demo', (s) =>
          s ? { state: { ...s, generation: { counter: 10 } }, ledger: [entry('demo', 'other')] } : null,
        );
      }
      const counter = current!.generation!.counter! + 1;
      return {
        state: state('demo', 'holding', { generation: { counter } }),
        ledger: [entry('demo', `mine-${counter}`)],
      };
    });
    expect(seen).toEqual([0, 10]);
    expect(result).toMatchObject({ committed: true, attempts: 2, state: { generation: { counter: 11 } } });
    expect((await store.readState('demo')).state?.generation?.counter).toBe(11);
    expect((await collect(store.readLedger('demo'))).map((e) => e.kind)).toEqual(['other', 'mine-11']);
  });

  it('update throws LostRaceError after losing the configured number of attempts', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo, attempts: 3, backoffMs: 1 });
    const other = new GitStateStore({ repo });
    await store.commit({ name: 'demo', expected: null, state: state('demo') });
    let calls = 0;
    const run = store.update('demo', async (current) => {
      calls++;
      await other.update('demo', (s) => (s ? { state: { ...s, generation: { bump: calls } } } : null));
      return { state: { ...(current ?? state('demo')), status: 'failed' } };
    });
    await expect(run).rejects.toBeInstanceOf(LostRaceError);
    expect(calls).toBe(3);
  });

  it('writes nothing when the planner returns null', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const v1 = await store.commit({ name: 'demo', expected: null, state: state('demo') });
    const r = await store.update('demo', () => null);
    expect(r).toEqual({ state: state('demo'), version: v1, committed: false, attempts: 1 });
    expect((await git(repo, 'rev-parse', 'rollouts-state')).trim()).toBe(v1);
  });

  it('commits with commit.gpgSign set and no user identity configured', async () => {
    const repo = await makeUserRepo(dirs);
    await git(repo, 'config', 'commit.gpgSign', 'true');
    await expect(git(repo, 'config', 'user.name')).rejects.toThrow();
    const store = new GitStateStore({ repo, identity: { name: 'ci', email: 'ci@example.com' } });
    const v = await store.commit({ name: 'demo', expected: null, state: state('demo') });
    expect((await git(repo, 'log', '-1', '--format=%an', v)).trim()).toBe('ci');
  });

  it('rejects rollout names that would escape their directory and states named for another rollout', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    for (const bad of ['../x', 'a/b', '', '.hidden', 'x.lock']) {
      await expect(store.commit({ name: bad, expected: null, state: state(bad) })).rejects.toBeInstanceOf(
        StateStoreError,
      );
    }
    await expect(store.commit({ name: 'a', expected: null, state: state('b') })).rejects.toBeInstanceOf(
      StateStoreError,
    );
    expect(() => new GitStateStore({ repo, branch: '../evil' })).toThrow(StateStoreError);
  });

  it('works on a bare repository', async () => {
    const bare = await dirs.make('bare-local');
    await git(bare, 'init', '-q', '--bare');
    const store = new GitStateStore({ repo: bare });
    const v = await store.commit({ name: 'demo', expected: null, state: state('demo'), ledger: [entry('demo', 'k')] });
    expect(await store.readState('demo')).toEqual({ state: state('demo'), version: v });
  });

  it('logs the cost of one state commit (state + a few ledger entries)', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    let version = await store.commit({ name: 'demo', expected: null, state: state('demo') });
    const n = 40;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      version = await store.commit({
        name: 'demo',
        expected: version,
        state: state('demo', 'applying', { generation: { batch: i } }),
        ledger: [entry('demo', 'batch', { counts: { items: 100 } }), entry('demo', 'checkpoint')],
      });
    }
    const commitMs = (performance.now() - t0) / n;
    const t1 = performance.now();
    for (let i = 0; i < n; i++) {
      await store.update('demo', (s) => ({ state: { ...(s ?? state('demo')), generation: { batch: i } } }));
    }
    const updateMs = (performance.now() - t1) / n;
    console.log(`state commit: ${commitMs.toFixed(1)} ms/commit; update (read + commit): ${updateMs.toFixed(1)} ms`);
    expect((await store.readState('demo')).state?.generation?.batch).toBe(n - 1);
  });
});
