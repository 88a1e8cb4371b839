// Webhook payloads for the action's end-to-end tests: GitHub's own examples (@octokit/webhooks-examples) rewritten to
// the emulated repository's real names, numbers, shas and refs; plus the two payloads that have no example there:
// `schedule` (GitHub sends only the cron) and the Alertmanager webhook (version 4) relayed as a repository_dispatch.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

type Payload = Record<string, unknown>;

interface ExampleSet {
  name: string;
  actions: string[];
  examples: Payload[];
}

/** The emulated repository a payload is rewritten to. */
export interface RepoIdentity {
  owner: string;
  repo: string;
  defaultBranch: string;
  /** GITHUB_API_URL (the emulator). */
  apiUrl: string;
  /** GITHUB_SERVER_URL; default https://github.com. */
  serverUrl?: string;
  /** Repository id; default 1296269 (GitHub's documentation value). */
  id?: number;
}

let cache: ExampleSet[] | undefined;

function exampleSets(): ExampleSet[] {
  if (!cache) {
    const file = createRequire(import.meta.url).resolve('@octokit/webhooks-examples/api.github.com/index.json');
    cache = JSON.parse(readFileSync(file, 'utf8')) as ExampleSet[];
  }
  return cache;
}

/** A deep copy of the first example of `event` (with `action`, and passing `where`, when given). */
export function webhookExample(event: string, action?: string, where: (p: Payload) => boolean = () => true): Payload {
  const set = exampleSets().find((s) => s.name === event);
  const found = set?.examples.find((p) => (action === undefined || p.action === action) && where(p));
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}${action ? `.${action}` : ''} example`);
  return structuredClone(found);
}

const replaceAll = (text: string, from: string, to: string) => text.split(from).join(to);

/**
 * Rewrites every mention of the example's repository (full name, owner login, API and web URLs) to `to`, and the
 * sender to `sender`. Done on the JSON text so nested objects (head/base repos, URL templates) follow.
 */
function retarget(example: Payload, to: RepoIdentity, sender: string): Payload {
  const repository = example.repository as { full_name: string; owner: { login: string } };
  const fromFull = repository.full_name;
  const fromOwner = repository.owner.login;
  const toFull = `${to.owner}/${to.repo}`;
  const server = (to.serverUrl ?? 'https://github.com').replace(/\/$/, '');
  const oldSender = (example.sender as { login?: string } | undefined)?.login;
  let text = JSON.stringify(example);
  text = replaceAll(text, 'https://api.github.com', to.apiUrl.replace(/\/$/, ''));
  text = replaceAll(text, 'https://github.com', server);
  text = replaceAll(text, fromFull, toFull);
  text = replaceAll(text, fromOwner, to.owner);
  const out = JSON.parse(text) as Payload;
  const repo = out.repository as Payload;
  Object.assign(repo, {
    id: to.id ?? 1296269,
    name: to.repo,
    full_name: toFull,
    private: false,
    fork: false,
    default_branch: to.defaultBranch,
  });
  if ('master_branch' in repo) repo.master_branch = to.defaultBranch;
  if (out.sender && oldSender)
    out.sender = renameUser(out.sender as Payload, oldSender === fromOwner ? to.owner : oldSender, sender);
  return out;
}

function renameUser(user: Payload, from: string, to: string): Payload {
  const out: Payload = {};
  for (const [k, v] of Object.entries(user)) out[k] = typeof v === 'string' ? replaceAll(v, from, to) : v;
  return { ...out, login: to, id: 1000 + createHash('sha256').update(to).digest().readUInt16BE(0) };
}

export interface PullSide {
  ref: string;
  sha: string;
  /**
   * owner/repo of the side's repository; a head from another repository is a fork; null: the fork was deleted
   * (GitHub then sends `head.repo: null`). Default: the repository.
   */
  repoFullName?: string | null;
}

export interface PullFacts {
  number: number;
  title: string;
  body: string | null;
  head: PullSide;
  base: PullSide;
  /** The PR's author (also the sender); default `octodev`. */
  author?: string;
  /** synchronize: the head before the push. */
  before?: string;
}

/** A `pull_request` event (opened, synchronize, edited, ...) of the emulated repository's PR `pr.number`. */
export function pullRequestPayload(action: string, repo: RepoIdentity, pr: PullFacts): Payload {
  const author = pr.author ?? 'octodev';
  const out = retarget(webhookExample('pull_request', action), repo, author);
  const p = out.pull_request as Payload;
  let text = JSON.stringify(p);
  text = text.replace(/\/(pulls|issues|pull)\/\d+/g, `/$1/${pr.number}`);
  const pull = JSON.parse(text) as Payload;
  const baseRepo = out.repository as Payload;
  const side = (s: PullSide) => {
    if (s.repoFullName === null)
      return { label: `${author}:${s.ref}`, ref: s.ref, sha: s.sha, user: out.sender, repo: null };
    const full = s.repoFullName ?? `${repo.owner}/${repo.repo}`;
    const [owner = repo.owner, name = repo.repo] = full.split('/');
    const sideRepo = full === `${repo.owner}/${repo.repo}` ? baseRepo : forkOf(baseRepo, repo, owner, name);
    return { label: `${owner}:${s.ref}`, ref: s.ref, sha: s.sha, user: sideRepo.owner, repo: sideRepo };
  };
  Object.assign(pull, {
    number: pr.number,
    title: pr.title,
    body: pr.body,
    state: 'open',
    merged: false,
    merged_at: null,
    merge_commit_sha: null,
    closed_at: null,
    draft: false,
    user: out.sender,
    head: side(pr.head),
    base: side(pr.base),
  });
  out.pull_request = pull;
  out.number = pr.number;
  if (action === 'synchronize') Object.assign(out, { before: pr.before ?? pr.base.sha, after: pr.head.sha });
  return out;
}

/** The fork `owner/name` of the base repository: a copy with its names, a new id and `fork: true`. */
function forkOf(base: Payload, repo: RepoIdentity, owner: string, name: string): Payload {
  let text = JSON.stringify(base);
  text = replaceAll(text, `${repo.owner}/${repo.repo}`, `${owner}/${name}`);
  text = replaceAll(text, `/${repo.owner}`, `/${owner}`);
  const fork = JSON.parse(text) as Payload;
  return {
    ...fork,
    id: (base.id as number) + 7,
    name,
    full_name: `${owner}/${name}`,
    fork: true,
    owner: { ...(fork.owner as Payload), login: owner, id: 9_000_001 },
  };
}

export interface PushCommit {
  id: string;
  treeId: string;
  message: string;
  /** ISO 8601 with offset, as git prints it (%aI). */
  timestamp: string;
  author: { name: string; email: string };
  committer: { name: string; email: string };
  added: string[];
  removed: string[];
  modified: string[];
}

/** A `push` of `commits` (oldest first) moving `ref` from `before` to `after`. */
export function pushPayload(
  repo: RepoIdentity,
  push: { ref: string; before: string; after: string; commits: PushCommit[]; pusher?: string },
): Payload {
  const pusher = push.pusher ?? 'octodev';
  const out = retarget(
    webhookExample(
      'push',
      undefined,
      (p) => p.ref === 'refs/heads/master' && Array.isArray(p.commits) && p.commits.length > 0,
    ),
    repo,
    pusher,
  );
  const server = (repo.serverUrl ?? 'https://github.com').replace(/\/$/, '');
  const commits = push.commits.map((c) => ({
    id: c.id,
    tree_id: c.treeId,
    distinct: true,
    message: c.message,
    timestamp: c.timestamp,
    url: `${server}/${repo.owner}/${repo.repo}/commit/${c.id}`,
    author: { ...c.author, username: c.author.name },
    committer: { ...c.committer, username: c.committer.name },
    added: c.added,
    removed: c.removed,
    modified: c.modified,
  }));
  return {
    ...out,
    ref: push.ref,
    before: push.before,
    after: push.after,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${server}/${repo.owner}/${repo.repo}/compare/${push.before.slice(0, 12)}...${push.after.slice(0, 12)}`,
    commits,
    head_commit: commits.at(-1) ?? null,
    pusher: { name: pusher, email: `${pusher}@users.noreply.github.com` },
  };
}

