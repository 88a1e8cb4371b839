// POST /repos/{owner}/{repo}/dispatches: a repository_dispatch starts the default branch's workflows that listen for
// its type; the body is judged by GitHub's description (event_type, client_payload of at most 10 keys) and its 64 KB
// limit.
import { describe, expect, it } from 'vitest';
import { expectStatus, OWNER, useEmulator } from './fixture.js';

const fx = useEmulator();

const LISTENS = 'name: alerts\non:\n  repository_dispatch:\n    types: [rollouts-alert]\n';
const OTHER = 'name: deploy\non:\n  repository_dispatch:\n    types: [deploy]\n';

describe('repository_dispatch', () => {
  it('answers 204, records the payload and starts a run of each workflow that listens for the type', async () => {
    const { repo, clone } = await fx.setupRepo();
    const tip = await clone.commit('workflows', {
      '.github/workflows/alerts.yml': LISTENS,
      '.github/workflows/deploy.yml': OTHER,
    });
    await clone.push('main');
    const res = await fx.octokit.rest.repos.createDispatchEvent({
      owner: OWNER,
      repo,
      event_type: 'rollouts-alert',
      client_payload: { alerts: [{ status: 'firing', labels: { alertname: 'X' } }] },
    });
    expect(res.status).toBe(204);
    const [sent] = fx.emulator.repositoryDispatches.filter((d) => d.repo === repo);
    expect(sent).toMatchObject({
      eventType: 'rollouts-alert',
      sha: tip,
      clientPayload: { alerts: [{ status: 'firing', labels: { alertname: 'X' } }] },
    });
    expect(sent!.runIds).toHaveLength(1);
    const run = await fx.octokit.rest.actions.getWorkflowRun({ owner: OWNER, repo, run_id: sent!.runIds[0]! });
    expect(run.data).toMatchObject({
      event: 'repository_dispatch',
      path: '.github/workflows/alerts.yml',
      head_sha: tip,
    });
  });

  it('refuses a client_payload of more than 10 top-level keys, as the description says', async () => {
    const { repo } = await fx.setupRepo();
    const client_payload = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    await expectStatus(
      fx.octokit.rest.repos.createDispatchEvent({ owner: OWNER, repo, event_type: 'rollouts-alert', client_payload }),
      422,
    );
    expect(fx.emulator.violations.map((v) => v.kind)).toEqual(['request']);
    fx.emulator.clearLog();
  });

  it('refuses a client_payload of 64 KB or more', async () => {
    const { repo } = await fx.setupRepo();
    const error = await expectStatus(
      fx.octokit.rest.repos.createDispatchEvent({
        owner: OWNER,
        repo,
        event_type: 'rollouts-alert',
        client_payload: { alerts: 'x'.repeat(64 * 1024) },
      }),
      422,
    );
    expect(error.message).toContain('less than 64KB');
  });
});
