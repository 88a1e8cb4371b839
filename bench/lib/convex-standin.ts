// A stand-in Convex deployment for the benches, as its own process: POST /api/function answering the seed-000 paged
// backfill (`{numItems, cursor?, dryRun}` -> `{processed, updated, failed, nextCursor, hasNextPage, results}`) over
// --orgs organizations held in memory, in Convex's reply format. Prints `url <URL>` once listening; exits when its
// stdin closes. Run: node --import tsx bench/lib/convex-standin.ts --orgs 4000
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

export const BENCH_ADMIN_KEY = 'bench|standin-admin-key';

const { values } = parseArgs({ options: { orgs: { type: 'string', default: '4000' } }, strict: true });
const orgs = Number(values.orgs);

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const send = (status: number, json: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    if (req.headers.authorization !== `Convex ${BENCH_ADMIN_KEY}`) return send(401, { code: 'BadAdminKey' });
    const { args } = JSON.parse(body) as {
      path: string;
      args: { numItems?: number; cursor?: string; dryRun?: boolean };
    };
    if ('cursor' in args && typeof args.cursor !== 'string')
      return send(560, { status: 'error', errorMessage: 'ArgumentValidationError: cursor', logLines: [] });
    const start = args.cursor ? Number(args.cursor) : 0;
    const end = Math.min(orgs, start + (args.numItems ?? 25));
    const results = [];
    for (let i = start; i < end; i++) results.push({ organizationId: `org_${i}`, status: 'updated' });
    send(200, {
      status: 'success',
      value: {
        source: 'paged',
        dryRun: args.dryRun !== false,
        processed: end - start,
        updated: end - start,
        unchanged: 0,
        failed: 0,
        nextCursor: end < orgs ? String(end) : null,
        hasNextPage: end < orgs,
        results,
      },
      logLines: [],
    });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`url http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
});
process.stdin.on('end', () => process.exit(0)).resume();
