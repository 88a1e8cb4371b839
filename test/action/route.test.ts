// The route of a run, from GitHub's own webhook examples (@octokit/webhooks-examples) rewritten to one repository:
// what each event makes the action do, and the exact facts each route hands its handler.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/action/inputs.js';
import { routeOf, type EventFacts, type StepInputs } from '../../src/action/route.js';
import {
  alertmanagerWebhook,
  pullRequestPayload,
  pushPayload,
  repositoryDispatchPayload,
  schedulePayload,
  workflowDispatchPayload,
  type RepoIdentity,
} from '../helpers/payloads.js';

const REPO: RepoIdentity = { owner: 'acme', repo: 'app', defaultBranch: 'trunk', apiUrl: 'https://api.github.com' };
const AUTO: StepInputs = { command: 'auto', rollout: '', to: 'none' };
const SHA = 'a'.repeat(40);
const BASE = 'b'.repeat(40);

const facts = (event: string, payload: unknown, ref = 'refs/heads/trunk'): EventFacts => ({
  event,
  payload: payload as Record<string, unknown>,
  ref,
  repository: 'acme/app',
  defaultBranch: 'trunk',
});
const pull = (headRepo: string | null | undefined, body: string | null = 'Runbook 000.\n- [x] reviewed') =>
  pullRequestPayload('opened', REPO, {
    number: 42,
    title: 'Canary',
    body,
    head: { ref: 'canary', sha: SHA, ...(headRepo === undefined ? {} : { repoFullName: headRepo }) },
    base: { ref: 'trunk', sha: BASE },
  });
const dispatch = (inputs: Record<string, string>) =>
  facts('workflow_dispatch', workflowDispatchPayload(REPO, { ref: 'refs/heads/trunk', workflow: 'w.yml', inputs }));
const inputError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('the route of a pull_request', () => {
  it('carries the number, body and base sha, and a head in the repository is not a fork', () => {
    expect(routeOf(facts('pull_request', pull(undefined)), AUTO)).toEqual({
      kind: 'pull-request',
      pull: { number: 42, body: 'Runbook 000.\n- [x] reviewed', baseSha: BASE, headRepo: 'acme/app', fromFork: false },
    });
  });

  it('marks a head in another repository, or in none (a deleted fork), as a fork; an empty body is ""', () => {
    const fork = routeOf(facts('pull_request', pull('mallory/app', null)), AUTO);
    expect(fork).toMatchObject({ pull: { headRepo: 'mallory/app', fromFork: true, body: '' } });
    const deleted = routeOf(facts('pull_request', pull(null)), AUTO);
    expect(deleted).toMatchObject({ pull: { headRepo: null, fromFork: true } });
  });

  it('plans on pull_request with command plan too, and only validates with command plan elsewhere', () => {
    const plan: StepInputs = { ...AUTO, command: 'plan' };
    expect(routeOf(facts('pull_request', pull(undefined)), plan)).toMatchObject({ kind: 'pull-request' });
    expect(routeOf(facts('schedule', schedulePayload()), plan)).toEqual({ kind: 'plan' });
  });

  it('rejects a payload whose pull request has no base sha, naming the field', () => {
    const payload = pull(undefined);
    delete ((payload.pull_request as { base: Record<string, unknown> }).base as Record<string, unknown>).sha;
    expect(inputError(() => routeOf(facts('pull_request', payload), AUTO))).toMatch(/pull_request: base\.sha: /);
  });
});

describe('the route of push, schedule and other events', () => {
  const push = (ref: string) => pushPayload(REPO, { ref, before: BASE, after: SHA, commits: [] });

  it('reconciles a push to the default branch and skips a push to any other', () => {
    expect(routeOf(facts('push', push('refs/heads/trunk')), AUTO)).toEqual({ kind: 'reconcile' });
    expect(routeOf(facts('push', push('refs/heads/main'), 'refs/heads/main'), AUTO)).toEqual({
      kind: 'skip',
      reason: 'push to refs/heads/main, not the default branch',
    });
  });

  it('reconciles on schedule and skips an event it has nothing to do for', () => {
    expect(routeOf(facts('schedule', schedulePayload()), AUTO)).toEqual({ kind: 'reconcile' });
    expect(routeOf(facts('issues', {}), AUTO)).toEqual({ kind: 'skip', reason: 'event issues has nothing to do' });
  });
});

