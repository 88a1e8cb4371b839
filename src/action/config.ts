// The action's configuration, read once: the step's inputs checked, and the event turned into a route. The only file
// that reads @actions/github's context (and with it the event payload).
import * as core from '@actions/core';
import { context } from '@actions/github';
import type { LedgerTrigger } from '../state/index.js';
import { parseAutoRollback, parseBoolean, parseCommand } from './inputs.js';
import { routeOf, type Route } from './route.js';

export interface ActionConfig {
  route: Route;
  token: string;
  dir: string;
  stateBranch: string;
  auditOnPr: boolean;
  /** Severities whose revert PR is merged at once. */
  autoRollback: ReadonlySet<string>;
  workflow: string;
  cwd: string;
  event: string;
  /** What the ledger records as this run's trigger. */
  trigger: LedgerTrigger;
  repo: { owner: string; repo: string };
  sha: string;
  runId: string;
  runUrl: string;
  serverUrl: string;
  apiUrl: string;
  /** The repository's default branch: from the payload, else settled by settleDefaultBranch before anything runs. */
  defaultBranch: string;
  /** False when the payload does not say (a `schedule` payload has no repository). */
  defaultBranchKnown: boolean;
}

/** Throws InputError for a bad input or payload, before anything has run. */
export function readConfig(): ActionConfig {
  const token = core.getInput('token');
  if (token) core.setSecret(token);
  const payload = context.payload as Record<string, unknown>;
  const repo = context.repo;
  const given = (payload.repository as { default_branch?: unknown } | undefined)?.default_branch;
  const known = typeof given === 'string' && given !== '';
  // Only a push compares its ref with the default branch here, and a push payload always names it.
  const defaultBranch = known ? given : 'main';
  const route = routeOf(
    { event: context.eventName, payload, ref: context.ref, repository: `${repo.owner}/${repo.repo}`, defaultBranch },
    {
      command: parseCommand('input command', core.getInput('command') || 'auto'),
      rollout: core.getInput('rollout'),
      to: core.getInput('to'),
    },
  );
  const pr = (payload.pull_request as { number?: unknown } | undefined)?.number;
  return {
    route,
    token,
    dir: core.getInput('dir') || 'rollouts',
    stateBranch: core.getInput('state-branch') || 'rollouts-state',
    auditOnPr: parseBoolean('input audit-on-pr', core.getInput('audit-on-pr'), false),
    autoRollback: parseAutoRollback('input auto-rollback', core.getInput('auto-rollback')),
    workflow: core.getInput('workflow') || 'rollouts.yml',
    cwd: process.env.GITHUB_WORKSPACE || process.cwd(),
    event: context.eventName,
    trigger: { event: context.eventName, commit: context.sha, ...(typeof pr === 'number' ? { pr } : {}) },
    repo,
    sha: context.sha,
    runId: String(context.runId),
    runUrl: `${context.serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${context.runId}`,
    serverUrl: context.serverUrl,
    apiUrl: context.apiUrl,
    defaultBranch,
    defaultBranchKnown: known,
  };
}
