// pushRevert against a real bare remote: the revert PR's branch is exactly the manifest's `phase:` change.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pushRevert } from '../../src/github/branches.js';
import { demo } from '../manifest/demo-manifest.js';

const run = promisify(execFile);
const ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};
const git = async (cwd: string, ...args: string[]) => (await run('git', args, { cwd, env: ENV })).stdout.trim();

describe('pushRevert', () => {
  let root: string;
  let clone: string;
  let remote: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rollouts-revert-'));
    remote = join(root, 'remote.git');
    clone = join(root, 'clone');
    await git(root, 'init', '-q', '--bare', '-b', 'main', remote);
    await git(root, 'clone', '-q', remote, clone);
    await writeFile(join(clone, 'README.md'), 'a repository\n');
    await git(clone, 'add', '.');
    await git(clone, 'commit', '-q', '-m', 'initial');
    await git(clone, 'push', '-q', 'origin', 'HEAD:main');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** Commits the demo manifest at `phase`, pushes, and returns the commit. */
  async function commitPhase(phase: string): Promise<string> {
    await mkdir(join(clone, 'rollouts'), { recursive: true });
    await writeFile(join(clone, 'rollouts/demo.yaml'), demo({ 4: `phase: ${phase}` }));
    await git(clone, 'add', '.');
    await git(clone, 'commit', '-q', '-m', `demo: ${phase}`);
    await git(clone, 'push', '-q', 'origin', 'HEAD:main');
    return git(clone, 'rev-parse', 'HEAD');
  }

  const revertCanary = (commit: string) =>
    pushRevert(
      { repo: clone, remote: 'origin', defaultBranch: 'main', env: ENV },
      {
        commit,
        file: 'rollouts/demo.yaml',
        phase: 'canary',
        fallbackPhase: 'none',
        branch: 'rollouts/revert-demo',
        title: 'Revert demo: canary',
      },
    );

  it('suggests phase: none, not deleting the file, for a rollout added in its first phase', async () => {
    const pushed = await revertCanary(await commitPhase('canary'));

    expect(pushed?.reverted).toBe(false);
    expect(pushed?.refused).toMatch(/without a `phase:`/);
    const diff = await git(remote, 'diff', '--no-renames', 'main', 'rollouts/revert-demo');
    expect(diff.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toEqual(['-phase: canary', '+phase: none']);
    expect(await git(remote, 'diff', '--name-only', 'main', 'rollouts/revert-demo')).toBe('rollouts/demo.yaml');
  });

  it('reverts a phase change that touched only the manifest', async () => {
    await commitPhase('none');
    const commit = await commitPhase('canary');
    const pushed = await revertCanary(commit);

    expect(pushed).toMatchObject({ reverted: true });
    expect(pushed?.refused).toBeUndefined();
    expect(await git(remote, 'log', '-1', '--format=%B', 'rollouts/revert-demo')).toContain(
      `This reverts commit ${commit}.`,
    );
  });
});
