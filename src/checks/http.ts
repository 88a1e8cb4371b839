// `http`: one request. result = {status, json (null when the body is not JSON), body, headers}; value = status; by
// default 2xx passes.
import { durationMs } from '../manifest/index.js';
import { request } from '../sys/http.js';
import { tryParseJson } from '../sys/json.js';
import type { CheckKindImpl } from './types.js';

export interface HttpResult {
  status: number;
  json: unknown;
  body: string;
  headers: Record<string, string>;
}

export const httpKind: CheckKindImpl<'http'> = {
  kind: 'http',
  async measure(spec, env) {
    const headers: Record<string, string> = { ...spec.headers };
    let body: string | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
    const res = await request(spec.url, {
      method: spec.method,
      headers,
      body,
      signal: env.signal,
      timeoutMs: durationMs(spec.timeout),
    });
    const result: HttpResult = {
      status: res.status,
      json: tryParseJson(res.body) ?? null,
      body: res.body,
      headers: res.headers,
    };
    return { value: res.status, result };
  },
  decide(m) {
    const status = m.value;
    if (status !== null && status >= 200 && status < 300) return { outcome: 'pass' };
    return { outcome: 'fail', reason: `HTTP ${status ?? '(none)'}, expected 2xx` };
  },
};
