// `rollouts alert-relay`: Alertmanager's webhook (version 4) in, GitHub's repository_dispatch `rollouts-alert` out.
// Alertmanager cannot shape its webhook body, and GitHub takes only {event_type, client_payload} with at most 10
// top-level keys in client_payload and less than 64 KB in all: the relay checks the sender (a shared secret, as a
// bearer token or a basic-auth password), keeps the alerts (firing and resolved alike: the action needs the resolved
// ones to tell a stale firing notification) and a few of the group's fields, and splits a large group across
// dispatches. A failed dispatch is answered 502, so Alertmanager retries it; a bad request 400, a bad secret 401.
import { createHash, timingSafeEqual } from 'node:crypto';
import { request, serveHttp, type HttpServer, type ServedReply, type ServedRequest } from '../sys/http.js';
import { tryParseJson } from '../sys/json.js';

export const EVENT_TYPE = 'rollouts-alert';
/** GitHub's limits on client_payload: top-level keys, and the size of the whole JSON payload. */
export const MAX_PAYLOAD_KEYS = 10;
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** The fields of a webhook alert (version 4) that are relayed. */
const ALERT_FIELDS = ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint'] as const;
/** The group's fields relayed besides `alerts` (with it: 6 top-level keys of at most MAX_PAYLOAD_KEYS). */
const GROUP_FIELDS = ['receiver', 'status', 'groupKey', 'externalURL', 'truncatedAlerts'] as const;

export type RelayedAlert = Partial<Record<(typeof ALERT_FIELDS)[number], unknown>> & {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
};

export interface RelayOptions {
  host: string;
  port: number;
  /** owner/name */
  repo: string;
  /** GitHub's REST API, e.g. https://api.github.com. */
  apiUrl: string;
  /** Sent as `Authorization: Bearer`; needs `contents: write` on the repository. */
  token: string;
  /** What Alertmanager must send: `Authorization: Bearer SECRET`, or SECRET as the basic-auth password. */
  secret: string;
  userAgent: string;
  log: (line: string) => void;
  logError: (line: string) => void;
}

export class WebhookError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringMap = (v: unknown): v is Record<string, string> =>
  isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

/** The webhook's group fields and alerts; throws WebhookError when the body is not a version 4 webhook. */
export function parseWebhook(body: string): { group: Record<string, unknown>; alerts: RelayedAlert[] } {
  const doc = tryParseJson(body);
  if (!isRecord(doc)) throw new WebhookError('the body is not a JSON object (an Alertmanager webhook)');
  if (doc.version !== '4')
    throw new WebhookError(`webhook version ${JSON.stringify(doc.version)}: this relay reads version "4"`);
  if (!Array.isArray(doc.alerts)) throw new WebhookError('the webhook has no alerts list');
  const alerts = doc.alerts.map((a: unknown, i): RelayedAlert => {
    if (!isRecord(a) || (a.status !== 'firing' && a.status !== 'resolved'))
      throw new WebhookError(`alerts[${i}]: status must be "firing" or "resolved"`);
    if (!stringMap(a.labels)) throw new WebhookError(`alerts[${i}]: labels must map names to strings`);
    const out: Record<string, unknown> = {};
    for (const k of ALERT_FIELDS) if (a[k] !== undefined) out[k] = a[k];
    return out as RelayedAlert;
  });
  const group: Record<string, unknown> = {};
  for (const k of GROUP_FIELDS) if (doc[k] !== undefined) group[k] = doc[k];
  return { group, alerts };
}

const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/**
 * The repository_dispatch bodies for one webhook: client_payload = the group's fields and as many alerts as fit in
 * MAX_PAYLOAD_BYTES, in order. An alert too large alone is sent without its annotations and generatorURL; one still
 * too large is dropped (returned in `dropped`).
 */
