// Item 4 of the hardening: bounded work. A CEL expression has a cost limit at validation (size, nested macros) and at
// run time (list elements read); a paged step stops with a clear error when the target hands back the cursor it was
// sent; an http step honours its own `timeout` (the body read included) and never follows a redirect to another
// origin with its custom headers; a duration a timer cannot hold is refused at validation.
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { httpDriver } from '../../src/drivers/http.js';
import { CelCompileError, CelCostError, compileCel, parseManifest } from '../../src/manifest/index.js';
import { HttpError, request } from '../../src/sys/http.js';
import { output, runCli } from '../helpers/cli.js';
import { TempDirs, TempRepo } from '../helpers/git-repo.js';
import { demo } from '../manifest/demo-manifest.js';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('CEL cost limit', () => {
  const items = Array.from({ length: 10_000 }, (_, id) => ({ id }));

  it('stops a quadratic expression over a large result at the budget, at run time', () => {
    const quadratic = compileCel('result.json.items.all(a, result.json.items.all(b, a.id != b.id || a.id == b.id))');
    expect(() => quadratic({ result: { json: { items } } })).toThrow(CelCostError);
    // The same shape over a small result, and a linear one over the large result, stay within it.
    expect(quadratic({ result: { json: { items: items.slice(0, 100) } } })).toBe(true);
    expect(compileCel('result.json.items.all(a, a.id >= 0)')({ result: { json: { items } } })).toBe(true);
  });

  it('refuses at validation an expression with macros nested four deep, naming the limit', () => {
    const deep = 'result.json.a.all(w, w.all(x, x.all(y, y.all(z, z == 1))))';
    expect(() => compileCel(deep)).toThrow(CelCompileError);
    const r = parseManifest('rollouts/demo.yaml', demo({ 11: `    pass: "${deep}"` }));
    expect(r.issues.map((i) => i.message)).toEqual([expect.stringContaining('CEL cost limit')]);
  });
});

describe('durations', () => {
  it('refuses a timeout past what a timer holds (30d) at validation, and takes 24d', () => {
    const r = parseManifest('rollouts/demo.yaml', demo({ 22: '    gate: { hold: 30d, checks: [probe, error-rate] }' }));
    expect(r.issues).toEqual([expect.objectContaining({ line: 22, message: expect.stringMatching(/at most 24d/) })]);
    expect(
      parseManifest('rollouts/demo.yaml', demo({ 22: '    gate: { hold: 24d, checks: [probe] }' })).issues,
    ).toEqual([]);
  });
});

describe('paged steps', () => {
  const dirs = new TempDirs();
  afterEach(() => dirs.cleanup());

  it('stop with a clear error when the target returns the cursor it was sent, instead of looping', async () => {
    const manifest = `apiVersion: rollouts/v1
kind: Rollout
name: pager
phase: none
phases:
  - name: one
    steps:
      - name: pages
        run: [node, -e, "process.stdout.write(JSON.stringify({ next: 'same-cursor', more: true }))"]
        paginate: { next: "result.json.next", while: "result.json.more" }
`;
    const repo = await TempRepo.create(dirs, { pager: manifest });
    await repo.setPhase('pager', 'one');
    const r = await runCli(repo.dir, ['apply', 'pager']);
    expect(r.code, output(r)).toBe(1);
    expect(r.stderr).toContain('the target returned the cursor it was sent ("same-cursor")');
    expect(await repo.state('pager')).toMatchObject({ status: 'failed' });
    expect((await repo.ledger('pager')).filter((e) => e.kind === 'batch')).toHaveLength(2);
  });
});

describe('http steps', () => {
  const call = (config: Record<string, unknown>, signal = AbortSignal.timeout(60_000)) =>
    httpDriver.call(
      {
        config: { method: 'GET', timeout: '30s', ...config },
        env: {},
        idempotencyKey: 'k',
        signal,
        cwd: process.cwd(),
      },
      { judgedByExpect: false },
    );

  it('honour http.timeout, the body read included: a body that never ends fails the call in time', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"slow": ');
    });
    await expect(call({ url, timeout: '300ms' })).rejects.toThrow(/timed out after 300ms/);
  });

  it('never follow a redirect to another origin with a custom header; follow one within the origin', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const other = await serve((req, res) => {
      seen.push(req.headers);
      res.end('{}');
    });
    const origin = await serve((req, res) => {
      if (req.url === '/away') res.writeHead(302, { location: `${other}/steal` }).end();
      else if (req.url === '/here') res.writeHead(307, { location: '/ok' }).end();
      else
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ key: req.headers['x-api-key'] }));
    });
    const headers = { 'x-api-key': 'secret-key-value' };
    await expect(call({ url: `${origin}/away`, headers })).rejects.toThrow(/another origin.*x-api-key/);
    expect(seen).toEqual([]);
    expect((await call({ url: `${origin}/here`, headers })).json).toEqual({ key: 'secret-key-value' });
    // Without custom headers a redirect to another origin is followed, as a browser would.
    await expect(request(`${origin}/away`)).resolves.toMatchObject({ status: 200 });
    await expect(request(`${origin}/away`, { headers })).rejects.toBeInstanceOf(HttpError);
  });

  it('refuse a response past the size cap instead of holding it', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(1024 * 1024, 120);
      let n = 0;
      const more = () => {
        while (n < 20 && res.write(chunk)) n++;
        if (n >= 20) res.end();
        else res.once('drain', more);
      };
      more();
    });
    await expect(call({ url })).rejects.toThrow(/response larger than 16777216 bytes/);
  });
});
