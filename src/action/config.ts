// The action's inputs and the event it runs for: the only place that reads GitHub's event payloads.
import * as core from '@actions/core';
import { context } from '@actions/github';

export type Command = 'auto' | 'validate' | 'plan' | 'reconcile' | 'rollback' | 'drill';
const COMMANDS: Command[] = ['auto', 'validate', 'plan', 'reconcile', 'rollback', 'drill'];

export interface ActionConfig {
  command: Command;
  token: string;
  dir: string;
  stateBranch: string;
  auditOnPr: boolean;
  autoRollback: Set<string>;
  workflow: string;
  rollout: string;
  to: string;
  cwd: string;
  event: string;
  payload: typeof context.payload;
  repo: { owner: string; repo: string };
  sha: string;
  ref: string;
  runId: string;
  runUrl: string;
  serverUrl: string;
  apiUrl: string;
  defaultBranch: string;
}

export class InputError extends Error {}

export function readConfig(): ActionConfig {
  const command = (core.getInput('command') || 'auto') as Command;
  if (!COMMANDS.includes(command))
    throw new InputError(`input command: expected one of ${COMMANDS.join(', ')}, got ${command}`);
  const autoRollback = core.getInput('auto-rollback') || 'critical';
  const payload = context.payload;
  const repo = context.repo;
  return {
    command,
    token: core.getInput('token'),
    dir: core.getInput('dir') || 'rollouts',
    stateBranch: core.getInput('state-branch') || 'rollouts-state',
    auditOnPr: core.getBooleanInput('audit-on-pr', { required: false }),
    autoRollback: new Set(
      autoRollback === 'none'
        ? []
        : autoRollback
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    ),
    workflow: core.getInput('workflow') || 'rollouts.yml',
    rollout: core.getInput('rollout'),
    to: core.getInput('to') || 'none',
    cwd: process.env.GITHUB_WORKSPACE || process.cwd(),
    event: context.eventName,
    payload,
    repo,
    sha: context.sha,
    ref: context.ref,
    runId: String(context.runId),
    runUrl: `${context.serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${context.runId}`,
    serverUrl: context.serverUrl,
    apiUrl: context.apiUrl,
    defaultBranch: (payload.repository?.default_branch as string | undefined) ?? 'main',
  };
}

export type Route =
  | { kind: 'pull-request' }
  | { kind: 'reconcile' }
  | { kind: 'alert'; alerts: unknown[] }
  | { kind: 'validate' }
  | { kind: 'plan' }
  | { kind: 'rollback'; rollout: string; to: string }
  | { kind: 'drill'; rollout: string }
  | { kind: 'skip'; reason: string };

/** `auto` picks by event (DESIGN §6); any other command runs as asked. */
export function route(cfg: ActionConfig): Route {
  const inputs = (cfg.payload.inputs ?? {}) as Record<string, string | undefined>;
  let command: Command = cfg.command;
  if (command === 'auto') {
    switch (cfg.event) {
      case 'pull_request':
      case 'pull_request_target':
        return { kind: 'pull-request' };
      case 'push':
        if (cfg.ref !== `refs/heads/${cfg.defaultBranch}`)
          return { kind: 'skip', reason: `push to ${cfg.ref}, not the default branch` };
        return { kind: 'reconcile' };
      case 'schedule':
        return { kind: 'reconcile' };
      case 'workflow_dispatch':
        command = (inputs.command as Command | undefined) ?? 'reconcile';
        break;
      case 'repository_dispatch': {
        if (cfg.payload.action !== 'rollouts-alert')
          return { kind: 'skip', reason: `repository_dispatch of type ${String(cfg.payload.action)}` };
        const alerts = (cfg.payload.client_payload as { alerts?: unknown } | undefined)?.alerts;
        if (!Array.isArray(alerts))
          throw new InputError(
            'rollouts-alert: client_payload.alerts must be the alerts array of an Alertmanager webhook',
          );
        return { kind: 'alert', alerts };
      }
      default:
        return { kind: 'skip', reason: `event ${cfg.event} has nothing to do` };
    }
  }
  const rollout = cfg.rollout || inputs.rollout || '';
  const to = (cfg.to !== 'none' ? cfg.to : inputs.to) || 'none';
  switch (command) {
    case 'validate':
      return { kind: 'validate' };
    case 'plan':
      return cfg.event.startsWith('pull_request') ? { kind: 'pull-request' } : { kind: 'plan' };
    case 'reconcile':
    case 'auto':
      return { kind: 'reconcile' };
    case 'rollback':
      if (!rollout) throw new InputError('command rollback needs the input rollout');
      return { kind: 'rollback', rollout, to };
    case 'drill':
      if (!rollout) throw new InputError('command drill needs the input rollout');
      return { kind: 'drill', rollout };
  }
}
