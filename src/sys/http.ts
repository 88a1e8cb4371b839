// The one HTTP client (undici's dispatcher on kept-alive connections): one request, the body read whole (up to a cap)
// inside the same deadline, failures worded by http-errors.ts. The server side is http-server.ts.
import { Agent, type Dispatcher } from 'undici';
import { formatMs } from './duration.js';
import { failureOf, HttpError, safeUrl } from './http-errors.js';

export { HttpError, safeUrl, type HttpFailure } from './http-errors.js';
export { serveHttp, type HttpServer, type ServedReply, type ServedRequest, type ServeOptions } from './http-server.js';

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

/** Headers that say nothing secret: a redirect to another origin may carry these, and only these. */
const PLAIN_HEADERS = new Set(['accept', 'content-type', 'user-agent', 'idempotency-key', 'accept-encoding']);
const MAX_REDIRECTS = 5;

/** Thrown inside send: a redirect this client does not follow. */
class RedirectRefused extends Error {}

/**
 * Kept-alive connections for every origin (a batch loop reuses its sockets; idle ones do not hold the process). The
 * deadlines are this client's own (a timer in each exchange): undici's header and body timeouts (300 s) would cut a
 * step whose `timeout` is longer.
 */
const AGENT = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

interface SendInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  maxBytes: number;
  /** The request's own deadline (performance.now()), redirects included; `timedOut` is set when it is reached. */
  deadline?: { at: number; timedOut: boolean };
}

/** A response read whole; `body` null when it was larger than `maxBytes` (the rest was not read). */
interface Received {
  status: number;
  /** undici's raw name/value pairs: made a record only when someone reads them (a batch loop seldom does). */
  rawHeaders: Buffer[];
  body: string | null;
}

function abortError(): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** The requests to cancel when a signal aborts, behind one listener a signal (see whenAborted). */
const cancellers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `cancel` when `signal` aborts, until the returned function is called. A batch loop sends thousands of
 * requests under one signal (its CallTimer's): one listener on it and a set entry a request, instead of an
 * EventTarget listener added and removed per request (Node validates and links each one).
 */
function whenAborted(signal: AbortSignal, cancel: () => void): () => void {
  let pending = cancellers.get(signal);
  if (!pending) {
    const set = (pending = new Set());
    cancellers.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        for (const f of [...set]) f();
        set.clear();
      },
      { once: true },
    );
  }
  pending.add(cancel);
  return () => pending.delete(cancel);
}

/** The connection closed under the request: on a kept-alive socket, the server had just closed it as idle. */
function closedUnder(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** Lowercase names; a repeated header's values joined with ", " (as node:http does for most). */
function headerRecord(raw: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  }
  return out;
}

/**
 * One exchange on a pooled connection (undici's dispatcher: the body is gathered by the handler, no stream in
 * between), read whole up to the cap. A request that got no response byte because the connection closed under it is
 * sent once more, on a fresh one: most often a kept-alive socket the server had just closed as idle, which never read
 * the request (a write that did land is replayed by its idempotency key, as a step's retry would).
 */
function exchange(url: URL, init: SendInit, retried = false): Promise<Received> {
  return new Promise((resolve, reject) => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return reject(Object.assign(new Error(`unsupported scheme ${url.protocol}`), { code: 'ESCHEME' }));
    const { signal, maxBytes, deadline } = init;
    let abort: ((err: Error) => void) | null = null;
    let cancelled = false;
    let status = 0;
    let headers: Buffer[] = [];
    let chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    // Stops the request: at once once it is dispatched, else as soon as undici hands over its abort.
    const cancel = () => {
      cancelled = true;
      abort?.(abortError());
    };
    const timer = deadline
      ? setTimeout(
          () => {
            deadline.timedOut = true;
            cancel();
          },
          Math.max(0, deadline.at - performance.now()),
        ).unref()
      : null;
    let unlisten: (() => void) | null = null;
    const done = () => {
      unlisten?.();
      if (timer) clearTimeout(timer);
    };
    if (signal?.aborted) cancelled = true;
    else if (signal) unlisten = whenAborted(signal, cancel);
    const handler: Dispatcher.DispatchHandlers = {
      onConnect(abortRequest) {
        abort = abortRequest;
        if (cancelled) abortRequest(abortError());
      },
      onHeaders(statusCode, raw) {
        if (statusCode < 200) return true; // 1xx: the response proper follows
        status = statusCode;
        headers = raw;
        chunks = [];
        return true;
      },
      onData(chunk) {
        size += chunk.byteLength;
        if (size <= maxBytes) chunks.push(chunk);
        else if (!tooLarge) {
          tooLarge = true;
          cancel();
        }
        return true;
      },
      onComplete() {
        done();
        const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        resolve({ status, rawHeaders: headers, body });
      },
      onError(err) {
        done();
        if (tooLarge) resolve({ status, rawHeaders: headers, body: null });
        else if (!retried && status === 0 && closedUnder(err) && !cancelled)
          exchange(url, init, true).then(resolve, reject);
        else reject(err);
      },
    };
    const method = init.method as Dispatcher.HttpMethod;
    AGENT.dispatch(
      { origin: url.origin, path: url.pathname + url.search, method, headers: init.headers, body: init.body },
      handler,
    );
  });
}

