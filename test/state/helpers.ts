// Real git repositories in temp dirs for the state store tests.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/**
 * Runs the tests as in a fresh CI container: no global or system git config, so no user identity. Call once per
 * test file, before creating stores (they copy process.env).
 */
export async function isolateGitConfig(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rollouts-gitconfig-'));
  const file = join(dir, 'gitconfig');
  await writeFile(file, '');
  process.env.GIT_CONFIG_GLOBAL = file;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileP('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

const SETUP_IDENTITY = ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com'];

export interface TempDirs {
  make(prefix: string): Promise<string>;
  cleanup(): Promise<void>;
}

export function tempDirs(): TempDirs {
  const dirs: string[] = [];
  return {
    async make(prefix) {
      const d = await mkdtemp(join(tmpdir(), `rollouts-${prefix}-`));
      dirs.push(d);
      return d;
    },
    async cleanup() {
      await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** A user's repository: branch main with one commit, a staged change and an untracked file. */
export async function makeUserRepo(dirs: TempDirs): Promise<string> {
  const dir = await dirs.make('repo');
  await git(dir, 'init', '-q', '-b', 'main');
  await writeFile(join(dir, 'README.md'), 'hello\n');
  await git(dir, 'add', 'README.md');
  await git(dir, ...SETUP_IDENTITY, 'commit', '-q', '-m', 'initial');
  await writeFile(join(dir, 'README.md'), 'hello, staged\n');
  await git(dir, 'add', 'README.md');
  await writeFile(join(dir, 'notes.txt'), 'untracked\n');
  return dir;
}

/** A bare "remote" with main, and `n` clones of it with `origin` configured. */
export async function makeRemoteAndClones(dirs: TempDirs, n: number): Promise<{ bare: string; clones: string[] }> {
  const seed = await makeUserRepo(dirs);
  const bare = await dirs.make('bare');
  await git(bare, 'init', '-q', '--bare', '-b', 'main');
  await git(seed, 'push', '-q', bare, 'main');
  const clones: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await dirs.make(`clone${i}`);
    await git(c, 'clone', '-q', bare, '.');
    clones.push(c);
  }
  return { bare, clones };
}
