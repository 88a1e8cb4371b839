import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerLines, splitTail } from '../../src/state/ledger.js';
import { GitStateStore } from '../../src/state/store.js';
import { Masker } from '../../src/sys/mask.js';
import type { LedgerEntry, RolloutState } from '../../src/state/types.js';
import { git, isolateGitConfig, makeUserRepo, tempDirs } from './helpers.js';

const dirs = tempDirs();
beforeAll(isolateGitConfig);
afterAll(() => dirs.cleanup());

function state(extra: Partial<RolloutState> = {}): RolloutState {
  return { name: 'big', applied: 'full', status: 'applying', updatedAt: '2025-01-01T00:00:00.000Z', ...extra };
}

function batchEntry(seq: number): LedgerEntry {
  return {
    time: new Date(Date.UTC(2025, 0, 1) + seq * 1000).toISOString(),
    actor: 'reconciler',
    trigger: { event: 'push', commit: 'deadbeef' },
    rollout: 'big',
    phase: 'full',
    step: 'backfill',
    kind: 'batch',
    counts: { seq, items: 100, updated: 97, skipped: 3 },
    result: { nextCursor: `cursor-${seq + 1}`, hasNextPage: true },
    durationMs: 120,
  };
}

describe('ledger', () => {
  it('streams 40,000 entries appended in batches of 100 back in order, and tails the last ones', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const total = 40_000;
    const perBatch = 100;
    const batches = total / perBatch;
    const appendMs: number[] = [];
    let version: string | null = null;
    for (let b = 0; b < batches; b++) {
      const entries = Array.from({ length: perBatch }, (_, i) => batchEntry(b * perBatch + i));
      const t = performance.now();
      version = await store.commit({
        name: 'big',
        expected: version,
        state: state({ generation: { batch: b } }),
        ledger: entries,
      });
      appendMs.push(performance.now() - t);
    }
    const avg = (xs: number[]) => (xs.reduce((a, x) => a + x, 0) / xs.length).toFixed(1);
    const du = await git(repo, 'count-objects', '-v');
    console.log(du.replace(/\n/g, ' '));
    console.log(
      `ledger append (state + 100 entries): first 20 commits ${avg(appendMs.slice(0, 20))} ms, ` +
        `last 20 commits ${avg(appendMs.slice(-20))} ms`,
    );

    const t = performance.now();
    let expected = 0;
    for await (const e of store.readLedger('big')) {
      expect(e.counts?.seq).toBe(expected);
      expected++;
    }
    console.log(`readLedger of ${total} entries: ${(performance.now() - t).toFixed(0)} ms`);
    expect(expected).toBe(total);

    const tail = await store.tailLedger('big', 3);
    expect(tail.map((e) => e.counts?.seq)).toEqual([total - 3, total - 2, total - 1]);
    expect((await store.readState('big')).state?.generation?.batch).toBe(batches - 1);
  }, 300_000);

  it('seals the live ledger file past the size limit into the archive, one segment a commit, and reads across them in order', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo, ledgerSegmentBytes: 4096 });
    let version: string | null = null;
    let seq = 0;
    for (let b = 0; b < 30; b++) {
      const entries = Array.from({ length: 5 }, () => batchEntry(seq++));
      version = await store.commit({
        name: 'big',
        expected: version,
        state: state({ generation: { batch: b } }),
        ledger: entries,
      });
    }
    // The branch keeps the state, the live file and the pointer to the archive; sealed segments are on the archive ref.
    const onBranch = (await git(repo, 'ls-tree', '--name-only', 'rollouts-state:big')).split('\n').filter(Boolean);
    expect(onBranch).toEqual(['ledger-archive', 'ledger.jsonl', 'state.json']);
    const archive = 'refs/rollouts/rollouts-state/ledger/big';
    const chain = (await git(repo, 'rev-list', '--reverse', archive)).split('\n').filter(Boolean);
    expect(chain.length).toBeGreaterThan(9);
    expect((await git(repo, 'ls-tree', '--name-only', chain[0]!)).trim()).toBe('000001.jsonl');
    expect((await git(repo, 'ls-tree', '--name-only', archive)).trim()).toBe(
      `${String(chain.length).padStart(6, '0')}.jsonl`,
    );
    expect((await git(repo, 'rev-parse', 'rollouts-state:big/ledger-archive')).trim()).toBe(chain[chain.length - 1]);
    const live = (await git(repo, 'show', 'rollouts-state:big/ledger.jsonl')).split('\n').filter(Boolean);
    expect((JSON.parse(live[live.length - 1] as string) as LedgerEntry).counts?.seq).toBe(seq - 1);
    for (const [i, c] of chain.entries()) {
      const size = Number((await git(repo, 'cat-file', '-s', `${c}:${String(i + 1).padStart(6, '0')}.jsonl`)).trim());
      expect(size).toBeLessThanOrEqual(4096);
    }
    expect(Number((await git(repo, 'cat-file', '-s', 'rollouts-state:big/ledger.jsonl')).trim())).toBeLessThanOrEqual(
      4096,
    );

    const all: number[] = [];
    for await (const e of store.readLedger('big')) all.push(e.counts!.seq!);
    expect(all).toEqual(Array.from({ length: seq }, (_, i) => i));
    // A tail longer than the live file reaches back into the sealed segments.
    expect((await store.tailLedger('big', 40)).map((e) => e.counts?.seq)).toEqual(all.slice(-40));
    expect((await store.tailLedger('big', 1000)).map((e) => e.counts?.seq)).toEqual(all);
  });

  it('cuts an append larger than a segment at a line end: the live file stays under the size, the archive holds the rest in order', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo, ledgerSegmentBytes: 4096 });
    const first = Array.from({ length: 3 }, (_, i) => batchEntry(i));
    const v1 = await store.commit({ name: 'big', expected: null, state: state(), ledger: first });
    // One checkpoint of 400 batches: about 30 segments' worth in one commit.
    const big = Array.from({ length: 400 }, (_, i) => batchEntry(3 + i));
    await store.commit({ name: 'big', expected: v1, ledger: big });
    const live = Number((await git(repo, 'cat-file', '-s', 'rollouts-state:big/ledger.jsonl')).trim());
    expect(live).toBeGreaterThan(0);
    expect(live).toBeLessThanOrEqual(4096);
    const archive = 'refs/rollouts/rollouts-state/ledger/big';
    // Two segments: the old live file, and the checkpoint but its last lines.
    const chain = (await git(repo, 'rev-list', '--reverse', archive)).split('\n').filter(Boolean);
    expect(chain).toHaveLength(2);
    for (const [i, c] of chain.entries()) {
      const text = await git(repo, 'show', `${c}:${String(i + 1).padStart(6, '0')}.jsonl`);
      expect(text.endsWith('\n')).toBe(true);
      for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    const all: number[] = [];
    for await (const e of store.readLedger('big')) all.push(e.counts!.seq!);
    expect(all).toEqual(Array.from({ length: 403 }, (_, i) => i));
    expect((await store.tailLedger('big', 100)).map((e) => e.counts?.seq)).toEqual(all.slice(-100));
  });

  it('keeps a first append of one line longer than a segment whole as the live file (nothing to seal), and seals it next', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo, ledgerSegmentBytes: 1024 });
    const long = { ...batchEntry(0), result: { note: 'x'.repeat(3000) } };
    const v1 = await store.commit({ name: 'big', expected: null, state: state(), ledger: [long] });
    expect(Number((await git(repo, 'cat-file', '-s', 'rollouts-state:big/ledger.jsonl')).trim())).toBeGreaterThan(3000);
    await store.commit({ name: 'big', expected: v1, ledger: [batchEntry(1)] });
    const all: LedgerEntry[] = [];
    for await (const e of store.readLedger('big')) all.push(e);
    expect(all).toEqual([long, batchEntry(1)]);
    const archive = 'refs/rollouts/rollouts-state/ledger/big';
    expect((await git(repo, 'rev-list', '--count', archive)).trim()).toBe('1');
  });

  it('stops the reader when iteration ends early', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const entries = Array.from({ length: 5000 }, (_, i) => batchEntry(i));
    await store.commit({ name: 'big', expected: null, state: state(), ledger: entries });
    const seen: number[] = [];
    for await (const e of store.readLedger('big')) {
      seen.push(e.counts!.seq!);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
  });

  it('tails fewer entries than asked when the ledger is short, and none for n = 0', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    await store.commit({ name: 'big', expected: null, state: state(), ledger: [batchEntry(0), batchEntry(1)] });
    expect((await store.tailLedger('big', 10)).map((e) => e.counts?.seq)).toEqual([0, 1]);
    expect(await store.tailLedger('big', 0)).toEqual([]);
  });

  it('reads the ledger as it was at an older version', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const v1 = await store.commit({ name: 'big', expected: null, state: state(), ledger: [batchEntry(0)] });
    await store.commit({ name: 'big', expected: v1, ledger: [batchEntry(1)] });
    const old: LedgerEntry[] = [];
    for await (const e of store.readLedger('big', { version: v1 })) old.push(e);
    expect(old.map((e) => e.counts?.seq)).toEqual([0]);
    expect((await store.tailLedger('big', 5)).map((e) => e.counts?.seq)).toEqual([0, 1]);
  });

  it('keeps multi-byte text intact across stream chunks', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const entries = Array.from({ length: 3000 }, (_, i) => ({
      ...batchEntry(i),
      error: `échec ✗ ${'日本語'.repeat(i % 7)}`,
    }));
    await store.commit({ name: 'big', expected: null, state: state(), ledger: entries });
    const back: LedgerEntry[] = [];
    for await (const e of store.readLedger('big')) back.push(e);
    expect(back).toEqual(entries);
    expect(await store.tailLedger('big', 2500)).toEqual(entries.slice(-2500));
  });
});

