// The commit that entered a phase, found in a shallow clone (`git clone --depth 1` of a real bare remote) as in a whole
// one: the history is deepened from origin until the commit found is not the clone's boundary, which git would
// otherwise take for the commit that added the whole file.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { phaseCommit } from '../../src/plan/index.js';
import { GitStateStore } from '../../src/state/index.js';
import { git, isolateGitConfig, TempDirs, TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';

const dirs = new TempDirs();
beforeAll(isolateGitConfig);
afterEach(() => dirs.cleanup());

const MANIFEST = (phase: string) => `apiVersion: rollouts/v1
kind: Rollout
name: deep
phase: ${phase}
phases:
  - name: canary
    steps:
      - name: mark
        run: [${JSON.stringify(process.execPath)}, -e, "console.log('{}')"]
`;

/** A bare remote whose main: the manifest at none, 3 commits, phase canary, `after` unrelated commits. */
async function remoteWithHistory(after: number): Promise<{ remote: string; entered: string }> {
  const repo = await TempRepo.create(dirs, { deep: MANIFEST('none') });
  for (let i = 0; i < 3; i++) {
    await git(repo.dir, 'commit', '-q', '--allow-empty', '-m', `before ${i}`);
  }
  const entered = await repo.setPhase('deep', 'canary');
  for (let i = 0; i < after; i++) {
    await repo.write('deep', `${MANIFEST('canary')}# note ${i}\n`);
    await repo.commit(`after ${i}`);
  }
  const remote = await dirs.make('remote');
  await git(remote, 'clone', '-q', '--bare', repo.dir, '.');
  return { remote, entered };
}

async function shallowClone(remote: string): Promise<string> {
  const dir = await dirs.make('shallow');
  await git(dir, 'clone', '-q', '--depth', '1', `file://${remote}`, '.');
  expect((await git(dir, 'rev-parse', '--is-shallow-repository')).trim()).toBe('true');
  return dir;
}

describe('phaseCommit in a shallow clone', () => {
  it('deepens from origin and finds the commit that entered the phase, not the clone only commit', async () => {
    const { remote, entered } = await remoteWithHistory(5);
    const dir = await shallowClone(remote);
    const head = (await git(dir, 'rev-parse', 'HEAD')).trim();
    expect(await phaseCommit(dir, 'rollouts/deep.yaml')).toBe(entered);
    expect(entered).not.toBe(head);
  });

  it('is undefined when the clone cannot fetch, never the boundary commit', async () => {
    const { remote } = await remoteWithHistory(2);
    const dir = await shallowClone(remote);
    await git(dir, 'remote', 'set-url', 'origin', `file://${remote}-gone`);
    expect(await phaseCommit(dir, 'rollouts/deep.yaml')).toBeUndefined();
  });

  it('finds the root commit when the phase entered with the file, once the history is whole', async () => {
    const repo = await TempRepo.create(dirs, { deep: MANIFEST('canary') });
    const root = await repo.head();
    await git(repo.dir, 'commit', '-q', '--allow-empty', '-m', 'later');
    const remote = await dirs.make('remote');
    await git(remote, 'clone', '-q', '--bare', repo.dir, '.');
    expect(await phaseCommit(await shallowClone(remote), 'rollouts/deep.yaml')).toBe(root);
  });

  it('the CLI applying in a shallow clone records the commit that entered the phase as enteredBy', async () => {
    const { remote, entered } = await remoteWithHistory(3);
    const dir = await shallowClone(remote);
    const r = await new InProcessEngine(dir).applyOne('deep');
    expect(r.result, r.lines.join('\n')).toMatchObject({ outcome: 'complete' });
    const { state } = await new GitStateStore({ repo: dir }).readState('deep');
    expect(state?.enteredBy).toBe(entered);
  });
});