/**
 * The one place a request leaves the process. Redirects are followed here, at most 5: within the origin as fetch
 * would; to another origin only when the request carries no header but the plain ones above (an `x-api-key` or an
 * `authorization` never goes to a host the manifest did not name).
 */
async function send(url: URL, init: SendInit): Promise<Received> {
  let at = url;
  let { method, body } = init;
  for (let hop = 0; ; hop++) {
    const res = await exchange(at, hop === 0 ? init : { ...init, method, body });
    if (res.status < 300 || res.status >= 400 || res.status === 304) return res;
    const location = headerRecord(res.rawHeaders).location;
    if (!location) return res;
    if (hop >= MAX_REDIRECTS) throw new RedirectRefused(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, at);
    if (next.origin !== url.origin) {
      const custom = Object.keys(init.headers).filter((k) => !PLAIN_HEADERS.has(k.toLowerCase()));
      if (custom.length)
        throw new RedirectRefused(
          `redirected to another origin (${next.protocol}//${next.host}): not followed with the request's headers (${custom.join(', ')})`,
        );
    }
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
    }
    at = next;
  }
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

function response(status: number, raw: Buffer[], body: string): HttpResponse {
  let headers: Record<string, string> | undefined;
  return {
    status,
    get headers() {
      return (headers ??= headerRecord(raw));
    },
    body,
  };
}

/** Parsed URLs by their text: a batch loop sends to one URL thousands of times (the objects are never changed). */
const parsedUrls = new Map<string, URL>();

function parseUrl(url: string, method: string): URL {
  let parsed = parsedUrls.get(url);
  if (parsed) return parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError(method, url, 'bad-url', `not a URL: ${JSON.stringify(url.slice(0, 200))}`);
  }
  if (parsedUrls.size >= 64) parsedUrls.clear();
  parsedUrls.set(url, parsed);
  return parsed;
}

/** One request; resolves with any HTTP status (the caller judges it), rejects only with an HttpError. */
export async function request(url: string, req: HttpRequest = {}): Promise<HttpResponse> {
  const method = req.method ?? 'GET';
  const parsed = parseUrl(url, method);
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  // A timer in each exchange, not an AbortController a request: a batch loop sends thousands.
  const deadline = req.timeoutMs === undefined ? undefined : { at: performance.now() + req.timeoutMs, timedOut: false };
  try {
    const [target, headers] = withoutCredentials(parsed, req.headers);
    const res = await send(target, { method, headers, body: req.body, signal: req.signal, maxBytes, deadline });
    if (res.body === null) throw new HttpError(method, url, 'too-large', `response larger than ${maxBytes} bytes`);
    return response(res.status, res.rawHeaders, res.body);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (err instanceof RedirectRefused) throw new HttpError(method, url, 'redirect', err.message);
    if (deadline?.timedOut) throw new HttpError(method, url, 'timeout', `timed out after ${formatMs(req.timeoutMs!)}`);
    if (req.signal?.aborted) {
      const reason: unknown = req.signal.reason;
      const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
      throw new HttpError(method, url, timedOut ? 'timeout' : 'aborted', timedOut ? 'timed out' : 'aborted');
    }
    const [reason, detail] = failureOf(err);
    throw new HttpError(method, url, reason, detail.replaceAll(url, safeUrl(url)));
  }
}
