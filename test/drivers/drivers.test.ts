// The step drivers against real processes and a real HTTP server.
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convexArgv, drivers, StepCallError } from '../../src/drivers/index.js';

const call = (
  config: unknown,
  extra: Partial<{ env: Record<string, string>; cwd: string; signal: AbortSignal }> = {},
) => ({
  config,
  env: extra.env ?? {},
  idempotencyKey: 'key-123',
  signal: extra.signal ?? AbortSignal.timeout(10_000),
  cwd: extra.cwd ?? tmpdir(),
});

describe('run driver', () => {
  it('runs argv without a shell: metacharacters stay literal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-'));
    const r = await drivers.run.call(
      call(['node', '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '$(touch pwned)', '; rm -rf /'], {
        cwd: dir,
      }),
      { judgedByExpect: false },
    );
    expect(r.json).toEqual(['$(touch pwned)', '; rm -rf /']);
    await expect(readFile(join(dir, 'pwned'))).rejects.toThrow();
  });

  it('passes only the listed env and the idempotency key to the child', async () => {
    process.env.ROLLOUTS_TEST_UNLISTED = 'leak';
    const r = await drivers.run.call(
      call(
        [
          'node',
          '-e',
          'console.log(JSON.stringify({a: process.env.LISTED, b: process.env.ROLLOUTS_TEST_UNLISTED ?? null, k: process.env.ROLLOUTS_IDEMPOTENCY_KEY}))',
        ],
        { env: { LISTED: 'yes' } },
      ),
      { judgedByExpect: false },
    );
    expect(r.json).toEqual({ a: 'yes', b: null, k: 'key-123' });
    delete process.env.ROLLOUTS_TEST_UNLISTED;
  });

  it('keeps stdout as text when it is not JSON, with the exit code', async () => {
    const r = await drivers.run.call(call(['node', '-e', 'process.stdout.write("hello")']), { judgedByExpect: false });
    expect(r).toMatchObject({ stdout: 'hello', json: undefined, exitCode: 0 });
  });

  it('fails a non-zero exit with the tail of stderr, retryable', async () => {
    const err = await drivers.run
      .call(call(['node', '-e', 'console.error("boom"); process.exit(3)']), { judgedByExpect: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepCallError);
    expect((err as StepCallError).message).toMatch(/exit code 3: boom/);
    expect((err as StepCallError).retryable).toBe(true);
  });

  it('fails a missing command as not retryable', async () => {
    const err = (await drivers.run
      .call(call(['no-such-command-xyz']), { judgedByExpect: false })
      .catch((e: unknown) => e)) as StepCallError;
    expect(err.message).toMatch(/command not found/);
    expect(err.retryable).toBe(false);
  });

  it('stops a process at the timeout', async () => {
    const err = (await drivers.run
      .call(call(['node', '-e', 'setTimeout(() => {}, 10000)'], { signal: AbortSignal.timeout(200) }), {
        judgedByExpect: false,
      })
      .catch((e: unknown) => e)) as StepCallError;
    expect(err.message).toMatch(/timed out/);
  });
});

describe('convex driver', () => {
  it('builds `npx convex run <function> <args JSON>`', () => {
    expect(convexArgv({ function: 'migrations/byok:audit', args: { organizationIds: ['a'], dryRun: true } })).toEqual([
      'npx',
      'convex',
      'run',
      'migrations/byok:audit',
      '{"organizationIds":["a"],"dryRun":true}',
    ]);
  });

  it('via: cli runs npx from PATH with CI=1 as convex 1.48 behaves: JSON result, nothing printed for null', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'fake-npx-'));
    // A stand-in for `npx convex run`: prints the args back indented like the real CLI, nothing when asked for null.
    await writeFile(
      join(bin, 'npx'),
      `#!/usr/bin/env node\nconst [, , tool, verb, fn, args] = process.argv;\nif (tool !== 'convex' || verb !== 'run') process.exit(2);\nconsole.error('log line from the function');\nif (fn === 'nothing') process.exit(0);\nprocess.stdout.write(JSON.stringify({ fn, args: JSON.parse(args), ci: process.env.CI }, null, 2) + '\\n');\n`,
    );
    await chmod(join(bin, 'npx'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const r = await drivers.convex.call(call({ function: 'm:f', args: { numItems: 2 }, via: 'cli' }, { env }), {
      judgedByExpect: false,
    });
    expect(r.json).toEqual({ fn: 'm:f', args: { numItems: 2 }, ci: '1' });
    const none = await drivers.convex.call(call({ function: 'nothing', args: {}, via: 'cli' }, { env }), {
      judgedByExpect: false,
    });
    expect(none.json).toBeNull();
  });
});

describe('http driver', () => {
  let server: Server;
  let url: string;
  const seen: { key?: string; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ key: req.headers['idempotency-key'] as string | undefined, body });
        const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends JSON with the idempotency key and parses the JSON answer', async () => {
    const r = await drivers.http.call(call({ method: 'POST', url, json: { a: 1 } }), { judgedByExpect: false });
    expect(r).toMatchObject({ status: 200, json: { ok: true } });
    expect(seen.at(-1)).toEqual({ key: 'key-123', body: '{"a":1}' });
  });

  it('fails a 4xx as not retryable, a 5xx as retryable', async () => {
    const e4 = (await drivers.http
      .call(call({ method: 'GET', url: `${url}/?status=404` }), { judgedByExpect: false })
      .catch((e: unknown) => e)) as StepCallError;
    const e5 = (await drivers.http
      .call(call({ method: 'GET', url: `${url}/?status=503` }), { judgedByExpect: false })
      .catch((e: unknown) => e)) as StepCallError;
    expect([e4.retryable, e5.retryable]).toEqual([false, true]);
    expect(e4.message).toMatch(/HTTP 404/);
  });

  it('hands a 4xx to `expect` when the step has one', async () => {
    const r = await drivers.http.call(call({ method: 'GET', url: `${url}/?status=409` }), { judgedByExpect: true });
    expect(r.status).toBe(409);
  });

  it('reports a refused connection as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = (await drivers.http
      .call(call({ method: 'GET', url: `http://127.0.0.1:${port}/` }), { judgedByExpect: false })
      .catch((e: unknown) => e)) as StepCallError;
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/connection refused/);
  });
});
