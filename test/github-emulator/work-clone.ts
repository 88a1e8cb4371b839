// A working clone of an emulated repository, for tests that push real commits to it.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const IDENTITY: NodeJS.ProcessEnv = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
};

export class WorkClone {
  private constructor(readonly dir: string) {}

  /** Clones `remote` (a bare repository path) into a new temp directory; an empty remote gives an empty clone. */
  static async clone(remote: string): Promise<WorkClone> {
    const parent = await mkdtemp(join(tmpdir(), 'emulator-clone-'));
    const dir = join(parent, 'work');
    await runGit(parent, ['clone', '--quiet', remote, dir]);
    return new WorkClone(dir);
  }

  git(...args: string[]): Promise<string> {
    return runGit(this.dir, args);
  }

  async write(files: Record<string, string>): Promise<void> {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(this.dir, path)), { recursive: true });
      await writeFile(join(this.dir, path), content);
    }
  }

  /** Writes the files, commits them all, and returns the new commit's sha. */
  async commit(message: string, files: Record<string, string> = {}): Promise<string> {
    await this.write(files);
    await this.git('add', '--all');
    await this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.head();
  }

  async head(): Promise<string> {
    return (await this.git('rev-parse', 'HEAD')).trim();
  }

  async push(branch: string): Promise<void> {
    await this.git('push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`);
  }

  /** Starts `branch` from the remote's `from` branch (fetched first). */
  async branchFrom(branch: string, from: string): Promise<void> {
    await this.git('fetch', '--quiet', 'origin');
    await this.git('checkout', '--quiet', '-B', branch, `origin/${from}`);
  }

  async remove(): Promise<void> {
    await rm(dirname(this.dir), { recursive: true, force: true });
  }
}

function runGit(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: { ...process.env, ...IDENTITY }, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}
