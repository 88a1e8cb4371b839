import { describe, expect, it } from 'vitest';
import { expectStatus, OWNER, pushBranch, useEmulator } from './fixture.js';

const fx = useEmulator();

describe('deployments', () => {
  it('creates deployments with statuses and marks the previous successful one of the environment inactive', async () => {
    const { repo, base } = await fx.setupRepo();
    const environment = 'rollout/byok';
    const first = (
      await fx.octokit.rest.repos.createDeployment({
        owner: OWNER,
        repo,
        ref: 'main',
        environment,
        auto_merge: false,
        required_contexts: [],
        payload: { phase: 'canary' },
      })
    ).data;
    if (!('id' in first)) throw new Error('expected a deployment');
    expect(first).toMatchObject({
      sha: base,
      ref: 'main',
      environment,
      task: 'deploy',
      payload: { phase: 'canary' },
      production_environment: false,
    });
    await fx.octokit.rest.repos.createDeploymentStatus({
      owner: OWNER,
      repo,
      deployment_id: first.id,
      state: 'in_progress',
    });
    const success = await fx.octokit.rest.repos.createDeploymentStatus({
      owner: OWNER,
      repo,
      deployment_id: first.id,
      state: 'success',
      log_url: 'https://example.com/runs/1',
      description: 'canary applied',
    });
    expect(success.data).toMatchObject({
      state: 'success',
      log_url: 'https://example.com/runs/1',
      target_url: 'https://example.com/runs/1',
      environment,
    });

    const second = (
      await fx.octokit.rest.repos.createDeployment({
        owner: OWNER,
        repo,
        ref: base,
        environment,
        auto_merge: false,
        required_contexts: [],
      })
    ).data;
    if (!('id' in second)) throw new Error('expected a deployment');
    await fx.octokit.rest.repos.createDeploymentStatus({
      owner: OWNER,
      repo,
      deployment_id: second.id,
      state: 'success',
    });

    const statuses = (
      await fx.octokit.rest.repos.listDeploymentStatuses({ owner: OWNER, repo, deployment_id: first.id })
    ).data;
    expect(statuses.map((s) => s.state)).toEqual(['inactive', 'success', 'in_progress']);
    const listed = (await fx.octokit.rest.repos.listDeployments({ owner: OWNER, repo, environment })).data;
    expect(listed.map((d) => d.id)).toEqual([second.id, first.id]);
    expect(
      (await fx.octokit.rest.repos.listDeployments({ owner: OWNER, repo, environment: 'production' })).data,
    ).toEqual([]);
    expect(fx.emulator.getDeployments(OWNER, repo)[1]?.statuses.map((s) => s.state)).toEqual([
      'inactive',
      'success',
      'in_progress',
    ]);
  });

  it('answers 422 for a ref that does not exist', async () => {
    const { repo } = await fx.setupRepo();
    const error = await expectStatus(
      fx.octokit.rest.repos.createDeployment({ owner: OWNER, repo, ref: 'nope', auto_merge: false }),
      422,
    );
    expect(error.response?.data).toMatchObject({ message: 'No ref found for: nope' });
  });

  it('auto-merges the default branch into a branch behind it, as GitHub does by default (202)', async () => {
    const { repo, clone } = await fx.setupRepo();
    await pushBranch(clone, 'topic', { 'topic.txt': 't\n' });
    await pushBranch(clone, 'main', { 'main.txt': 'm\n' });
    const response = await fx.octokit.rest.repos.createDeployment({
      owner: OWNER,
      repo,
      ref: 'topic',
      required_contexts: [],
    });
    expect(response.status).toBe(202);
    expect(response.data).toEqual({ message: 'Auto-merged main into topic on deployment.' });
    const topic = (await fx.octokit.rest.repos.getCommit({ owner: OWNER, repo, ref: 'heads/topic' })).data;
    expect(topic.parents).toHaveLength(2);
  });
});

describe('actions', () => {
  it('records a workflow dispatch checked against the workflow file in git, and creates its run', async () => {
    const { repo, base } = await fx.setupRepo();
    const response = await fx.octokit.rest.actions.createWorkflowDispatch({
      owner: OWNER,
      repo,
      workflow_id: 'rollouts.yml',
      ref: 'main',
      inputs: { command: 'reconcile' },
    });
    expect(response.status).toBe(204);
    expect(fx.emulator.dispatches).toEqual([
      expect.objectContaining({
        repo,
        workflowId: 'rollouts.yml',
        workflowPath: '.github/workflows/rollouts.yml',
        ref: 'main',
        sha: base,
        inputs: { command: 'reconcile' },
      }),
    ]);
    const run = (
      await fx.octokit.rest.actions.getWorkflowRun({ owner: OWNER, repo, run_id: fx.emulator.dispatches[0]!.runId })
    ).data;
    expect(run).toMatchObject({
      event: 'workflow_dispatch',
      status: 'queued',
      head_sha: base,
      head_branch: 'main',
      path: '.github/workflows/rollouts.yml',
    });
  });

  it('answers 422 to a dispatch with inputs the workflow does not declare, and 404 to an unknown workflow', async () => {
    const { repo } = await fx.setupRepo();
    const error = await expectStatus(
      fx.octokit.rest.actions.createWorkflowDispatch({
        owner: OWNER,
        repo,
        workflow_id: 'rollouts.yml',
        ref: 'main',
        inputs: { command: 'plan', extra: 'x' },
      }),
      422,
    );
    expect(error.response?.data).toMatchObject({ message: 'Unexpected inputs provided: ["extra"]' });
    await expectStatus(
      fx.octokit.rest.actions.createWorkflowDispatch({ owner: OWNER, repo, workflow_id: 'other.yml', ref: 'main' }),
      404,
    );
    // The description declares no 422 for this operation (a 404 is accepted on any route).
    expect(fx.emulator.violations.map((v) => [v.kind, v.status])).toEqual([['response', 422]]);
    fx.emulator.clearLog();
  });

  it('serves workflow runs made and advanced by the test helpers', async () => {
    const { repo, base } = await fx.setupRepo();
    const made = fx.emulator.createWorkflowRun(OWNER, repo, {
      headSha: base,
      headBranch: 'main',
      status: 'in_progress',
    });
    expect((await fx.octokit.rest.actions.getWorkflowRun({ owner: OWNER, repo, run_id: made.id })).data.status).toBe(
      'in_progress',
    );
    fx.emulator.updateWorkflowRun(OWNER, repo, made.id, { status: 'completed', conclusion: 'success' });
    const run = (await fx.octokit.rest.actions.getWorkflowRun({ owner: OWNER, repo, run_id: made.id })).data;
    expect(run).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      head_commit: { id: base, message: 'initial' },
    });
    const runs = (
      await fx.octokit.rest.actions.listWorkflowRuns({
        owner: OWNER,
        repo,
        workflow_id: 'rollouts.yml',
        status: 'success',
      })
    ).data;
    expect(runs.workflow_runs.map((r) => r.id)).toEqual([made.id]);
    await expectStatus(fx.octokit.rest.actions.getWorkflowRun({ owner: OWNER, repo, run_id: 12345 }), 404);
  });
});
