// The manifests as HEAD holds them: the committed text (not the working tree's), the dirty files named, links refused.
import { symlink, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCommittedRollouts } from '../../src/manifest/index.js';
import { git, TempDirs, TempRepo } from '../helpers/git-repo.js';
import { byokManifest } from '../helpers/manifests.js';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

describe('loadCommittedRollouts', () => {
  it('reads the committed manifest, names edited and untracked files, and refuses a committed link', async () => {
    const repo = await TempRepo.create(dirs, { byok: byokManifest({ phase: 'canary' }) });
    await symlink('../README.md', repo.path('rollouts', 'link.yaml'));
    await repo.commit('a link');
    await writeFile(repo.manifestPath('byok'), byokManifest({ phase: 'full' }));
    await writeFile(repo.path('rollouts', 'new.yml'), 'x: 1\n');
    await git(repo.dir, 'mv', 'rollouts/link.yaml', 'rollouts/moved.yaml');

    const { loaded, dirty } = await loadCommittedRollouts(repo.dir, 'rollouts');
    expect(loaded.map((r) => [r.file.slice(repo.dir.length + 1), r.manifest?.phase ?? r.issues[0]?.message])).toEqual([
      ['rollouts/byok.yaml', 'canary'],
      ['rollouts/link.yaml', expect.stringContaining('must be a regular file')],
    ]);
    expect(dirty).toEqual(['rollouts/byok.yaml', 'rollouts/link.yaml', 'rollouts/moved.yaml', 'rollouts/new.yml']);
  });

  it('has no manifests before the first commit', async () => {
    const dir = await dirs.make('empty');
    await git(dir, 'init', '-q');
    expect(await loadCommittedRollouts(dir, 'rollouts')).toEqual({ loaded: [], dirty: [] });
  });
});
