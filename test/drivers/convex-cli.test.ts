// The convex driver against the real `convex` 1.48 CLI (node_modules/.bin/convex, run as `npx convex run`) and natively,
// pointed at a local stand-in of a deployment's POST /api/function (CONVEX_SELF_HOSTED_URL + CONVEX_SELF_HOSTED_ADMIN_KEY).
// The stand-in checks arguments as a `cursor: v.optional(v.string())` validator does and answers in Convex's JSON
// encoding, so an int64 comes back as {"$integer": ...}.
import { createServer, type Server } from 'node:http';
import { symlink, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeConvexInt64 } from '../../src/drivers/convex-values.js';
import { isolateGitConfig, TempDirs, TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';

const dirs = new TempDirs();
const ADMIN_KEY = 'self-hosted|stand-in-admin-key';
const calls: { path: string; args: Record<string, unknown>; authorization?: string; format?: string }[] = [];
let server: Server;
let url: string;

/** Pages: no cursor -> c1 -> c2 (last). A null cursor fails as Convex's validator does (HTTP 560, status error). */
function answer(args: Record<string, unknown>): { status: number; body: unknown } {
  if ('cursor' in args && typeof args.cursor !== 'string')
    return {
      status: 560,
      body: {
        status: 'error',
        errorMessage: `ArgumentValidationError: Value does not match validator.\nPath: .cursor\nValue: null\nValidator: v.string()`,
        logLines: [],
      },
    };
  const page = args.cursor === undefined ? 1 : Number(String(args.cursor).slice(1)) + 1;
  const value = {
    count: encodeConvexInt64(25),
    failed: encodeConvexInt64(0),
    nextCursor: `c${page}`,
    hasNextPage: page < 3,
  };
  return { status: 200, body: { status: 'success', value, logLines: [] } };
}

beforeAll(async () => {
  await isolateGitConfig();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/function') return res.writeHead(404).end('no such route');
      const parsed = JSON.parse(body) as { path: string; args: Record<string, unknown>; format?: string };
      calls.push({ ...parsed, authorization: req.headers.authorization });
      if (req.headers.authorization !== `Convex ${ADMIN_KEY}`) return res.writeHead(401).end('bad admin key');
      const { status, body: out } = answer(parsed.args);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => dirs.cleanup());

/** A repository as a Convex project has it: package.json depending on convex, its node_modules installed. */
async function convexProject(manifest: string): Promise<TempRepo> {
  const repo = await TempRepo.create(dirs);
  await writeFile(repo.path('package.json'), JSON.stringify({ name: 'app', dependencies: { convex: '1.48.0' } }));
  await writeFile(repo.path('.gitignore'), 'node_modules\n');
  await symlink(resolve('node_modules'), repo.path('node_modules'));
  await repo.write('backfill', manifest);
  await repo.commit('backfill');
  return repo;
}

// The same rollout twice: through the real CLI (`via: cli`) and through the native call (the default, `via: http`).
describe.each(['cli', 'http'])('convex driver through the engine, via: %s', (via) => {
  it('sends no cursor key on the first paged call, the cursor after it, and decodes an int64 count', async () => {
    const repo = await convexProject(`apiVersion: rollouts/v1
kind: Rollout
name: backfill
phase: full
env: [CONVEX_SELF_HOSTED_URL, CONVEX_SELF_HOSTED_ADMIN_KEY]
vars: { batchSize: 25 }
phases:
  - name: full
    steps:
      - name: audit
        readOnly: true
        convex: { function: "migrations/backfill:audit", args: { numItems: "{{ vars.batchSize }}" }, via: ${via} }
      - name: backfill
        convex:
          function: "migrations/backfill:runBatch"
          via: ${via}
          args: { numItems: "{{ vars.batchSize }}", cursor: "{{ page.cursor }}", dryRun: false, note: null }
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
        expect: "result.json.count == 25 && result.json.failed == 0"
`);
    calls.length = 0;
    const engine = new InProcessEngine(repo.dir, {
      CONVEX_SELF_HOSTED_URL: url,
      CONVEX_SELF_HOSTED_ADMIN_KEY: ADMIN_KEY,
    });
    const r = await engine.applyOne('backfill');
    expect(r.result, r.lines.join('\n')).toMatchObject({ outcome: 'complete', status: 'complete' });

    expect(calls.map((c) => c.args)).toEqual([
      { numItems: 25 },
      { numItems: 25, dryRun: false, note: null },
      { numItems: 25, cursor: 'c1', dryRun: false, note: null },
      { numItems: 25, cursor: 'c2', dryRun: false, note: null },
    ]);
    expect(calls.map((c) => c.path)).toEqual(
      ['audit', 'runBatch', 'runBatch', 'runBatch'].map((f) => `migrations/backfill:${f}`),
    );
    expect(calls.every((c) => c.format === 'convex_encoded_json')).toBe(true);
    // The single step's result is kept whole in the ledger: decoded, so plain JSON numbers.
    const audit = (await repo.ledger('backfill')).find((e) => e.kind === 'step-result')!.result as { json: unknown };
    expect(audit.json).toEqual({ count: 25, failed: 0, nextCursor: 'c1', hasNextPage: true });
  }, 60_000);
});
