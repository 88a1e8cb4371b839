// Compaction: past `compactAfter` commits the next commit starts a fresh root with the whole tree, as a
// compare-and-swap, locally and through a remote; nothing the engine reads is lost, and a --depth=1 clone keeps up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitStateStore } from '../../src/state/store.js';
import { initialRolloutState } from '../../src/state/lease.js';
import type { LedgerEntry } from '../../src/state/types.js';
import { git, isolateGitConfig, makeRemoteAndClones, makeUserRepo, tempDirs } from './helpers.js';

const dirs = tempDirs();
beforeAll(isolateGitConfig);
afterAll(() => dirs.cleanup());

const T = '2026-01-01T00:00:00.000Z';
const entry = (rollout: string, n: number): LedgerEntry => ({ time: T, actor: 'a', rollout, kind: 'k', counts: { n } });

async function kinds(store: GitStateStore, name: string): Promise<number[]> {
  const out: number[] = [];
  for await (const e of store.readLedger(name)) out.push(e.counts!.n!);
  return out;
}

async function write(store: GitStateStore, name: string, n: number): Promise<void> {
  await store.update(name, (cur) => ({
    state: { ...(cur ?? initialRolloutState(name, new Date(T))), step: `s${n}` },
    ledger: [entry(name, n)],
  }));
}

describe('compaction of the state branch', () => {
  it('keeps the history under compactAfter commits, and every state file and ledger entry', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo, compactAfter: 5, ledgerSegmentBytes: 200 });
    for (let n = 1; n <= 23; n++) await write(store, n % 2 ? 'odd' : 'even', n);
    const count = Number((await git(repo, 'rev-list', '--count', 'rollouts-state')).trim());
    expect(count).toBeLessThanOrEqual(5);
    expect(await kinds(store, 'odd')).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]);
    expect(await kinds(store, 'even')).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]);
    expect((await store.readState('odd')).state?.step).toBe('s23');
    const subjects = await git(repo, 'log', '--format=%s%n%b', 'rollouts-state');
    expect(subjects).toMatch(/History compacted/);
  });

  it('compacts through a remote as a compare-and-swap while two clones write, one fetching --depth=1', async () => {
    const { bare, clones } = await makeRemoteAndClones(dirs, 2);
    const a = new GitStateStore({ repo: clones[0]!, remote: 'origin', compactAfter: 4 });
    const b = new GitStateStore({ repo: clones[1]!, remote: 'origin', compactAfter: 4, fetchDepth: 1 });
    await Promise.all([
      (async () => {
        for (let n = 1; n <= 12; n++) await write(a, 'one', n);
      })(),
      (async () => {
        for (let n = 1; n <= 12; n++) await write(b, 'two', n);
      })(),
    ]);
    // A commit rebuilt on a tip moved by the other clone is framed on that tip's depth: the bound holds under races.
    const count = Number((await git(bare, 'rev-list', '--count', 'rollouts-state')).trim());
    expect(count).toBeLessThanOrEqual(4);
    const range = Array.from({ length: 12 }, (_, i) => i + 1);
    expect(await kinds(a, 'one')).toEqual(range);
    expect(await kinds(a, 'two')).toEqual(range);
    expect(await kinds(b, 'one')).toEqual(range);
    expect((await git(clones[1]!, 'rev-parse', '--is-shallow-repository')).trim()).toBe('true');
  });
});
