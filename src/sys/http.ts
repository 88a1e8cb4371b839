// The one HTTP client (node:http(s) on keep-alive agents): one request, the body read whole (up to a cap) inside the same deadline, and failures worded so
// a person can act on them ("connection refused", "timed out after 5s", not "fetch failed"). URLs in messages keep
// only scheme, host and path: messages end up in the ledger and in pull requests, and queries carry secrets.
// And the one HTTP server (serveHttp): a request read whole (up to a cap) handed to a function that returns the reply.
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
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

export type HttpFailure =
  'bad-url' | 'timeout' | 'aborted' | 'refused' | 'not-found' | 'too-large' | 'redirect' | 'network';

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
  signal: AbortSignal;
}

/** One exchange on a pooled connection; a reused socket the server had already closed is retried once, fresh. */
function exchange(url: URL, init: SendInit, retried = false): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const agent = url.protocol === 'https:' ? AGENTS['https:'] : url.protocol === 'http:' ? AGENTS['http:'] : null;
    if (!agent) return reject(Object.assign(new Error(`unsupported scheme ${url.protocol}`), { code: 'ESCHEME' }));
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    else if (!/^(GET|HEAD|OPTIONS|DELETE)$/i.test(init.method)) headers['content-length'] = '0';
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: init.method,
      headers,
      agent,
      signal: init.signal,
    });
    req.on('response', resolve);
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && !init.signal.aborted)
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

const CAUSES: Record<string, [HttpFailure, string]> = {
  ECONNREFUSED: ['refused', 'connection refused'],
  ENOTFOUND: ['not-found', 'host not found'],
  EAI_AGAIN: ['not-found', 'host not found (DNS lookup failed)'],
  ECONNRESET: ['network', 'connection reset'],
  EPIPE: ['network', 'connection closed'],
  UND_ERR_SOCKET: ['network', 'connection closed'],
  UND_ERR_CONNECT_TIMEOUT: ['timeout', 'timed out connecting'],
  ETIMEDOUT: ['timeout', 'timed out connecting'],
  ESCHEME: ['bad-url', 'not an http or https URL'],
};

function failureOf(err: unknown): [HttpFailure, string] {
  const own = err as { code?: string; message?: string } | undefined;
  const cause =
    own && typeof own.code === 'string'
      ? own
      : err instanceof Error
        ? (err.cause as { code?: string; message?: string } | undefined)
        : undefined;
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

/** One request; resolves with any HTTP status (the caller judges it), rejects only with an HttpError. */
export async function request(url: string, req: HttpRequest = {}): Promise<HttpResponse> {
  const method = req.method ?? 'GET';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError(method, url, 'bad-url', `not a URL: ${JSON.stringify(url.slice(0, 200))}`);
  }
  // Only a request with a deadline of its own gets a second signal: a batch loop's calls come with their step's.
  const timeout = req.timeoutMs === undefined && req.signal ? null : new AbortController();
  const timer =
    req.timeoutMs === undefined ? undefined : setTimeout(() => timeout!.abort(new Error('timeout')), req.timeoutMs);
  const signal = !timeout ? req.signal! : req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
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
    if (timeout?.signal.aborted)
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

/** A request to serveHttp's handler: the body read whole. Header names are lowercase. */
export interface ServedRequest {
  method: string;
  /** The path without the query. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface ServedReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpServer {
  /** `http://host:port`, the port the system gave when 0 was asked for. */
  url: string;
  port: number;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

export interface ServeOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** A larger body is answered 413 without calling the handler; default 1 MiB. */
  maxBodyBytes?: number;
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Serves `handle` on host:port; a handler that throws is answered 500 with the message. */
export async function serveHttp(
  options: ServeOptions,
  handle: (req: ServedRequest) => Promise<ServedReply> | ServedReply,
): Promise<HttpServer> {
  const maxBytes = options.maxBodyBytes ?? 1024 * 1024;
  const server = createServer((req, res) => {
    const reply = async (): Promise<ServedReply> => {
      const body = await readBody(req, maxBytes);
      if (body === null) return { status: 413, body: `request body larger than ${maxBytes} bytes\n` };
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v);
      const path = (req.url ?? '/').split('?')[0]!;
      return handle({ method: req.method ?? 'GET', path, headers, body });
    };
    reply()
      .catch((err: unknown): ServedReply => ({ status: 500, body: `${err instanceof Error ? err.message : err}\n` }))
      .then((r) => {
        res.writeHead(r.status, { 'content-type': 'text/plain; charset=utf-8', ...r.headers });
        res.end(r.body ?? '');
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
