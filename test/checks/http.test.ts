import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleCheck } from '../../src/checks/sample.js';
import { parseCheck, testEnv } from './env.js';
import { freePort } from './prometheus-fixture.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
const seen: Seen[] = [];
let server: Server;
let base: string;
const hanging: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-probe': 'yes' });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/providers/openai/status') return json(200, { connection_status: 'online' });
      if (req.url === '/providers/anthropic/status') return json(200, { connection_status: 'degraded' });
      if (req.url === '/down') return json(503, { error: 'unavailable' });
      if (req.url === '/text') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('ok');
      }
      if (req.url === '/echo') return json(201, { got: JSON.parse(body) as unknown, auth: req.headers.authorization });
      if (req.url === '/hang') return void hanging.push(res);
      json(404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const r of hanging) r.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const httpCheck = (http: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  parseCheck({ http: { ...http, url: `${base}${String(http.url)}` }, ...extra });

describe('http check kind against a local server', () => {
  it('passes a 2xx by default, with status as the value and {status, json, body, headers} as the result', async () => {
    const s = await sampleCheck('probe', httpCheck({ url: '/providers/openai/status' }), testEnv());
    expect(s).toMatchObject({ outcome: 'pass', value: 200 });
    expect(s.detail).toMatchObject({
      status: 200,
      json: { connection_status: 'online' },
      body: '{"connection_status":"online"}',
      headers: { 'x-probe': 'yes' },
    });
  });

  it('fails a non-2xx by default', async () => {
    const s = await sampleCheck('probe', httpCheck({ url: '/down' }), testEnv());
    expect(s).toMatchObject({ outcome: 'fail', value: 503, reason: 'HTTP 503, expected 2xx' });
  });

  it('applies a pass: condition over result.json (the runbook probe)', async () => {
    const pass = "result.status == 200 && result.json.connection_status == 'online'";
    expect(await sampleCheck('p', httpCheck({ url: '/providers/openai/status' }, { pass }), testEnv())).toMatchObject({
      outcome: 'pass',
    });
    const degraded = await sampleCheck('p', httpCheck({ url: '/providers/anthropic/status' }, { pass }), testEnv());
    expect(degraded.outcome).toBe('fail');
  });

  it('is inconclusive when the condition reads a key the response lacks', async () => {
    const s = await sampleCheck(
      'p',
      httpCheck({ url: '/down' }, { pass: "result.json.connection_status == 'online'" }),
      testEnv(),
    );
    expect(s.outcome).toBe('inconclusive');
    expect(s.reason).toContain('connection_status');
  });

  it('keeps a body that is not JSON as text, with json null', async () => {
    const s = await sampleCheck('p', httpCheck({ url: '/text' }), testEnv());
    expect(s.detail).toMatchObject({ body: 'ok', json: null });
  });

  it('sends method, rendered headers and a rendered JSON body', async () => {
    const check = httpCheck(
      {
        url: '/echo',
        method: 'POST',
        headers: { authorization: 'Bearer {{ env.PROBE_TOKEN }}' },
        json: { org: '{{ cohort.ids }}' },
      },
      { pass: 'result.json.got.org[0] == "org_1" && result.status == 201' },
    );
    const env = testEnv({ vars: { cohort: { ids: ['org_1'] }, env: { PROBE_TOKEN: 't0k' } } });
    const s = await sampleCheck('p', check, env);
    expect(s.outcome).toBe('pass');
    const last = seen.at(-1)!;
    expect(last.method).toBe('POST');
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.headers.authorization).toBe('Bearer t0k');
    expect(JSON.parse(last.body)).toEqual({ org: ['org_1'] });
  });

  it('is an error, not a failure, when the connection is refused', async () => {
    const port = await freePort();
    const s = await sampleCheck(
      'p',
      parseCheck({ http: { url: `http://127.0.0.1:${port}/x?token=secret` } }),
      testEnv(),
    );
    expect(s.outcome).toBe('error');
    expect(s.error).toBe(`GET http://127.0.0.1:${port}/x: connection refused`);
  });

  it('is an error when the request times out (its own timeout)', async () => {
    const s = await sampleCheck('p', httpCheck({ url: '/hang', timeout: '200ms' }), testEnv());
    expect(s.outcome).toBe('error');
    expect(s.error).toContain('timed out after 200ms');
  });

  it('is an error when the check times out', async () => {
    const s = await sampleCheck('p', httpCheck({ url: '/hang' }, { timeout: '200ms' }), testEnv());
    expect(s).toMatchObject({ outcome: 'error', error: 'timed out after 200ms' });
  });

  it('is an error when the engine aborts it', async () => {
    const ctl = new AbortController();
    const sampling = sampleCheck('p', httpCheck({ url: '/hang' }), testEnv({ signal: ctl.signal }));
    ctl.abort(new Error('reconcile cancelled'));
    const s = await sampling;
    expect(s).toMatchObject({ outcome: 'error', error: 'aborted: reconcile cancelled' });
  });
});
