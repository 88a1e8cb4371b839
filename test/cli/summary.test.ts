// A command over several rollouts ends with one line that counts what happened to them.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { isolateGitConfig, TempDirs, TempRepo } from '../helpers/git-repo.js';
import { byokManifest } from '../helpers/manifests.js';

const dirs = new TempDirs();
beforeAll(isolateGitConfig);
afterEach(() => dirs.cleanup());

describe('summary lines', () => {
  it('apply and status over two rollouts close with a count by outcome and by status', async () => {
    const repo = await TempRepo.create(dirs, {
      one: byokManifest({ name: 'one', phase: 'none' }),
      two: byokManifest({ name: 'two', phase: 'none' }),
    });
    const apply = await runCli(repo.dir, ['apply']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr.trim().split('\n').at(-1)).toBe('2 rollouts: 2 unchanged');
    const status = await runCli(repo.dir, ['status']);
    expect(status.stderr.trim()).toBe('2 rollouts: 2 none');
  });
});
