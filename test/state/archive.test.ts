// The ledger archive: sealed segments leave the branch for `refs/rollouts/<branch>/ledger/<name>`, moved in the same
// compare-and-swap as the branch; readers see every entry in order, also from a depth-1 clone; racing clones keep
// the compare-and-swap; a failure between the steps of a commit loses nothing.
import { execFile } from 'node:child_process';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitStateStore } from '../../src/state/store.js';
import { LostRaceError, StateStoreError } from '../../src/state/errors.js';
import type { LedgerEntry, RolloutState } from '../../src/state/types.js';
import { git, isolateGitConfig, makeRemoteAndClones, makeUserRepo, tempDirs } from './helpers.js';

const dirs = tempDirs();
beforeAll(isolateGitConfig);
afterAll(() => dirs.cleanup());

const T = '2026-01-01T00:00:00.000Z';
const ARCHIVE = 'refs/rollouts/rollouts-state/ledger/demo';
const state = (n: number): RolloutState => ({
  name: 'demo',
  applied: 'a',
  status: 'applying',
  step: `s${n}`,
  updatedAt: T,
});
const entry = (n: number, by = 'a'): LedgerEntry => ({ time: T, actor: by, rollout: 'demo', kind: 'k', counts: { n } });

async function seqs(store: GitStateStore, opts = {}): Promise<number[]> {
  const out: number[] = [];
  for await (const e of store.readLedger('demo', opts)) out.push(e.counts!.n!);
  return out;
}

async function write(store: GitStateStore, from: number, to: number, by = 'a'): Promise<void> {
  for (let n = from; n <= to; n++) await store.update('demo', () => ({ state: state(n), ledger: [entry(n, by)] }));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the ledger archive', () => {
  it('moves sealed segments off the branch, keeps the tip tree flat and reads every entry in order', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo, ledgerSegmentBytes: 300 });
    await write(store, 1, 30);
    const tree = (await git(repo, 'ls-tree', '-r', '--name-only', 'rollouts-state')).split('\n').filter(Boolean);
    expect(tree).toEqual(['demo/ledger-archive', 'demo/ledger.jsonl', 'demo/state.json']);
    const segments = Number((await git(repo, 'rev-list', '--count', ARCHIVE)).trim());
    expect(segments).toBeGreaterThan(5);
    expect(await seqs(store)).toEqual(range(1, 30));
    expect((await store.tailLedger('demo', 12)).map((e) => e.counts?.n)).toEqual(range(19, 30));
    // An older version reads its own ledger, archive included.
    const old = (await git(repo, 'rev-parse', 'rollouts-state~3')).trim();
    expect(await seqs(store, { version: old })).toEqual(range(1, 27));
  });

  it('moves the segments an older version sealed into <name>/ledger/ to the archive, in order', async () => {
    const repo = await makeUserRepo(dirs);
    // Built by hand as the older layout had it: ledger/000001.jsonl, ledger/000002.jsonl, ledger.jsonl.
    await legacyBranch(
      repo,
      [
        [1, 2],
        [3, 4],
      ],
      [5],
    );
    const store = new GitStateStore({ repo, ledgerSegmentBytes: 200 });
    expect(await seqs(store)).toEqual(range(1, 5));
    await write(store, 6, 12);
    const tree = (await git(repo, 'ls-tree', '--name-only', 'rollouts-state:demo')).split('\n').filter(Boolean);
    expect(tree).not.toContain('ledger');
    expect(await seqs(store)).toEqual(range(1, 12));
    expect(Number((await git(repo, 'rev-list', '--count', ARCHIVE)).trim())).toBeGreaterThan(2);
  });

  it('lets a depth-1 clone read the whole ledger and seal further segments; every clone then reads it all', async () => {
    const { bare, clones } = await makeRemoteAndClones(dirs, 1);
    const a = new GitStateStore({ repo: clones[0]!, remote: 'origin', ledgerSegmentBytes: 300 });
    await write(a, 1, 20);
    const shallow = await dirs.make('shallow');
    await git(shallow, 'clone', '-q', '--depth', '1', `file://${bare}`, '.');
    const s = new GitStateStore({ repo: shallow, remote: 'origin', fetchDepth: 1, ledgerSegmentBytes: 300 });
    // The hot path: a commit that seals fetches the previous archive commit alone, not the archive.
    await write(s, 21, 30, 's');
    const local = `refs/rollouts/rollouts-state/remotes/origin/ledger/demo`;
    expect(Number((await git(shallow, 'rev-list', '--count', local)).trim())).toBeLessThan(
      Number((await git(bare, 'rev-list', '--count', ARCHIVE)).trim()),
    );
    expect(await seqs(s)).toEqual(range(1, 30));
    expect(await seqs(a)).toEqual(range(1, 30));
    expect((await git(bare, 'rev-parse', 'rollouts-state:demo/ledger-archive')).trim()).toBe(
      (await git(bare, 'rev-parse', ARCHIVE)).trim(),
    );
  });

  it('pushes a large append cut in two from a depth-1 clone: the tip keeps its last lines, every clone reads it all', async () => {
    const { bare, clones } = await makeRemoteAndClones(dirs, 1);
    const a = new GitStateStore({ repo: clones[0]!, remote: 'origin', ledgerSegmentBytes: 300 });
    await write(a, 1, 3);
    const shallow = await dirs.make('shallow-cut');
    await git(shallow, 'clone', '-q', '--depth', '1', `file://${bare}`, '.');
    const s = new GitStateStore({ repo: shallow, remote: 'origin', fetchDepth: 1, ledgerSegmentBytes: 300 });
    const { version } = await s.readState('demo');
    // About 20 segments' worth in one commit: a checkpoint of many batches.
    await s.commit({ name: 'demo', expected: version, ledger: range(4, 80).map((n) => entry(n, 's')) });
    expect(Number((await git(bare, 'cat-file', '-s', 'rollouts-state:demo/ledger.jsonl')).trim())).toBeLessThanOrEqual(
      300,
    );
    expect(await seqs(s)).toEqual(range(1, 80));
    expect(await seqs(a)).toEqual(range(1, 80));
    expect((await git(bare, 'rev-parse', 'rollouts-state:demo/ledger-archive')).trim()).toBe(
      (await git(bare, 'rev-parse', ARCHIVE)).trim(),
    );
  });

  it('keeps the compare-and-swap when two clones seal at once: every entry lands once, in the order committed', async () => {
    const { bare, clones } = await makeRemoteAndClones(dirs, 2);
    const a = new GitStateStore({ repo: clones[0]!, remote: 'origin', ledgerSegmentBytes: 150, attempts: 50 });
    const b = new GitStateStore({ repo: clones[1]!, remote: 'origin', ledgerSegmentBytes: 150, attempts: 50 });
    await write(a, 0, 0);
    await Promise.all([write(a, 1, 12, 'a'), write(b, 101, 112, 'b')]);
    const all = await seqs(a);
    expect([...all].sort((x, y) => x - y)).toEqual([0, ...range(1, 12), ...range(101, 112)]);
    expect(all.filter((n) => n < 100)).toEqual(range(0, 12));
    expect(all.filter((n) => n > 100)).toEqual(range(101, 112));
    expect(await seqs(b)).toEqual(all);
    expect((await git(bare, 'rev-parse', 'rollouts-state:demo/ledger-archive')).trim()).toBe(
      (await git(bare, 'rev-parse', ARCHIVE)).trim(),
    );
    // Whole clones stay whole: only a clone that was shallow already fetches an archive commit alone.
    for (const c of clones) expect((await git(c, 'rev-parse', '--is-shallow-repository')).trim()).toBe('false');
    // A commit planned on a stale version still loses.
    const stale = (await a.readState('demo')).version;
    await write(b, 200, 200, 'b');
    await expect(a.commit({ name: 'demo', expected: stale, ledger: [entry(201)] })).rejects.toBeInstanceOf(
      LostRaceError,
    );
  });

  it('loses nothing when a commit fails between its steps: the branch and the archive move together or not at all', async () => {
    const { bare, clones } = await makeRemoteAndClones(dirs, 1);
    const a = new GitStateStore({ repo: clones[0]!, remote: 'origin', ledgerSegmentBytes: 300 });
    await write(a, 1, 6);
    const before = (await git(bare, 'for-each-ref', '--format=%(refname) %(objectname)')).trim();
    // The remote refuses the archive ref: the atomic push takes neither ref.
    const hook = join(bare, 'hooks', 'pre-receive');
    await writeFile(
      hook,
      '#!/bin/sh\nwhile read old new ref; do case "$ref" in refs/rollouts/*) exit 1;; esac; done\n',
    );
    await chmod(hook, 0o755);
    let n = 7;
    for (; n < 40; n++) {
      const err = await write(a, n, n).catch((e: unknown) => e);
      if (err) {
        expect(err).toBeInstanceOf(StateStoreError);
        break;
      }
    }
    expect(n).toBeLessThan(40);
    expect((await git(bare, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/rollouts')).trim()).toBe(
      before
        .split('\n')
        .filter((l) => l.startsWith('refs/rollouts'))
        .join('\n'),
    );
    expect(await seqs(a)).toEqual(range(1, n - 1));
    // A crash after the push, before the local refs were updated: the next run reads and writes on.
    await rm(hook);
    await git(clones[0]!, 'update-ref', '-d', 'refs/rollouts/rollouts-state/remotes/origin/ledger/demo');
    const fresh = new GitStateStore({ repo: clones[0]!, remote: 'origin', ledgerSegmentBytes: 300 });
    await write(fresh, n, n + 10);
    expect(await seqs(fresh)).toEqual(range(1, n + 10));
  });
});

