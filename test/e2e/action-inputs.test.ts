// Bad inputs through the built action (dist/index.js run as GitHub runs it), on GitHub's own workflow_dispatch
// webhook example: each fails the step with one line naming the input and what it accepts, exit 1, no stack trace,
// no call to GitHub and no state written. A good dispatch on the same repository is the control.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionHarness, describeRun, ensureActionBuilt, ROOT } from '../helpers/action.js';
import { isolateGitConfig } from '../helpers/git-repo.js';

const NAME = 'byok-demo';
const COMMANDS = 'auto, validate, plan, reconcile, rollback, drill, pause, resume, retry';
const DISPATCH = { command: 'reconcile', rollout: '', to: 'none' };

describe('bad inputs to the action', () => {
  let h: ActionHarness;
  const stateBranch = async () => (await h.dev.git('ls-remote', '--heads', h.remote, 'rollouts-state')).trim();

  beforeAll(async () => {
    await isolateGitConfig();
    await ensureActionBuilt();
    const demo = await readFile(join(ROOT, 'examples/demo/byok-demo.yaml'), 'utf8');
    h = await ActionHarness.start({
      files: {
        [`rollouts/${NAME}.yaml`]: demo,
        '.github/workflows/rollouts.yml': await readFile(join(ROOT, 'examples/workflows/rollouts.yml'), 'utf8'),
      },
    });
  });

  afterEach(() => h.assertContractAndClear());

  afterAll(async () => {
    await h?.close();
  });

  it.each<{ bad: string; dispatch: Record<string, string>; step: Record<string, string>; error: string }>([
    {
      bad: 'an unknown command in the dispatch',
      dispatch: { ...DISPATCH, command: 'deploy' },
      step: {},
      error: `workflow_dispatch input command: expected one of ${COMMANDS}; got "deploy"`,
    },
    {
      bad: 'an unknown command passed to the step (as the example workflow passes inputs.command)',
      dispatch: { ...DISPATCH, command: 'deploy' },
      step: { command: 'deploy' },
      error: `input command: expected one of ${COMMANDS}; got "deploy"`,
    },
    {
      bad: 'a rollback without a rollout',
      dispatch: { ...DISPATCH, command: 'rollback' },
      step: {},
      error: 'command rollback needs a rollout: set the input rollout (or the workflow_dispatch input rollout)',
    },
    {
      bad: 'a rollback of a rollout that does not exist',
      dispatch: { ...DISPATCH, command: 'rollback', rollout: 'byok' },
      step: {},
      error: `input rollout: no rollout named byok (have: ${NAME})`,
    },
    {
      bad: 'a rollback to a phase the rollout does not have',
      dispatch: { command: 'rollback', rollout: NAME, to: 'half' },
      step: {},
      error: `input to: ${NAME} has no phase half (have: none, canary, full)`,
    },
    {
      bad: 'a retry without a rollout',
      dispatch: { ...DISPATCH, command: 'retry' },
      step: {},
      error: 'command retry needs a rollout: set the input rollout (or the workflow_dispatch input rollout)',
    },
    {
      bad: 'a resume of a rollout that is not paused',
      dispatch: { ...DISPATCH, command: 'resume', rollout: NAME },
      step: {},
      error: `${NAME} is none, not paused: nothing to resume`,
    },
    {
      bad: 'an unknown auto-rollback severity',
      dispatch: DISPATCH,
      step: { 'auto-rollback': 'critical,severe' },
      error:
        'input auto-rollback: expected a comma-separated list of critical, high (the severities that roll back), or none; got "critical,severe"',
    },
    {
      bad: 'an audit-on-pr that is not a boolean',
      dispatch: DISPATCH,
      step: { 'audit-on-pr': 'yes' },
      error: 'input audit-on-pr: expected true or false; got "yes"',
    },
  ])('fails $bad with one input error, no stack trace, no API call, no state', async ({ dispatch, step, error }) => {
    const r = await h.workflowDispatchJob(dispatch, { inputs: step });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.errors()).toEqual([error]);
    expect(r.everything()).not.toMatch(/TypeError|\n\s+at /);
    expect(r.apiCalls).toEqual([]);
    expect(await stateBranch()).toBe('');
  });

  it('runs a good dispatch on the same repository (the control): exit 0 and the status of every rollout', async () => {
    const r = await h.workflowDispatchJob(DISPATCH);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.errors()).toEqual([]);
    expect(r.stdout).toContain('rollouts: workflow_dispatch -> reconcile');
    expect(r.json<{ rollouts: { name: string; applied: string }[] }>('status').rollouts).toEqual([
      expect.objectContaining({ name: NAME, applied: 'none' }),
    ]);
  });
});