describe('the route of a workflow_dispatch', () => {
  it('reconciles when the dispatch gives no command (the webhook example has no inputs)', () => {
    expect(routeOf(dispatch({}), AUTO)).toEqual({ kind: 'reconcile' });
    expect(routeOf(dispatch({ command: '', rollout: '', to: 'none' }), AUTO)).toEqual({ kind: 'reconcile' });
  });

  it('rolls back the rollout the dispatch names, to the phase it names; the step inputs win when set', () => {
    expect(routeOf(dispatch({ command: 'rollback', rollout: 'byok', to: 'canary' }), AUTO)).toEqual({
      kind: 'rollback',
      rollout: 'byok',
      to: 'canary',
    });
    expect(routeOf(dispatch({ command: 'rollback', rollout: 'byok', to: '' }), AUTO)).toMatchObject({ to: 'none' });
    expect(
      routeOf(dispatch({ command: 'drill', rollout: 'byok' }), { command: 'auto', rollout: 'other', to: '' }),
    ).toEqual({ kind: 'drill', rollout: 'other' });
    // A workflow that passes only `command:` to the step still gets the rollout and phase the dispatch named.
    expect(
      routeOf(dispatch({ command: 'rollback', rollout: 'byok', to: 'canary' }), { ...AUTO, command: 'rollback' }),
    ).toEqual({ kind: 'rollback', rollout: 'byok', to: 'canary' });
  });

  it('resumes or retries the rollout the dispatch names', () => {
    for (const command of ['resume', 'retry'] as const)
      expect(routeOf(dispatch({ command, rollout: 'byok' }), AUTO)).toEqual({ kind: command, rollout: 'byok' });
  });

  it('pauses the rollout the dispatch names, with the reason it gives (a "pause" button)', () => {
    expect(routeOf(dispatch({ command: 'pause', rollout: 'byok', reason: ' replica lag ' }), AUTO)).toEqual({
      kind: 'pause',
      rollout: 'byok',
      reason: 'replica lag',
    });
    expect(routeOf(dispatch({ command: 'pause', rollout: 'byok' }), AUTO)).toEqual({ kind: 'pause', rollout: 'byok' });
    expect(inputError(() => routeOf(dispatch({ command: 'pause', rollout: '' }), AUTO))).toBe(
      'command pause needs a rollout: set the input rollout (or the workflow_dispatch input rollout)',
    );
  });

  it('fails an unknown command with an input error naming the allowed commands', () => {
    expect(inputError(() => routeOf(dispatch({ command: 'deploy' }), AUTO))).toBe(
      'workflow_dispatch input command: expected one of auto, validate, plan, reconcile, rollback, drill, pause, resume, retry; got "deploy"',
    );
  });

  it('fails a rollback, drill, resume or retry that names no rollout', () => {
    for (const command of ['rollback', 'drill', 'resume', 'retry'])
      expect(inputError(() => routeOf(dispatch({ command, rollout: '' }), AUTO))).toBe(
        `command ${command} needs a rollout: set the input rollout (or the workflow_dispatch input rollout)`,
      );
    expect(inputError(() => routeOf(facts('schedule', schedulePayload()), { ...AUTO, command: 'rollback' }))).toMatch(
      /^command rollback needs a rollout/,
    );
  });
});

describe('the route of a repository_dispatch', () => {
  const relayed = (clientPayload: Record<string, unknown>, action = 'rollouts-alert') =>
    facts('repository_dispatch', repositoryDispatchPayload(REPO, { action, clientPayload }));

  it('carries the alerts of an Alertmanager webhook, every field kept (endsAt, generatorURL)', () => {
    const { alerts } = alertmanagerWebhook([
      { labels: { alertname: 'ByokErrors', rollout: 'byok' }, startsAt: '2026-11-23T10:00:00Z' },
    ]);
    const route = routeOf(relayed({ alerts }), AUTO);
    expect(route).toEqual({ kind: 'alert', alerts });
  });

  it('skips another dispatch type, and rejects alerts that are not an Alertmanager alerts array', () => {
    expect(routeOf(relayed({}, 'deploy'), AUTO)).toEqual({
      kind: 'skip',
      reason: 'repository_dispatch of type deploy',
    });
    expect(inputError(() => routeOf(relayed({ alerts: 'fire' }), AUTO))).toMatch(/client_payload\.alerts must be/);
    expect(inputError(() => routeOf(relayed({ alerts: [{ status: 'firing', labels: ['x'] }] }), AUTO))).toMatch(
      /^rollouts-alert: client_payload\.alerts: 0\.labels: /,
    );
  });
});
