// `http`: one request. result = {status, json, body, headers}; value = status; by default 2xx passes.
import { durationMs } from '../manifest/schema.js';
import { render, renderText } from '../manifest/templates.js';
import { deadline } from './deadline.js';
import { fetchText, jsonOrNull, safeUrl } from './fetch.js';
import { MeasurementError, type CheckKindImpl } from './types.js';

export interface HttpResult {
  status: number;
  json: unknown;
  body: string;
  headers: Record<string, string>;
}

export const httpKind: CheckKindImpl<'http'> = {
  kind: 'http',
  async measure(check, env) {
    const spec = check.http!;
    const url = renderText(spec.url, env.vars);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.headers ?? {})) headers[k] = renderText(v, env.vars);
    let body: string | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(render(spec.json, env.vars));
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
    const limit = deadline(env.signal, durationMs(spec.timeout));
    try {
      const res = await fetchText(url, { method: spec.method, headers, body, signal: limit.signal });
      const result: HttpResult = {
        status: res.status,
        json: jsonOrNull(res.body),
        body: res.body,
        headers: res.headers,
      };
      return { value: res.status, result };
    } catch (err) {
      if (limit.expired())
        throw new MeasurementError(`${spec.method} ${safeUrl(url)}: no response within ${spec.timeout}`);
      throw err;
    }
  },
  decide(m) {
    const status = m.value;
    if (status !== null && status >= 200 && status < 300) return { outcome: 'pass' };
    return { outcome: 'fail', reason: `HTTP ${status ?? '(none)'}, expected 2xx` };
  },
};
