// A store builds its next commit on the one it just made without reading that commit back from git (each git spawn
// blocks the thread for milliseconds in a large process); what it writes must be exactly what reading back gives.
import { execFileSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitStateStore, type StateStoreOptions } from '../../src/state/store.js';
import type { LedgerEntry, RolloutState } from '../../src/state/types.js';
import { git, isolateGitConfig, makeUserRepo, tempDirs } from './helpers.js';

const dirs = tempDirs();
beforeAll(isolateGitConfig);
afterAll(() => dirs.cleanup());

// Fixed dates: the same writes give the same commit ids in two repositories.
const DATES = { GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z' };

function state(name: string, n: number): RolloutState {
  return { name, applied: 'canary', status: 'applying', updatedAt: `2025-01-01T00:00:${String(n).padStart(2, '0')}Z` };
}

function entries(rollout: string, n: number, count: number): LedgerEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    time: '2025-01-01T00:00:00.000Z',
    actor: 'test',
    rollout,
    kind: 'batch',
    counts: { batch: n * 100 + i },
  }));
}

/** Commits of two rollouts, some state-only, some ledger-only, enough to seal segments and compact the history. */
const WRITES = Array.from({ length: 24 }, (_, n) => ({
  name: n % 5 === 4 ? 'other' : 'demo',
  state: n % 3 === 2 ? undefined : true,
  ledger: n % 4 === 3 ? 0 : 1 + (n % 3),
}));

async function replay(make: () => GitStateStore): Promise<string[]> {
  const tips: string[] = [];
  for (const [n, w] of WRITES.entries()) {
    const s = make();
    const { version } = await s.readState(w.name);
    tips.push(
      await s.commit({
        name: w.name,
        expected: version,
        state: w.state || !version ? state(w.name, n) : undefined,
        ledger: entries(w.name, n, w.ledger),
      }),
    );
  }
  return tips;
}

const LIMITS: Partial<StateStoreOptions> = { ledgerSegmentBytes: 1000, compactAfter: 5, compactBytes: 8192 };

describe('GitStateStore building on its own last commit', () => {
  it('writes the same commits as stores that read every base back from git, through seals and compaction', async () => {
    const [a, b] = [await makeUserRepo(dirs), await makeUserRepo(dirs)];
    const env = { ...process.env, ...DATES };
    const one = new GitStateStore({ repo: a, env, ...LIMITS });
    const tipsOne = await replay(() => one);
    // A new store for every commit: it knows nothing, so it lists trees, reads depths and ledger blobs from git.
    const tipsFresh = await replay(() => new GitStateStore({ repo: b, env, ...LIMITS }));
    expect(tipsOne).toEqual(tipsFresh);
    // The writes did seal segments and start a fresh root, so those paths were compared too.
    expect(await git(a, 'for-each-ref', '--format=%(refname)', 'refs/rollouts')).toMatch(/demo/);
    expect(Number((await git(a, 'rev-list', '--count', 'rollouts-state')).trim())).toBeLessThan(WRITES.length);
    for (const name of ['demo', 'other'])
      expect(await git(a, 'show', `rollouts-state:${name}/ledger.jsonl`)).toBe(
        await git(b, 'show', `rollouts-state:${name}/ledger.jsonl`),
      );
  });

  it('spawns no git process for a commit on its own last commit, and still reads a base it did not make', async () => {
    const repo = await makeUserRepo(dirs);
    const bin = await dirs.make('bin');
    const log = join(bin, 'git.log');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    await writeFile(join(bin, 'git'), `#!/bin/sh\necho "$3" >> '${log}'\nexec '${realGit}' "$@"\n`);
    await chmod(join(bin, 'git'), 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const subcommands = async (fn: () => Promise<unknown>): Promise<string[]> => {
      await writeFile(log, '');
      await fn();
      return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    };
    const store = new GitStateStore({ repo, env });
    // The first commit starts the store's long-lived writers (blobs, commits, trees, refs) and asks git the identity.
    const first = await subcommands(() =>
      store.commit({ name: 'demo', expected: null, state: state('demo', 1), ledger: entries('demo', 1, 2) }),
    );
    expect(first.sort()).toEqual(['hash-object', 'hash-object', 'mktree', 'rev-parse', 'update-ref', 'var', 'var']);
    const v1 = (await store.readState('demo')).version;
    // Objects and the compare-and-swap go through those processes: a chained checkpoint spawns nothing.
    const own = await subcommands(() =>
      store.commit({ name: 'demo', expected: v1, state: state('demo', 2), ledger: entries('demo', 2, 2) }),
    );
    expect(own).toEqual([]);
    // Another writer's commit: the store must read it.
    const other = new GitStateStore({ repo });
    const v3 = await other.commit({
      name: 'demo',
      expected: (await other.readState('demo')).version,
      ledger: entries('demo', 3, 1),
    });
    const read = await subcommands(() => store.commit({ name: 'demo', expected: v3, ledger: entries('demo', 4, 1) }));
    expect(read).toContain('ls-tree');
    expect(read).toContain('cat-file');
    const ledger = (await git(repo, 'show', 'rollouts-state:demo/ledger.jsonl')).trim().split('\n');
    expect(ledger.map((l) => (JSON.parse(l) as LedgerEntry).counts?.batch)).toEqual([100, 101, 200, 201, 300, 400]);

    // Sealing a segment onto the archive commit it made: its tree and commit go through the same processes.
    const sealing = new GitStateStore({ repo, env, ledgerSegmentBytes: 150 });
    let v = (await sealing.readState('demo')).version;
    for (const n of [5, 6]) v = await sealing.commit({ name: 'demo', expected: v, ledger: entries('demo', n, 2) });
    const seal = await subcommands(() => sealing.commit({ name: 'demo', expected: v, ledger: entries('demo', 7, 2) }));
    expect(seal).toEqual([]);
    expect(await git(repo, 'ls-tree', '--name-only', 'refs/rollouts/rollouts-state/ledger/demo')).toMatch(
      /^0000\d\d\.jsonl$/m,
    );
    await Promise.all([store.close(), other.close(), sealing.close()]);
  });
});