function gitIn(repo: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = execFile('git', args, { cwd: repo }, (err, out) => (err ? reject(err) : resolve(out.trim())));
    c.stdin?.end(input);
  });
}

/** A state branch in the layout before the archive: sealed segments under `demo/ledger/` on the branch. */
async function legacyBranch(repo: string, sealed: number[][], live: number[]): Promise<void> {
  const text = (ns: number[]) => ns.map((n) => `${JSON.stringify(entry(n))}\n`).join('');
  const hash = (t: string) => gitIn(repo, ['hash-object', '-w', '--stdin'], t);
  const segs = await Promise.all(sealed.map((ns) => hash(text(ns))));
  const lines = segs.map((b, i) => `100644 blob ${b}\t${String(i + 1).padStart(6, '0')}.jsonl\n`).join('');
  const ledgerDir = await gitIn(repo, ['mktree'], lines);
  const stateBlob = await hash(`${JSON.stringify(state(0), null, 2)}\n`);
  const dir = await gitIn(
    repo,
    ['mktree'],
    `040000 tree ${ledgerDir}\tledger\n100644 blob ${await hash(text(live))}\tledger.jsonl\n100644 blob ${stateBlob}\tstate.json\n`,
  );
  const root = await gitIn(repo, ['mktree'], `040000 tree ${dir}\tdemo\n`);
  const commit = await gitIn(
    repo,
    ['-c', 'user.name=x', '-c', 'user.email=x@x', 'commit-tree', root, '-m', 'legacy'],
    '',
  );
  await git(repo, 'update-ref', 'refs/heads/rollouts-state', commit);
}
