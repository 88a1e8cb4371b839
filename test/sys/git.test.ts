// The one git runner on real repositories: it acts on the repository it names, as the identity it is given.
import { execFileSync } from 'node:child_process';
import { mkdtemp, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY, exited, Git, GitError, gitEnv } from '../../src/sys/git.js';

let repo: string;
let other: string;

async function newRepo(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'sys-git-')));
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  return dir;
}

beforeAll(async () => {
  [repo, other] = [await newRepo(), await newRepo()];
  await writeFile(join(repo, 'a.txt'), 'one\n');
});

describe('Git', () => {
  it('commits as its identity in the repository it names, even with GIT_DIR pointing elsewhere', async () => {
    const git = new Git(repo, { env: { ...process.env, GIT_DIR: join(other, '.git'), GIT_AUTHOR_NAME: 'someone' } });
    await git.ok(['add', 'a.txt']);
    await git.ok(['commit', '-q', '-m', 'first']);
    expect((await git.ok(['log', '-1', '--format=%an <%ae>|%cn'])).trim()).toBe(
      `${DEFAULT_IDENTITY.name} <${DEFAULT_IDENTITY.email}>|${DEFAULT_IDENTITY.name}`,
    );
    expect((await new Git(other).run(['rev-parse', 'HEAD'])).code).not.toBe(0); // nothing was committed there
    expect(await git.root()).toBe(repo);
  });

  it('reads files at a ref, and tells a commit from something that is not one', async () => {
    const git = new Git(repo);
    expect(await git.showFile('HEAD', 'a.txt')).toBe('one\n');
    expect(await git.showFile('HEAD', 'missing.txt')).toBeNull();
    expect(await git.isCommit('HEAD')).toBe(true);
    expect(await git.isCommit('no-such-ref')).toBe(false);
  });

  it("throws a GitError quoting git's words on a failed command; run() only reports the exit", async () => {
    const git = new Git(repo);
    const err = (await git.ok(['checkout', 'no-such-branch']).catch((e: unknown) => e)) as GitError;
    expect(err).toBeInstanceOf(GitError);
    expect(err.message).toMatch(/^git checkout no-such-branch failed \(exit 1\): error: pathspec 'no-such-branch'/);
    expect((await git.run(['checkout', 'no-such-branch'])).code).toBe(1);
  });

  it('says plainly when a directory is not in a repository', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sys-git-none-'));
    await expect(new Git(dir).root()).rejects.toThrow(`${dir} is not inside a git repository`);
  });

  it('feeds stdin and streams a long-lived process', async () => {
    const git = new Git(repo);
    const oid = (await git.ok(['hash-object', '-w', '--stdin'], 'streamed\n')).trim();
    const cat = git.spawn(['cat-file', 'blob', oid], ['ignore', 'pipe', 'pipe']);
    let text = '';
    cat.stdout!.on('data', (c: Buffer) => (text += c.toString()));
    expect((await exited(cat)).code).toBe(0);
    expect(text).toBe('streamed\n');
  });
});

describe('gitEnv', () => {
  it('never prompts, is untranslated, and drops what would redirect git to another repository', () => {
    const env = gitEnv(undefined, {
      PATH: '/bin',
      GIT_DIR: '/x',
      GIT_WORK_TREE: '/y',
      GIT_INDEX_FILE: '/z',
      KEEP: '1',
    });
    expect(env).toMatchObject({ PATH: '/bin', KEEP: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' });
    expect(env).not.toHaveProperty('GIT_DIR');
    expect(env).not.toHaveProperty('GIT_WORK_TREE');
    expect(env).not.toHaveProperty('GIT_INDEX_FILE');
  });
});
