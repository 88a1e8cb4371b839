// The failures of the HTTP client (sys/http.ts), worded so a person can act on them ("connection refused", "timed out
// after 5s", not "fetch failed"). URLs in messages keep only scheme, host and path: messages end up in the ledger and
// in pull requests, and queries carry secrets.

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

export function failureOf(err: unknown): [HttpFailure, string] {
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
