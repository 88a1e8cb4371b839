// The one HTTP client: one request, the body read whole (up to a cap) inside the same deadline, and failures worded so
// a person can act on them ("connection refused", "timed out after 5s", not "fetch failed"). URLs in messages keep
// only scheme, host and path: messages end up in the ledger and in pull requests, and queries carry secrets.
import { formatMs } from './duration.js';

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The caller's cancellation (a step's timeout, an aborted pass). */
  signal?: AbortSignal;
  /** The request's own deadline, connecting and reading the body included. */
  timeoutMs?: number;
  /** Bodies past this are refused rather than held in memory; default DEFAULT_MAX_BODY_BYTES. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  /** Lowercase names. */
  headers: Record<string, string>;
  body: string;
}

/** 16 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export type HttpFailure = 'bad-url' | 'timeout' | 'aborted' | 'refused' | 'not-found' | 'too-large' | 'network';

/** A request that got no whole response. `detail` is the message without the method and URL. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly reason: HttpFailure,
    readonly detail: string,
  ) {
    super(`${method} ${safeUrl(url)}: ${detail}`);
  }
}

/** The URL without its query, fragment and credentials. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array> | null;
}

/** The one place a request leaves the process: Node's fetch (keep-alive by default). */
async function send(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<Sent> {
  const res = await fetch(url, { ...init, redirect: 'follow' });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { status: res.status, headers, body: res.body as AsyncIterable<Uint8Array> | null };
}

const CAUSES: Record<string, [HttpFailure, string]> = {
  ECONNREFUSED: ['refused', 'connection refused'],
  ENOTFOUND: ['not-found', 'host not found'],
  EAI_AGAIN: ['not-found', 'host not found (DNS lookup failed)'],
  ECONNRESET: ['network', 'connection reset'],
  EPIPE: ['network', 'connection closed'],
  UND_ERR_SOCKET: ['network', 'connection closed'],
  UND_ERR_CONNECT_TIMEOUT: ['timeout', 'timed out connecting'],
};

function failureOf(err: unknown): [HttpFailure, string] {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  const known = cause?.code ? CAUSES[cause.code] : undefined;
  if (known) return known;
  if (cause?.code) return ['network', `${cause.code}${cause.message ? `: ${cause.message}` : ''}`];
  return ['network', cause?.message ?? (err instanceof Error ? err.message : String(err))];
}

/** `user:password@host` means basic auth, as curl reads it (fetch refuses such URLs); an explicit header wins. */
function withoutCredentials(url: URL, given: Record<string, string> = {}): [URL, Record<string, string>] {
  if (!url.username && !url.password) return [url, given];
  const headers = { ...given };
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) {
    const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  }
  const bare = new URL(url);
  bare.username = bare.password = '';
  return [bare, headers];
}

async function readCapped(body: AsyncIterable<Uint8Array> | null, maxBytes: number): Promise<string | null> {
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One request; resolves with any HTTP status (the caller judges it), rejects only with an HttpError. */
export async function request(url: string, req: HttpRequest = {}): Promise<HttpResponse> {
  const method = req.method ?? 'GET';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError(method, url, 'bad-url', `not a URL: ${JSON.stringify(url.slice(0, 200))}`);
  }
  const timeout = new AbortController();
  const timer =
    req.timeoutMs === undefined ? undefined : setTimeout(() => timeout.abort(new Error('timeout')), req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  try {
    const [target, headers] = withoutCredentials(parsed, req.headers);
    const sent = await send(target, { method, headers, body: req.body, signal });
    const body = await readCapped(sent.body, maxBytes);
    if (body === null) throw new HttpError(method, url, 'too-large', `response larger than ${maxBytes} bytes`);
    return { status: sent.status, headers: sent.headers, body };
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (timeout.signal.aborted)
      throw new HttpError(method, url, 'timeout', `timed out after ${formatMs(req.timeoutMs!)}`);
    if (req.signal?.aborted) {
      const reason: unknown = req.signal.reason;
      const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
      throw new HttpError(method, url, timedOut ? 'timeout' : 'aborted', timedOut ? 'timed out' : 'aborted');
    }
    const [reason, detail] = failureOf(err);
    throw new HttpError(method, url, reason, detail.replaceAll(url, safeUrl(url)));
  } finally {
    clearTimeout(timer);
  }
}
