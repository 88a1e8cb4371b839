// Event + inputs -> what this run does (DESIGN §6), decided once. Each route carries exactly what its handler needs,
// read and checked from GitHub's event payload here, so no other file reads the payload.
import { z } from 'zod';
import type { AlertmanagerAlert } from '../engine/index.js';
import { InputError, parseCommand, type Command } from './inputs.js';

/** The pull request a `pull_request` run plans. */
export interface PullRequestFacts {
  number: number;
  /** Its description, where checklists are ticked ('' when empty). */
  body: string;
  /** The base commit the plan diffs against. */
  baseSha: string;
  /** owner/repo of the head; null when GitHub no longer knows it (the fork was deleted). */
  headRepo: string | null;
  /** Fail closed: a head in another repository, or in none at all, is a fork, and runs no steps. */
  fromFork: boolean;
}

export type Route =
  | { kind: 'pull-request'; pull: PullRequestFacts }
  | { kind: 'reconcile' }
  | { kind: 'alert'; alerts: AlertmanagerAlert[] }
  | { kind: 'validate' }
  | { kind: 'plan' }
  | { kind: 'rollback'; rollout: string; to: string }
  | { kind: 'drill'; rollout: string }
  /** An operator's control: a paused gate opened afresh, a failed phase or gate retried. */
  | { kind: 'resume' | 'retry'; rollout: string }
  /** An operator's pause (a workflow_dispatch "pause" button): the run applying it stops before its next batch. */
  | { kind: 'pause'; rollout: string; reason?: string }
  | { kind: 'skip'; reason: string };

export interface EventFacts {
  /** GITHUB_EVENT_NAME */
  event: string;
  /** The webhook payload (GITHUB_EVENT_PATH). */
  payload: Record<string, unknown>;
  /** GITHUB_REF */
  ref: string;
  /** GITHUB_REPOSITORY (owner/repo). */
  repository: string;
  defaultBranch: string;
}

/** The step's own inputs that pick the work (a workflow_dispatch's inputs fill in what these leave unset). */
export interface StepInputs {
  command: Command;
  rollout: string;
  /** '' or `none` when unset. */
  to: string;
}

const pullPayload = z.object({
  number: z.number().int().positive(),
  body: z.string().nullish(),
  base: z.object({ sha: z.string().min(1) }),
  head: z.object({ repo: z.object({ full_name: z.string() }).nullish() }),
});

// Extra fields (endsAt, generatorURL, ...) are kept: the engine decides what it reads.
const alertPayload = z
  .object({
    status: z.string(),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()).optional(),
    startsAt: z.string().optional(),
    endsAt: z.string().optional(),
    fingerprint: z.string().optional(),
  })
  .loose();

// GitHub sends the inputs a workflow_dispatch was given as strings (booleans and numbers too, as their text).
const dispatchInputs = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullish();

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new InputError(`${what}: ${at}${issue.message}`);
}

function pullRequestFacts(ev: EventFacts): PullRequestFacts {
  if (ev.payload.pull_request === undefined)
    throw new InputError(`a ${ev.event} event without a pull_request in its payload cannot be planned`);
  const pr = parsed(pullPayload, ev.payload.pull_request, `${ev.event} payload pull_request`);
  const base = (ev.payload.repository as { full_name?: unknown } | undefined)?.full_name;
  const baseRepo = typeof base === 'string' ? base : ev.repository;
  const headRepo = pr.head.repo?.full_name ?? null;
  return {
    number: pr.number,
    body: pr.body ?? '',
    baseSha: pr.base.sha,
    headRepo,
    fromFork: headRepo?.toLowerCase() !== baseRepo.toLowerCase(),
  };
}

function alertRoute(ev: EventFacts): Route {
  const action = ev.payload.action;
  if (action !== 'rollouts-alert') return { kind: 'skip', reason: `repository_dispatch of type ${String(action)}` };
  const alerts = (ev.payload.client_payload as { alerts?: unknown } | undefined)?.alerts;
  if (!Array.isArray(alerts))
    throw new InputError('rollouts-alert: client_payload.alerts must be the alerts array of an Alertmanager webhook');
  return { kind: 'alert', alerts: parsed(z.array(alertPayload), alerts, 'rollouts-alert: client_payload.alerts') };
}

/** `auto` picks by event; any other command runs as asked, on any event. */
export function routeOf(ev: EventFacts, step: StepInputs): Route {
  let command = step.command;
  const given =
    ev.event === 'workflow_dispatch'
      ? (parsed(dispatchInputs, ev.payload.inputs, 'workflow_dispatch inputs') ?? {})
      : {};
  if (command === 'auto') {
    switch (ev.event) {
      case 'pull_request':
      case 'pull_request_target':
        return { kind: 'pull-request', pull: pullRequestFacts(ev) };
      case 'push':
        if (ev.ref !== `refs/heads/${ev.defaultBranch}`)
          return { kind: 'skip', reason: `push to ${ev.ref}, not the default branch` };
        return { kind: 'reconcile' };
      case 'schedule':
        return { kind: 'reconcile' };
      case 'workflow_dispatch': {
        const asked = given.command == null ? '' : String(given.command);
        command = asked === '' ? 'reconcile' : parseCommand('workflow_dispatch input command', asked);
        break;
      }
      case 'repository_dispatch':
        return alertRoute(ev);
      default:
        return { kind: 'skip', reason: `event ${ev.event} has nothing to do` };
    }
  }
  const text = (v: unknown) => (v == null ? '' : String(v));
  const rollout = step.rollout || text(given.rollout);
  const to = (step.to && step.to !== 'none' ? step.to : text(given.to)) || 'none';
  const needsRollout = (what: string) =>
    new InputError(`command ${what} needs a rollout: set the input rollout (or the workflow_dispatch input rollout)`);
  switch (command) {
    case 'validate':
      return { kind: 'validate' };
    case 'plan':
      return ev.event.startsWith('pull_request')
        ? { kind: 'pull-request', pull: pullRequestFacts(ev) }
        : { kind: 'plan' };
    case 'auto':
    case 'reconcile':
      return { kind: 'reconcile' };
    case 'rollback':
      if (!rollout) throw needsRollout('rollback');
      return { kind: 'rollback', rollout, to };
    case 'drill':
      if (!rollout) throw needsRollout('drill');
      return { kind: 'drill', rollout };
    case 'resume':
    case 'retry':
      if (!rollout) throw needsRollout(command);
      return { kind: command, rollout };
    case 'pause': {
      if (!rollout) throw needsRollout(command);
      const reason = text(given.reason).trim();
      return reason ? { kind: 'pause', rollout, reason } : { kind: 'pause', rollout };
    }
  }
}