/** A `workflow_dispatch` of `workflow` (a path under .github/workflows) with its inputs as GitHub fills them. */
export function workflowDispatchPayload(
  repo: RepoIdentity,
  d: { ref: string; workflow: string; inputs: Record<string, string>; sender?: string },
): Payload {
  const out = retarget(webhookExample('workflow_dispatch'), repo, d.sender ?? 'github-actions[bot]');
  return { ...out, ref: d.ref, workflow: d.workflow, inputs: d.inputs };
}

/** A `repository_dispatch` of type `action` (what `POST /repos/{owner}/{repo}/dispatches` sends to workflows). */
export function repositoryDispatchPayload(
  repo: RepoIdentity,
  d: { action: string; clientPayload: Record<string, unknown>; sender?: string },
): Payload {
  const out = retarget(webhookExample('repository_dispatch'), repo, d.sender ?? 'alert-relay[bot]');
  return { ...out, action: d.action, branch: repo.defaultBranch, client_payload: d.clientPayload };
}

/** GitHub sends a scheduled run only the cron expression that fired. */
export function schedulePayload(cron = '*/15 * * * *'): Payload {
  return { schedule: cron };
}

export interface AlertSpec {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  status?: 'firing' | 'resolved';
  endsAt?: string;
}

export interface AlertmanagerAlertJson {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerWebhook {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerAlertJson[];
}

function common(maps: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = maps;
  return Object.fromEntries(Object.entries(first ?? {}).filter(([k, v]) => rest.every((m) => m[k] === v)));
}

/** The body Alertmanager POSTs to a webhook receiver (version 4), grouped by alertname. */
export function alertmanagerWebhook(
  specs: AlertSpec[],
  o: { receiver?: string; externalURL?: string; prometheusUrl?: string } = {},
): AlertmanagerWebhook {
  const alerts = specs.map((a): AlertmanagerAlertJson => {
    const sorted = Object.keys(a.labels)
      .sort()
      .map((k) => `${k}=${a.labels[k]}`)
      .join(',');
    const expr = encodeURIComponent(`ALERTS{alertname="${a.labels.alertname ?? ''}"}`);
    return {
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: a.annotations ?? {},
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: `${o.prometheusUrl ?? 'http://prometheus:9090'}/graph?g0.expr=${expr}&g0.tab=1`,
      fingerprint: createHash('sha256').update(sorted).digest('hex').slice(0, 16),
    };
  });
  const labels = common(alerts.map((a) => a.labels));
  const alertname = labels.alertname;
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname ?? ''}"}`,
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: o.receiver ?? 'rollouts-relay',
    groupLabels: alertname ? { alertname } : {},
    commonLabels: labels,
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: o.externalURL ?? 'http://alertmanager:9093',
    alerts,
  };
}