describe('ledger lines prepared ahead of their commit', () => {
  it('are the lines the commit would make, masked, and made again for a secret added since', () => {
    const masker = new Masker();
    masker.add('s3cret-token-1');
    const lines = new LedgerLines(masker);
    const early = { ...batchEntry(1), result: { note: 'used s3cret-token-1 and late-secret-2' } };
    const plain = batchEntry(2);
    lines.prepare(early);
    lines.prepare(plain);
    const before = lines.text([early, plain]);
    expect(before).toBe(
      `${JSON.stringify({ ...early, result: { note: 'used *** and late-secret-2' } })}\n${JSON.stringify(plain)}\n`,
    );
    masker.add('late-secret-2');
    expect(lines.text([early, plain])).toContain('"used *** and ***"');
    // An entry never prepared is made when written.
    expect(lines.text([batchEntry(3)])).toBe(`${JSON.stringify(batchEntry(3))}\n`);
  });

  it('a store writes a prepared entry as it writes any other', async () => {
    const repo = await makeUserRepo(dirs);
    const store = new GitStateStore({ repo });
    const entries = [batchEntry(1), batchEntry(2)];
    store.prepareLedger(entries[0]!);
    await store.commit({ name: 'big', expected: null, state: state(), ledger: entries });
    const read: LedgerEntry[] = [];
    for await (const e of store.readLedger('big')) read.push(e);
    expect(read).toEqual(entries);
  });
});

describe('splitTail', () => {
  it('cuts at a line end: the last lines, at most the size, and the lines before, multi-byte characters whole', () => {
    const text = Array.from({ length: 200 }, (_, i) => `{"n":${i},"note":"échec ✗ ${'日本語'.repeat(i % 9)}"}\n`).join(
      '',
    );
    const { head, tail } = splitTail(text, 300);
    expect(head + tail).toBe(text);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(300);
    expect(Buffer.byteLength(tail)).toBeGreaterThan(200); // as many whole lines as fit
    expect(head.endsWith('\n')).toBe(true);
    expect(tail.startsWith('{"n":')).toBe(true);
  });

  it('keeps a last line longer than the size whole, and leaves a short text whole', () => {
    const long = `${'x'.repeat(500)}\n`;
    expect(splitTail(`a\nb\n${long}`, 100)).toEqual({ head: 'a\nb\n', tail: long });
    expect(splitTail(`${long}${long}`, 100)).toEqual({ head: long, tail: long });
    expect(splitTail('short\n', 100)).toEqual({ head: '', tail: 'short\n' });
  });
});
