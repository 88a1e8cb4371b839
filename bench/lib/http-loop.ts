// The baseline of the paging benches: the loop a person writes by hand, on node:http with a keep-alive agent (the
// plain client in Node, no fetch), POSTing the cursor until hasNextPage is false, with the engine's requests.
// Checkpoints are counted honestly: like the engine (every 2 s by default), it saves its cursor durably (write and
// fsync a file) every --checkpoint-ms, so a crash loses as little as the engine's, and pays for it inside the loop.
// Run as a child: node --import tsx bench/lib/http-loop.ts --mode target|convex --url URL [--num-items 1]
//   [--checkpoint-ms 2000] [--admin-key KEY] [--max-batches N] [--client node|undici]
// --client undici sends the same requests through undici's dispatcher on a kept-alive connection, as src/sys/http.ts
// does: the engine's HTTP stack without the engine, to tell the stack's share of its cost from the engine's own.
import { hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Agent as UndiciAgent, type Dispatcher } from 'undici';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { cpuMs, peakRssKb, report } from './child.js';
// A type only: importing rollout-repo.ts itself would load the engine into the baseline (see batch below).
import type { BatchHalves } from './rollout-repo.js';

export interface LoopFigures {
  loopMs: number;
  /** As the engine's, with --half-at the batch that ends the first half. */
  halves: BatchHalves;
  batches: number;
  items: number;
  checkpoints: number;
  maxRssKb: number;
  cpuMs: number;
}

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'target' },
    url: { type: 'string' },
    'num-items': { type: 'string', default: '1' },
    'checkpoint-ms': { type: 'string', default: '2000' },
    'admin-key': { type: 'string', default: '' },
    'max-batches': { type: 'string', default: String(Number.MAX_SAFE_INTEGER) },
    'half-at': { type: 'string', default: '0' },
    client: { type: 'string', default: 'node' },
  },
  strict: true,
});
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const base = new URL(values.url!);
const numItems = Number(values['num-items']);
const checkpointMs = Number(values['checkpoint-ms']);
const maxBatches = Number(values['max-batches']);
const halfAt = Number(values['half-at']);
const cursorFile = join(tmpdir(), `bench-loop-cursor-${process.pid}.json`);

const undici = values.client === 'undici' ? new UndiciAgent({ headersTimeout: 0, bodyTimeout: 0 }) : null;
if (!undici && values.client !== 'node') throw new Error(`--client ${values.client}: node or undici`);

function postUndici(
  dispatcher: UndiciAgent,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] = [];
    const handler: Dispatcher.DispatchHandlers = {
      onConnect() {},
      onHeaders(code) {
        status = code;
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        resolve({ status, text: Buffer.concat(chunks).toString('utf8') });
      },
      onError: reject,
    };
    dispatcher.dispatch({ origin: base.origin, path, method: 'POST', headers, body }, handler);
  });
}

function post(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  if (undici) return postUndici(undici, path, headers, body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Page {
  processed: number;
  failed: number;
  nextCursor: string | null;
  hasNextPage: boolean;
}

/** One batch: the target's own endpoint, or Convex's /api/function as the native driver sends it. */
async function batch(cursor: string | null, n: number): Promise<Page> {
  if (values.mode === 'convex') {
    const args: Record<string, unknown> = { numItems, dryRun: false };
    if (cursor !== null) args.cursor = cursor;
    const body = JSON.stringify({ path: 'migrations/byok:backfillBatch', format: 'convex_encoded_json', args });
    const res = await post(
      '/api/function',
      {
        'content-type': 'application/json',
        'convex-client': 'npm-1.48.0',
        authorization: `Convex ${values['admin-key']}`,
      },
      body,
    );
    const reply = JSON.parse(res.text) as { status: string; value: Page; errorMessage?: string };
    if (reply.status !== 'success') throw new Error(`batch ${n}: ${reply.errorMessage}`);
    return reply.value;
  }
  // The engine's request, header for header: its batch key (a hash of the cursor, so that a replay after a crash
  // sends the same key) and its lease headers. The target pays more for hashed keys than for sequential ones (its
  // SQLite index); a baseline with cheaper requests would charge the engine for the target's work. The key is written
  // out here, in batchKey's format (src/engine/context.ts), rather than imported: importing it loads the engine's
  // modules (zod, the state store) into the baseline, whose heap then grows from 86 to 109 MiB and its loop slows.
  const key = `bench-paging-${hash('sha256', JSON.stringify(['bench-paging', 'full', 'apply', 'backfill', 1, false, cursor]), 'hex').slice(0, 32)}`;
  const res = await post(
    '/migrations/backfill',
    {
      accept: 'application/json',
      'idempotency-key': key,
      'rollouts-rollout': 'bench-paging',
      'rollouts-lease-epoch': '1',
      'content-type': 'application/json',
    },
    JSON.stringify({ numItems, cursor, dryRun: false }),
  );
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
  return JSON.parse(res.text) as Page;
}

function checkpoint(cursor: string | null, batches: number): void {
  const fd = openSync(cursorFile, 'w');
  writeSync(fd, JSON.stringify({ cursor, batches }));
  fsyncSync(fd);
  closeSync(fd);
}

const t0 = performance.now();
let last = t0;
let cursor: string | null = null;
let batches = 0;
let items = 0;
let checkpoints = 0;
let halfTime = t0;
for (;;) {
  const page = await batch(cursor, batches);
  if (page.failed !== 0) throw new Error(`batch ${batches + 1}: ${page.failed} failed`);
  batches++;
  if (batches === halfAt) halfTime = performance.now();
  items += page.processed;
  cursor = page.nextCursor;
  const now = performance.now();
  if (now - last >= checkpointMs) {
    checkpoint(cursor, batches);
    checkpoints++;
    last = now;
  }
  if (!page.hasNextPage || batches >= maxBatches) break;
}
const lastAt = performance.now();
checkpoint(cursor, batches);
checkpoints++;
const loopMs = performance.now() - t0;
report({
  loopMs,
  halves: { firstMs: halfTime - t0, secondMs: lastAt - halfTime, saveMs: t0 + loopMs - lastAt },
  batches,
  items,
  checkpoints,
  maxRssKb: peakRssKb(),
  cpuMs: cpuMs(),
} satisfies LoopFigures);
agent.destroy();
