// A long-lived git process answering requests: in order, restarted after it dies, and never keeping node running.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { Git, GitError } from '../../src/sys/git.js';
import { GitPipe } from '../../src/sys/git-pipe.js';

const execFileP = promisify(execFile);
let repo: string;

beforeAll(async () => {
  repo = await realpath(await mkdtemp(join(tmpdir(), 'sys-git-pipe-')));
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  execFileSync('git', ['-C', repo, 'hash-object', '-w', '--stdin'], { input: '' });
});

function blobLine(mode: string, oid: string, name: string): string {
  return `${mode} blob ${oid}\t${name}\0`;
}

const EMPTY_BLOB = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';

/** Runs `lines` in a node process of its own after `pipe` (a mktree pipe idle for a minute) made `request`. */
async function inChildNode(lines: string[]): Promise<string> {
  const module = fileURLToPath(new URL('../../src/sys/git-pipe.ts', import.meta.url));
  const gitModule = fileURLToPath(new URL('../../src/sys/git.ts', import.meta.url));
  const script = [
    `const { GitPipe } = await import(${JSON.stringify(module)});`,
    `const { Git } = await import(${JSON.stringify(gitModule)});`,
    `const pipe = new GitPipe(new Git(${JSON.stringify(repo)}), ['mktree', '-z', '--batch'], 60_000);`,
    `const request = pipe.request(${JSON.stringify(`${blobLine('100644', EMPTY_BLOB, 'a')}\0`)});`,
    ...lines,
  ].join('\n');
  const { stdout } = await execFileP(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    timeout: 30_000,
  });
  return stdout;
}

describe('GitPipe', () => {
  it('answers pipelined requests in the order they were made, from one process', async () => {
    const pipe = new GitPipe(new Git(repo), ['mktree', '-z', '--batch']);
    const names = ['a', 'b', 'c', 'd'];
    const oids = await Promise.all(names.map((n) => pipe.request(`${blobLine('100644', EMPTY_BLOB, n)}\0`)));
    const expected = names.map((n) =>
      execFileSync('git', ['mktree', '-z'], { cwd: repo, input: blobLine('100644', EMPTY_BLOB, n) })
        .toString()
        .trim(),
    );
    expect(oids.map(([l]) => l)).toEqual(expected);
    await pipe.close();
  });

  it('rejects the requests waiting when git ends with its words, and starts a new process for the next', async () => {
    const git = new Git(repo);
    const head = execFileSync('git', ['-C', repo, 'mktree'], { input: '' }).toString().trim();
    const commit = execFileSync('git', ['-C', repo, 'commit-tree', '-m', 'x', head], { env: git.env })
      .toString()
      .trim();
    const pipe = new GitPipe(git, ['update-ref', '--stdin']);
    await pipe.request(`start\ncreate refs/heads/p ${commit}\nprepare\ncommit\n`, 3);
    // A compare-and-swap against a value the ref does not have: update-ref dies.
    const wrong = '0000000000000000000000000000000000000001';
    const lost = pipe.request(`start\nupdate refs/heads/p ${commit} ${wrong}\nprepare\ncommit\n`, 3);
    const behind = pipe.request(`start\nupdate refs/heads/p ${commit} ${commit}\nprepare\ncommit\n`, 3);
    const [a, b] = await Promise.allSettled([lost, behind]);
    expect(a.status).toBe('rejected');
    expect((a as PromiseRejectedResult).reason).toBeInstanceOf(GitError);
    expect(((a as PromiseRejectedResult).reason as GitError).stderr).toMatch(/but expected/);
    expect(b.status).toBe('rejected');
    // A new process takes the next request.
    expect(await pipe.request(`start\nupdate refs/heads/p ${commit} ${commit}\nprepare\ncommit\n`, 3)).toEqual([
      'start: ok',
      'prepare: ok',
      'commit: ok',
    ]);
    await pipe.close();
  });

  it('does not keep node running once its requests are answered', async () => {
    // A process holding the pipe's handles would wait out the idle time (a minute here) and be killed at 30 s.
    const stdout = await inChildNode(['const [oid] = await request;', 'console.log(oid);']);
    expect(stdout.trim()).toMatch(/^[0-9a-f]{40}$/);
  });

  it('resumes a caller awaiting close: the work after it runs', async () => {
    // With the process unreferenced while it ends, node would exit inside `await pipe.close()` (code 13 here).
    const stdout = await inChildNode(['await request;', 'await pipe.close();', "console.log('after close');"]);
    expect(stdout.trim()).toBe('after close');
  });
});
