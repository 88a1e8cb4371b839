// The store's object writer makes the objects git's own commands make: the same ids for the same blobs, trees and
// commits, so that replacing a spawn per object by a long-lived process changes nothing on the branch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Git } from '../../src/sys/git.js';
import { StateStoreError } from '../../src/state/errors.js';
import { ObjectWriter } from '../../src/state/objects.js';
import { git, isolateGitConfig, makeUserRepo, tempDirs } from './helpers.js';

const dirs = tempDirs();
beforeAll(isolateGitConfig);
afterAll(() => dirs.cleanup());

const DATES = { GIT_AUTHOR_DATE: '2025-01-01T00:00:00+0100', GIT_COMMITTER_DATE: '2025-02-03T04:05:06Z' };

async function gitIn(g: Git, args: string[], input?: string): Promise<string> {
  return (await g.ok(args, input)).trim();
}

describe('ObjectWriter', () => {
  it('writes the blobs, trees and commits git hash-object, mktree and commit-tree write, dates fixed or not', async () => {
    const repo = await makeUserRepo(dirs);
    const g = new Git(repo, { env: { ...process.env, ...DATES } });
    const objects = new ObjectWriter(g);
    const text = '{"a":1}\n{"ü":"\\u0000"}\n';
    const blob = await objects.blob(text);
    expect(blob).toBe(await gitIn(g, ['hash-object', '-w', '--stdin'], text));
    const entries = [
      { mode: '100644', type: 'blob', oid: blob, name: 'state.json' },
      { mode: '100644', type: 'blob', oid: blob, name: 'ledger.jsonl' },
    ];
    const tree = await objects.tree(entries);
    expect(tree).toBe(
      await gitIn(g, ['mktree', '-z'], entries.map((e) => `${e.mode} blob ${e.oid}\t${e.name}\0`).join('')),
    );
    const message = 'demo: checkpoint\n\nRollouts-Depth: 3\nRollouts-Bytes: 10';
    const root = await objects.commit({ tree, parents: [], message });
    expect(root).toBe(await gitIn(g, ['commit-tree', '--no-gpg-sign', '-m', message, tree]));
    const child = await objects.commit({ tree, parents: [root], message: 'next\n' });
    expect(child).toBe(await gitIn(g, ['commit-tree', '--no-gpg-sign', '-m', 'next\n', '-p', root, tree]));
    await objects.close();

    // Without fixed dates: the identity git gives, the time of the commit.
    const now = new Git(repo);
    const live = new ObjectWriter(now);
    const before = Math.floor(Date.now() / 1000);
    const made = await live.commit({ tree, parents: [root], message: 'live' });
    const theirs = await gitIn(now, ['commit-tree', '--no-gpg-sign', '-m', 'live', '-p', root, tree]);
    const shape = (c: string) =>
      git(repo, 'cat-file', 'commit', c).then((t) => t.replace(/ \d+ [+-]\d{4}$/gm, ' <date>'));
    expect(await shape(made)).toBe(await shape(theirs));
    const seconds = Number(/^committer .* (\d+) [+-]\d{4}$/m.exec(await git(repo, 'cat-file', 'commit', made))?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    await live.close();
  });

  it('refuses a commit naming an object that is not a tree, and writes the next one', async () => {
    const repo = await makeUserRepo(dirs);
    const objects = new ObjectWriter(new Git(repo));
    const blob = await objects.blob('x\n');
    await expect(objects.commit({ tree: 'not-an-id', parents: [], message: 'bad' })).rejects.toBeInstanceOf(
      StateStoreError,
    );
    const tree = await objects.tree([{ mode: '100644', type: 'blob', oid: blob, name: 'x' }]);
    expect(await git(repo, 'cat-file', '-t', await objects.commit({ tree, parents: [], message: 'ok' }))).toBe(
      'commit\n',
    );
    await objects.close();
  });
});