export function dispatchBodies(
  group: Record<string, unknown>,
  alerts: RelayedAlert[],
): { bodies: { event_type: string; client_payload: Record<string, unknown> }[]; dropped: RelayedAlert[] } {
  const body = (chunk: RelayedAlert[]) => ({ event_type: EVENT_TYPE, client_payload: { ...group, alerts: chunk } });
  if (Object.keys(body([]).client_payload).length > MAX_PAYLOAD_KEYS) throw new Error('too many client_payload keys');
  const fits = (chunk: RelayedAlert[]) => size(body(chunk).client_payload) < MAX_PAYLOAD_BYTES;
  const bodies: ReturnType<typeof body>[] = [];
  const dropped: RelayedAlert[] = [];
  let chunk: RelayedAlert[] = [];
  for (const alert of alerts) {
    if (fits([...chunk, alert])) {
      chunk.push(alert);
      continue;
    }
    if (chunk.length) bodies.push(body(chunk));
    chunk = [];
    const { annotations: _a, generatorURL: _g, ...small } = alert;
    if (fits([alert])) chunk = [alert];
    else if (fits([small])) chunk = [small];
    else dropped.push(alert);
  }
  if (chunk.length || !bodies.length) bodies.push(body(chunk));
  return { bodies, dropped };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The secret the request carries: a bearer token, or the password of basic auth. */
function presented(headers: Record<string, string>): string | null {
  const auth = headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+(.+)$/i.exec(auth);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

export function authorized(headers: Record<string, string>, secret: string): boolean {
  const given = presented(headers);
  return given !== null && timingSafeEqual(digest(given), digest(secret));
}

const json = (status: number, value: unknown): ServedReply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: `${JSON.stringify(value)}\n`,
});

async function dispatch(o: RelayOptions, body: unknown): Promise<string | null> {
  const url = `${o.apiUrl.replace(/\/+$/, '')}/repos/${o.repo}/dispatches`;
  const res = await request(url, {
    method: 'POST',
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${o.token}`,
      'content-type': 'application/json',
      'user-agent': o.userAgent,
      'x-github-api-version': '2022-11-28',
    },
    body: JSON.stringify(body),
    timeoutMs: 30_000,
  });
  if (res.status >= 200 && res.status < 300) return null;
  const message = (tryParseJson(res.body) as { message?: unknown } | undefined)?.message;
  return `POST /repos/${o.repo}/dispatches: HTTP ${res.status}${typeof message === 'string' ? `: ${message}` : ''}`;
}

/** What the relay answers one request with. */
export async function handleRelayRequest(o: RelayOptions, req: ServedRequest): Promise<ServedReply> {
  if (req.method === 'GET' && (req.path === '/-/healthy' || req.path === '/-/ready'))
    return { status: 200, body: 'OK\n' };
  if (req.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: 'POST an Alertmanager webhook\n' };
  if (!authorized(req.headers, o.secret)) {
    o.logError(`alert-relay: refused a webhook without the shared secret (${req.path})`);
    return {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="rollouts alert-relay"' },
      body: 'unauthorized\n',
    };
  }
  let parsed: ReturnType<typeof parseWebhook>;
  try {
    parsed = parseWebhook(req.body);
  } catch (err) {
    if (!(err instanceof WebhookError)) throw err;
    o.logError(`alert-relay: bad webhook: ${err.message}`);
    return json(400, { error: err.message });
  }
  const { bodies, dropped } = dispatchBodies(parsed.group, parsed.alerts);
  for (const a of dropped)
    o.logError(
      `alert-relay: dropped ${a.labels.alertname ?? 'an alert'}: larger than ${MAX_PAYLOAD_BYTES} bytes alone`,
    );
  const firing = parsed.alerts.filter((a) => a.status === 'firing').length;
  const what = `${parsed.alerts.length} alert(s) (${firing} firing, ${parsed.alerts.length - firing} resolved)`;
  for (const [i, body] of bodies.entries()) {
    let failure: string | null;
    try {
      failure = await dispatch(o, body);
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    if (failure) {
      o.logError(`alert-relay: ${what}: dispatch ${i + 1}/${bodies.length} failed: ${failure}`);
      return json(502, { error: failure, dispatched: i });
    }
  }
  o.log(
    `alert-relay: ${what} -> ${o.repo} ${EVENT_TYPE} (${bodies.length} dispatch${bodies.length === 1 ? '' : 'es'})`,
  );
  return json(200, { dispatched: bodies.length, alerts: parsed.alerts.length - dropped.length });
}

export function startAlertRelay(o: RelayOptions): Promise<HttpServer> {
  return serveHttp({ host: o.host, port: o.port }, (req) => handleRelayRequest(o, req));
}
