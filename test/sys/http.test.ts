// The one HTTP client against a real server: whole bodies within the deadline, a size cap, errors in words.
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, request, safeUrl } from '../../src/sys/http.js';

let server: Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/echo') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () =>
        res
          .writeHead(201, { 'x-seen': req.headers['x-token'] ?? '' })
          .end(JSON.stringify({ method: req.method, body })),
      );
    } else if (url.pathname === '/stall-body') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial'); // the headers and a first chunk arrive; the rest never does
    } else if (url.pathname === '/auth') {
      res.writeHead(200).end(req.headers.authorization ?? '');
    } else if (url.pathname === '/redirect') {
      res.writeHead(303, { location: '/echo' }).end();
    } else if (url.pathname === '/close-after') {
      // Answers, then closes the idle connection the way a server's keep-alive timeout does.
      res.writeHead(200).end('ok', () => setTimeout(() => req.socket.destroy(), 10));
    } else if (url.pathname === '/big') {
      res.writeHead(200).end('x'.repeat(2048));
    } else res.writeHead(404).end('no');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

async function refusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('request', () => {
  it('keeps connections alive across requests: 20 in a row open at most one more', async () => {
    await request(`${base}/echo`, { method: 'POST', body: 'a' });
    const before = connections;
    for (let i = 0; i < 20; i++) await request(`${base}/echo`, { method: 'POST', body: String(i) });
    // undici reuses a socket one event-loop turn after its response ended (servers that said keep-alive may still
    // close it), so a request sent at once goes out on a second kept-alive connection; the two then take turns.
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('follows a redirect as fetch does: a 303 after a POST is a GET without the body', async () => {
    const res = await request(`${base}/redirect`, { method: 'POST', body: 'dropped' });
    expect(res).toMatchObject({ status: 201, body: '{"method":"GET","body":""}' });
  });

  it('sends on a fresh connection after the server closed the kept-alive one', async () => {
    await request(`${base}/close-after`);
    await new Promise((r) => setTimeout(r, 50));
    expect((await request(`${base}/echo`, { method: 'POST', body: 'again' })).body).toContain('again');
  });

  it('sends method, headers and body, and resolves with any status, the headers and the whole body', async () => {
    const res = await request(`${base}/echo`, { method: 'POST', headers: { 'x-token': 't' }, body: 'hi' });
    expect(res).toMatchObject({ status: 201, body: '{"method":"POST","body":"hi"}' });
    expect(res.headers['x-seen']).toBe('t');
    expect((await request(`${base}/nope`)).status).toBe(404);
  });

  it('says "connection refused", naming the URL without its query or credentials', async () => {
    const port = await refusedPort();
    const err = (await request(`http://user:pw@127.0.0.1:${port}/x?token=secret`).catch(
      (e: unknown) => e,
    )) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ reason: 'refused', detail: 'connection refused' });
    expect(err.message).toBe(`GET http://127.0.0.1:${port}/x: connection refused`);
  });

  it('sends the credentials of a URL as basic auth, unless an authorization header is given', async () => {
    const seen = (await request(`http://alice:s%40cret@${base.slice(7)}/auth`)).body;
    expect(seen).toBe(`Basic ${Buffer.from('alice:s@cret').toString('base64')}`);
    const own = await request(`http://alice:x@${base.slice(7)}/auth`, { headers: { Authorization: 'Bearer t' } });
    expect(own.body).toBe('Bearer t');
  });

  it('times out while the body is still arriving: the body is read inside the deadline', async () => {
    const started = Date.now();
    const err = await request(`${base}/stall-body`, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'timeout', message: `GET ${base}/stall-body: timed out after 300ms` });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("tells the caller's abort apart from a timeout", async () => {
    await expect(request(`${base}/stall-body`, { signal: AbortSignal.abort(new Error('stop')) })).rejects.toMatchObject(
      {
        reason: 'aborted',
      },
    );
    await expect(request(`${base}/stall-body`, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
      reason: 'timeout',
      detail: 'timed out',
    });
  });

  it('listens once on a signal that many requests share, and an abort still stops the one in flight', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await request(`${base}/echo`, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const stalled = request(`${base}/stall-body`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(stalled).rejects.toMatchObject({ reason: 'aborted' });
    // A request that ended is not cancelled again, and a new signal gets its own listener.
    const other = new AbortController();
    await request(`${base}/echo`, { signal: other.signal });
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(1);
  });

  it('refuses a body larger than the cap', async () => {
    await expect(request(`${base}/big`, { maxBytes: 1024 })).rejects.toMatchObject({
      reason: 'too-large',
      message: `GET ${base}/big: response larger than 1024 bytes`,
    });
    expect((await request(`${base}/big`, { maxBytes: 4096 })).body).toHaveLength(2048);
  });

  it('rejects a string that is not a URL, and a host that does not resolve, in words', async () => {
    await expect(request('not a url')).rejects.toMatchObject({
      reason: 'bad-url',
      message: 'GET (invalid URL): not a URL: "not a url"',
    });
    await expect(request('http://no-such-host.invalid/')).rejects.toMatchObject({ reason: 'not-found' });
  });
});

describe('safeUrl', () => {
  it('keeps scheme, host and path only', () => {
    expect(safeUrl('https://u:p@example.com:8443/a/b?q=1#f')).toBe('https://example.com:8443/a/b');
    expect(safeUrl('::')).toBe('(invalid URL)');
  });
});
