import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { CliIO } from '../../src/cli/io.js';
import { demo } from '../manifest/demo-manifest.js';
import { GitStateStore, type RolloutState } from '../../src/state/index.js';
import type { RolloutPlan } from '../../src/plan/index.js';

const run = promisify(execFile);
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (cwd: string, ...args: string[]) =>
  run('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: GIT_ENV,
  });

function capture(cwd: string): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), isTTY: false, cwd, env: {} };
}

async function plan(cwd: string, ...args: string[]) {
  const io = capture(cwd);
  const code = await runCli(['plan', ...args], io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr };
}

describe('rollouts plan in a git repository', () => {
  let repo: string;
  const manifest = (phase: string) => demo({ 4: `phase: ${phase}` });
  const write = (name: string, text: string) => writeFile(join(repo, 'rollouts', name), text);

  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'rollouts-plan-'));
    await git(repo, 'init', '-q', '-b', 'main');
    await mkdir(join(repo, 'rollouts'));
    await write('demo.yaml', manifest('none'));
    await git(repo, 'add', '.');
    await git(repo, 'commit', '-q', '-m', 'demo rollout');
  });
  afterEach(() => rm(repo, { recursive: true, force: true }));

  it('plans a phase change in the working tree against the base as JSON', async () => {
    await write('demo.yaml', manifest('canary'));
    const { code, stdout } = await plan(repo, '--base', 'HEAD', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      base: 'HEAD',
      rollouts: [
        {
          name: 'demo',
          file: 'rollouts/demo.yaml',
          change: 'modified',
          desired: { before: 'none', after: 'canary' },
          applied: null,
          direction: 'forward',
          actions: [
            {
              kind: 'apply',
              phase: 'canary',
              steps: [{ name: 'audit', driver: 'run', readOnly: true, paginated: false }],
              cohort: '2 ids (org_1, org_2)',
              gate: 'hold 1h, checks probe, error-rate every 5m, failureLimit 0',
            },
          ],
          fieldChanges: [{ path: 'phase', before: 'none', after: 'canary' }],
          errors: [],
        },
      ],
    });
  });

  it('prints the plan as text without --json, from a subdirectory too', async () => {
    await write('demo.yaml', manifest('canary'));
    const { code, stdout } = await plan(join(repo, 'rollouts'));
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'demo (rollouts/demo.yaml): modified; phase none -> canary (forward)',
      '  apply canary — cohort: 2 ids (org_1, org_2)',
      '    - audit (run, read-only)',
      '    gate: hold 1h, checks probe, error-rate every 5m, failureLimit 0',
      '  changes:',
      '    phase: "none" -> "canary"',
    ]);
  });

  it('exits 1 when the phase moves more than one phase at once', async () => {
    await write('demo.yaml', manifest('full'));
    const { code, stdout } = await plan(repo, '--json');
    expect(code).toBe(1);
    const [p] = (JSON.parse(stdout) as { rollouts: { errors: string[] }[] }).rollouts;
    expect(p?.errors).toEqual(['`phase` moves 2 phases past `none`; move one phase at a time (next: `canary`)']);
  });

  it('plans against an older commit given as --base', async () => {
    await write('demo.yaml', manifest('canary'));
    await git(repo, 'commit', '-q', '-am', 'canary');
    await write('demo.yaml', manifest('full'));
    const onHead = JSON.parse((await plan(repo, '--json')).stdout) as {
      rollouts: { desired: unknown; errors: string[] }[];
    };
    expect(onHead.rollouts[0]).toMatchObject({ desired: { before: 'canary', after: 'full' }, errors: [] });
    const onFirst = await plan(repo, '--base', 'HEAD~1', '--json');
    expect(onFirst.code).toBe(1);
    expect(JSON.parse(onFirst.stdout).rollouts[0]).toMatchObject({ desired: { before: 'none', after: 'full' } });
  });

  it('plans an untracked new manifest as added', async () => {
    await write('other.yaml', demo({ 3: 'name: other', 4: 'phase: canary' }));
    const { code, stdout } = await plan(repo, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).rollouts).toMatchObject([
      { name: 'other', file: 'rollouts/other.yaml', change: 'added', direction: 'forward' },
    ]);
  });

  it('exits 1 when a manifest whose rollout may be applied is removed', async () => {
    await write('demo.yaml', manifest('canary'));
    await git(repo, 'commit', '-q', '-am', 'canary');
    await unlink(join(repo, 'rollouts', 'demo.yaml'));
    const { code, stdout } = await plan(repo, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).rollouts[0]).toMatchObject({
      change: 'removed',
      errors: [
        'removing the manifest rolls nothing back: phase `canary` is applied; set `phase: none` first and merge that',
      ],
    });
  });

  it('prints validation issues of a changed manifest as file:line:col and exits 1', async () => {
    await write('demo.yaml', manifest('limited'));
    const { code, stdout, stderr } = await plan(repo);
    expect(code).toBe(1);
    expect(stderr).toEqual([
      'rollouts/demo.yaml:4:8: phase: phase `limited` names no phase (have: none, canary, full)',
    ]);
    expect(stdout).toBe('');
  });

  it('says nothing changed when the manifests equal the base', async () => {
    const { code, stdout } = await plan(repo);
    expect(code).toBe(0);
    expect(stdout).toBe('no rollout manifest changed since HEAD, and the state agrees with every manifest');
  });

  async function commitState(applied: string, hold?: { desired: string; reason: string }) {
    const T = '2026-01-01T00:00:00.000Z';
    const state: RolloutState = {
      name: 'demo',
      applied,
      status: 'rolled-back',
      step: null,
      progress: {},
      gate: null,
      cohorts: {},
      generation: {},
      failure: null,
      hold: hold ?? null,
      rollbackTo: null,
      lease: null,
      updatedAt: T,
    };
    await new GitStateStore({ repo }).commit({ name: 'demo', expected: null, state });
  }

  it('shows drift after an emergency rollback: the manifest still says full while canary is applied, and the fix', async () => {
    await write('demo.yaml', manifest('full'));
    await git(repo, 'commit', '-q', '-am', 'full');
    await commitState('canary', { desired: 'full', reason: 'emergency rollback to canary' });
    const { code, stdout } = await plan(repo);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'demo (rollouts/demo.yaml): unchanged; phase full -> full (forward, applied canary)',
      '  ⚠ drift: an emergency rollback left `canary` applied and holds `full` back: set `phase: canary` to match the state, then move forward again by a PR',
    ]);
  });

  it('shows drift with the rollback steps a lowered phase would run, in the JSON too', async () => {
    await write('demo.yaml', manifest('canary'));
    await git(repo, 'commit', '-q', '-am', 'canary');
    await commitState('full');
    const { code, stdout } = await plan(repo, '--json');
    expect(code).toBe(0);
    const [p] = (JSON.parse(stdout) as { rollouts: RolloutPlan[] }).rollouts;
    expect(p!.drift).toMatch(/the state has `full` applied \(rolled-back\) while the manifest says `canary`/);
    expect(p!.direction).toBe('backward');
    expect(p!.actions.map((a) => `${a.kind} ${a.phase}: ${a.steps.map((s) => s.name).join(', ')}`)).toEqual([
      'rollback full: undo',
      'verify null: clean',
    ]);
  });

  it('exits 1 on a base that is not a commit', async () => {
    const { code, stderr } = await plan(repo, '--base', 'no-such-ref');
    expect(code).toBe(1);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^rollouts: .*no-such-ref/);
  });

  it('exits 1 outside a git repository', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'rollouts-nogit-'));
    try {
      const { code, stderr } = await plan(outside);
      expect(code).toBe(1);
      expect(stderr[0]).toMatch(/^rollouts: /);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
