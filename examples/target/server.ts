// The example target's HTTP server (node:http, keep-alive), for in-process use by tests and benchmarks.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openTargetDb, OrgStore, type TargetDatabase } from './db.js';
import { FaultSwitch, parseFaultSpec, type FaultSpec, type FaultMode } from './faults.js';
import { TargetMetrics } from './metrics.js';
import { TargetApp, json, type Reply } from './routes.js';

export interface TargetOptions {
  /** SQLite file; created and seeded when empty, reused as it is otherwise. */
  dbPath: string;
  /** 0 (default) picks a free port. Always bound to 127.0.0.1. */
  port?: number;
  /** Organizations to seed into an empty database (default 200). */
  orgs?: number;
  /** Share of seeded orgs already provider-agnostic (default 0.05: every 20th). */
  migratedShare?: number;
  /** Initial fault; a mode name, a spec, or (when absent) `TARGET_FAULT` from the environment. */
  fault?: FaultMode | FaultSpec;
  /** Log lines (startup, fault changes, handler crashes); default: stderr. */
  log?: (line: string) => void;
}

export interface RunningTarget {
  url: string;
  port: number;
  db: TargetDatabase;
  faults: FaultSwitch;
  metrics: TargetMetrics;
  close(): Promise<void>;
}

export const DEFAULT_ORGS = 200;
export const DEFAULT_MIGRATED_SHARE = 0.05;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(reply.status, { 'content-length': Buffer.byteLength(reply.body), ...reply.headers });
  res.end(reply.body);
}

function initialFault(fault: TargetOptions['fault']): FaultSpec | undefined {
  if (fault !== undefined) return typeof fault === 'string' ? parseFaultSpec(fault) : parseFaultSpec({ ...fault });
  const env = process.env.TARGET_FAULT;
  return env ? parseFaultSpec(env) : undefined;
}

export async function startTarget(opts: TargetOptions): Promise<RunningTarget> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const faults = new FaultSwitch(initialFault(opts.fault));
  const db = openTargetDb(opts.dbPath, {
    orgs: opts.orgs ?? DEFAULT_ORGS,
    migratedShare: opts.migratedShare ?? DEFAULT_MIGRATED_SHARE,
  });
  const store = new OrgStore(db);
  const metrics = new TargetMetrics();

  const pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          pending.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      pending.add(entry);
    });

  const app = new TargetApp({ store, faults, metrics, sleep, log });

  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let route = 'unmatched';
    let reply: Reply;
    try {
      const body = req.method === 'POST' || req.method === 'PUT' ? await readBody(req) : '';
      const routed = await app.handle({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body });
      route = routed.route;
      reply = routed.reply;
    } catch (err) {
      reply = json(400, { error: (err as Error).message });
    }
    send(res, reply);
    metrics.recordRequest(route, reply.status, Number(process.hrtime.bigint() - started) / 1e9);
  });
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  log(`target: listening on ${url} (db ${opts.dbPath}, fault ${faults.state.mode})`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      for (const p of pending) {
        clearTimeout(p.timer);
        p.resolve();
      }
      pending.clear();
      server.close(() => {
        db.close();
        resolve();
      });
      server.closeAllConnections();
    }));

  return { url, port, db, faults, metrics, close };
}
