// The HTTP client the http, prometheus, alerts and judge kinds share: one request, the body read whole (up to a cap),
// and failures worded so a person can act on them ("connection refused", not "fetch failed").
import { MeasurementError } from './types.js';

export interface FetchedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Bodies past this are refused rather than held in memory. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** The URL without its query and credentials: error messages end up in the ledger. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function causeOf(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

async function readCapped(res: Response, maxBytes: number, url: string): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new MeasurementError(`response from ${safeUrl(url)} is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function fetchText(url: string, options: FetchOptions): Promise<FetchedResponse> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MeasurementError(`not a URL: ${JSON.stringify(url.slice(0, 200))}`);
  }
  let res: Response;
  try {
    res = await fetch(parsed, {
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      signal: options.signal,
      redirect: 'follow',
    });
  } catch (err) {
    if (options.signal.aborted) throw options.signal.reason ?? err;
    throw new MeasurementError(`${options.method ?? 'GET'} ${safeUrl(url)}: ${causeOf(err)}`);
  }
  const body = await readCapped(res, options.maxBytes ?? DEFAULT_MAX_BYTES, url);
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { status: res.status, headers, body };
}

/** JSON when the text is JSON, else null. */
export function jsonOrNull(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed) return null;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return null;
  }
}
