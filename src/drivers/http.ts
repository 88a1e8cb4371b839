// `http: { method, url, headers, json, timeout }`: result.status, result.json (absent when the body is not JSON),
// result.body. Non-2xx fails unless the step's `expect` judges the response instead. sys/http keeps connections alive
// between batches.
import { durationMs, type HttpRequest } from '../manifest/index.js';
import { HttpError, request, safeUrl } from '../sys/http.js';
import { tryParseJson } from '../sys/json.js';
import { StepCallError, type DriverCall, type StepDriver, type StepResult } from './types.js';

/** A step's response is held whole for `expect` and the ledger: past 16 MiB it is refused, never read on. */
export const MAX_STEP_BODY_BYTES = 16 * 1024 * 1024;

function retryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

async function send(req: HttpRequest, signal: AbortSignal, call: DriverCall): Promise<StepResult> {
  const headers: Record<string, string> = { accept: 'application/json', 'idempotency-key': call.idempotencyKey };
  if (call.lease) {
    // The fencing token: a target may refuse a write under an older epoch of the same rollout than one it has seen.
    headers['rollouts-rollout'] = call.lease.rollout;
    headers['rollouts-lease-epoch'] = String(call.lease.epoch);
  }
  if (req.headers) Object.assign(headers, req.headers);
  let body: string | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] ??= 'application/json';
  }
  try {
    // `timeout` bounds the whole request, the body read included; the step's own timeout (the signal) still holds.
    const res = await request(req.url, {
      method: req.method,
      headers,
      body,
      signal,
      timeoutMs: req.timeout ? durationMs(req.timeout) : undefined,
      maxBytes: MAX_STEP_BODY_BYTES,
    });
    // The headers stay as the client keeps them: a record only when `expect`, the ledger or a check reads them.
    return {
      status: res.status,
      body: res.body,
      json: tryParseJson(res.body),
      get headers() {
        return res.headers;
      },
    };
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    throw new StepCallError(
      err.message,
      err.reason !== 'bad-url' && err.reason !== 'too-large' && err.reason !== 'redirect',
    );
  }
}

export const httpDriver: StepDriver = {
  kind: 'http',
  async call(call, { judgedByExpect }) {
    const req = call.config as HttpRequest;
    const result = await send(req, call.signal, call);
    const status = result.status ?? 0;
    if ((status < 200 || status > 299) && (!judgedByExpect || retryableStatus(status)))
      throw new StepCallError(`${req.method} ${safeUrl(req.url)}: HTTP ${status}`, retryableStatus(status), result);
    return result;
  },
};
