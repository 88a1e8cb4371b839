// A local stand-in of a Convex deployment's `POST /api/function` (convex 1.48's wire format), serving the functions
// behind seed 000: a paged backfill over 5 orgs, its rollback, an audit, and functions that fail the ways Convex does.
import { createServer, type Server } from 'node:http';

export const ADMIN_KEY = 'standin-admin-key-0123456789';
const ORGS = ['org_1', 'org_2', 'org_3', 'org_4', 'org_5'];

export interface Seen {
  path: string;
  args: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

type Reply = [number, Record<string, unknown>];

function validationError(path: string, value: unknown): Reply {
  return [
    560,
    {
      status: 'error',
      errorMessage: `ArgumentValidationError: Value does not match validator.\nPath: .${path}\nValue: ${JSON.stringify(value)}\nValidator: v.optional(v.string())`,
      logLines: [],
    },
  ];
}

function page(args: Record<string, unknown>, rollback: boolean): Reply {
  if ('cursor' in args && typeof args.cursor !== 'string') return validationError('cursor', args.cursor);
  const numItems = typeof args.numItems === 'number' ? args.numItems : 25;
  if (numItems < 1 || numItems > 100)
    return [560, { status: 'error', errorMessage: 'Uncaught Error: numItems must be between 1 and 100', logLines: [] }];
  const ids = Array.isArray(args.organizationIds) ? (args.organizationIds as string[]) : null;
  const start = typeof args.cursor === 'string' ? Number(args.cursor) : 0;
  const slice = ids ?? ORGS.slice(start, start + numItems);
  const end = ids ? ORGS.length : start + slice.length;
  const dryRun = args.dryRun !== false;
  const value = {
    source: ids ? 'organizationIds' : 'paged',
    dryRun,
    processed: slice.length,
    [rollback ? 'rolledBack' : 'updated']: dryRun ? 0 : slice.length,
    unchanged: 0,
    failed: 0,
    nextCursor: end < ORGS.length ? String(end) : null,
    hasNextPage: end < ORGS.length,
    results: slice.map((organizationId) => ({ organizationId, status: dryRun ? 'would-update' : 'updated' })),
  };
  return [200, { status: 'success', value, logLines: [`[LOG] 'batch of ${slice.length} with key ${ADMIN_KEY}'`] }];
}

function reply(path: string, args: Record<string, unknown>): Reply {
  switch (path) {
    case 'migrations/byokProviderAgnosticRollout:runProviderAgnosticSettingsBackfillBatch':
      return page(args, false);
    case 'migrations/byokProviderAgnosticRollout:rollbackProviderAgnosticSettingsBatch':
      return page(args, true);
    case 'migrations/byokProviderAgnosticRollout:auditProviderAgnosticSettingsBackfill':
      return [200, { status: 'success', value: { total: 5, mixed: 0, legacy: 5 }, logLines: [] }];
    case 'integrations/aiConnections:testAIConnection':
      return [200, { status: 'success', value: null, logLines: ["[INFO] 'probe ok'"] }];
    case 'integrations/aiConnections:rejects':
      return [
        560,
        {
          status: 'error',
          errorMessage: "Uncaught ConvexError: {'code':'KEY_REVOKED'}",
          errorData: { code: 'KEY_REVOKED' },
          logLines: ["[ERROR] 'revoked'"],
        },
      ];
    case 'integrations/aiConnections:throws':
      return [560, { status: 'error', errorMessage: 'Uncaught Error: provider timed out', logLines: [] }];
    default:
      return [
        560,
        { status: 'error', errorMessage: `Could not find public function for '${path}'. Did you forget to run...` },
      ];
  }
}

/** Starts the stand-in on 127.0.0.1, port 0. */
export async function startStandin(): Promise<{
  url: string;
  seen: Seen[];
  sockets: () => number;
  close: () => Promise<void>;
}> {
  const seen: Seen[] = [];
  let sockets = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const send = ([status, json]: Reply) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (req.method !== 'POST' || req.url !== '/api/function') return send([404, { code: 'NotFound' }]);
      if (req.headers.authorization !== `Convex ${ADMIN_KEY}`)
        return res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ code: 'BadAdminKey', message: 'The provided admin key was invalid for this instance' }),
          );
      const parsed = JSON.parse(body) as { path: string; format: string; args: Record<string, unknown> };
      seen.push({ path: parsed.path, args: parsed.args, headers: req.headers });
      if (parsed.format !== 'convex_encoded_json') return send([400, { code: 'BadFormat' }]);
      send(reply(parsed.path, parsed.args));
    });
  });
  server.on('connection', () => sockets++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    seen,
    sockets: () => sockets,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
