// The one HTTP client (node:http(s) on keep-alive agents): one request, the body read whole (up to a cap) inside the
// same deadline, failures worded by http-errors.ts. The server side is http-server.ts.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: IncomingMessage;
}

/** Headers that say nothing secret: a redirect to another origin may carry these, and only these. */
const PLAIN_HEADERS = new Set(['accept', 'content-type', 'user-agent', 'idempotency-key', 'accept-encoding']);
const MAX_REDIRECTS = 5;

/** Thrown inside send: a redirect this client does not follow. */
class RedirectRefused extends Error {}

/** Kept-alive connections, one pool per scheme: a batch loop reuses one socket (idle sockets do not hold the process). */
const AGENTS = {
  'http:': new HttpAgent({ keepAlive: true }),
  'https:': new HttpsAgent({ keepAlive: true }),
};

interface SendInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** Aborting `signal` destroys `req` (as http.request's own `signal` option does, without its stream bookkeeping). */
function abortWith(req: ReturnType<typeof httpRequest>, signal: AbortSignal): void {
  const onAbort = (): void => {
    req.destroy(Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
  };
  if (signal.aborted) return onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  req.once('close', () => signal.removeEventListener('abort', onAbort));
}

/** One exchange on a pooled connection; a reused socket the server had already closed is retried once, fresh. */
function exchange(url: URL, init: SendInit, retried = false): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const agent = url.protocol === 'https:' ? AGENTS['https:'] : url.protocol === 'http:' ? AGENTS['http:'] : null;
    if (!agent) return reject(Object.assign(new Error(`unsupported scheme ${url.protocol}`), { code: 'ESCHEME' }));
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    else if (!/^(GET|HEAD|OPTIONS|DELETE)$/i.test(init.method)) headers['content-length'] = '0';
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: init.method, headers, agent });
    if (init.signal) abortWith(req, init.signal);
    req.on('response', resolve);
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && !init.signal?.aborted)
        exchange(url, init, true).then(resolve, reject);
      else reject(err);
    });
    req.end(init.body);
  });
}

/**
 * The one place a request leaves the process: node:http(s) on keep-alive agents. Redirects are followed here, at
 * most 5: within the origin as fetch would; to another origin only when the request carries no header but the plain
 * ones above (an `x-api-key` or an `authorization` never goes to a host the manifest did not name).
 */
async function send(url: URL, init: SendInit): Promise<Sent> {
  let at = url;
  let { method, body } = init;
  for (let hop = 0; ; hop++) {
    const res = await exchange(at, { ...init, method, body });
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new RedirectRefused(`more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, at);
      if (next.origin !== url.origin) {
        const custom = Object.keys(init.headers).filter((k) => !PLAIN_HEADERS.has(k.toLowerCase()));
        if (custom.length)
          throw new RedirectRefused(
            `redirected to another origin (${next.protocol}//${next.host}): not followed with the request's headers (${custom.join(', ')})`,
          );
      }
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
      }
      at = next;
      continue;
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(res.headers))
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    return { status, headers, body: res };
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

/** The body, whole, or null past `maxBytes` (the response is then dropped); events rather than an async iterator. */
function readCapped(body: IncomingMessage, maxBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        body.destroy();
        resolve(null);
      } else chunks.push(chunk);
    });
    body.once('end', () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    body.once('error', reject);
    body.once('close', () => {
      if (!body.complete) reject(body.errored ?? new Error('connection closed before the response ended'));
    });
  });
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

interface Deadline {
  signal?: AbortSignal;
  timedOut: boolean;
  clear(): void;
}

/**
 * The signal a request is sent with: the caller's, or with a deadline of the request's own, one that also follows the
 * caller's (a listener, not AbortSignal.any, whose weak references cost a fast batch more than its own work).
 */
function deadline(parent: AbortSignal | undefined, ms: number | undefined): Deadline {
  if (ms === undefined) return { signal: parent, timedOut: false, clear: () => undefined };
  const controller = new AbortController();
  const follow = () => controller.abort(parent!.reason);
  const timer = setTimeout(() => {
    d.timedOut = true;
    controller.abort(new Error('timeout'));
  }, ms);
  const d: Deadline = {
    signal: controller.signal,
    timedOut: false,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', follow);
    },
  };
  if (parent?.aborted) follow();
  else parent?.addEventListener('abort', follow, { once: true });
  return d;
}

/** One request; resolves with any HTTP status (the caller judges it), rejects only with an HttpError. */
export async function request(url: string, req: HttpRequest = {}): Promise<HttpResponse> {
  const method = req.method ?? 'GET';
  const parsed = parseUrl(url, method);
  const timeout = deadline(req.signal, req.timeoutMs);
  const signal = timeout.signal;
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  try {
    const [target, headers] = withoutCredentials(parsed, req.headers);
    const sent = await send(target, { method, headers, body: req.body, signal });
    const body = await readCapped(sent.body, maxBytes);
    if (body === null) throw new HttpError(method, url, 'too-large', `response larger than ${maxBytes} bytes`);
    return { status: sent.status, headers: sent.headers, body };
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (err instanceof RedirectRefused) throw new HttpError(method, url, 'redirect', err.message);
    if (timeout.timedOut) throw new HttpError(method, url, 'timeout', `timed out after ${formatMs(req.timeoutMs!)}`);
    if (req.signal?.aborted) {
      const reason: unknown = req.signal.reason;
      const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
      throw new HttpError(method, url, timedOut ? 'timeout' : 'aborted', timedOut ? 'timed out' : 'aborted');
    }
    const [reason, detail] = failureOf(err);
    throw new HttpError(method, url, reason, detail.replaceAll(url, safeUrl(url)));
  } finally {
    timeout.clear();
  }
}
