// `http: { method, url, headers, json, timeout }`: result.status, result.json, result.body. Non-2xx fails unless
// the step's `expect` judges the response instead. Node's fetch keeps connections alive between batches.
import { parseJsonMaybe, StepCallError, type StepDriver, type StepResult } from './types.js';
import type { HttpRequest } from '../manifest/index.js';

function retryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

export async function httpRequest(
  req: Pick<HttpRequest, 'method' | 'url' | 'headers' | 'json'>,
  signal: AbortSignal,
  extraHeaders: Record<string, string> = {},
): Promise<StepResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders, ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] ??= 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers, body, signal });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? 'timed out'
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new StepCallError(`${req.method} ${req.url}: ${why}`, true);
  }
  const text = await res.text();
  return { status: res.status, body: text, json: parseJsonMaybe(text), headers: Object.fromEntries(res.headers) };
}

export const httpDriver: StepDriver = {
  kind: 'http',
  async call(call, { judgedByExpect }) {
    const req = call.config as HttpRequest;
    const result = await httpRequest(req, call.signal, { 'idempotency-key': call.idempotencyKey });
    const status = result.status ?? 0;
    if ((status < 200 || status > 299) && (!judgedByExpect || retryableStatus(status)))
      throw new StepCallError(`${req.method} ${req.url}: HTTP ${status}`, retryableStatus(status), result);
    return result;
  },
};
