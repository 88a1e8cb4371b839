// ROLLOUTS_IDEMPOTENCY_KEY / Idempotency-Key / {{ batch.key }}: the same for a re-sent batch (same cursor), different
// for another cursor; across a retry inside one run and across a failed run and the run that resumes it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolateGitConfig, TempDirs, TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';

const dirs = new TempDirs();
const servers: Server[] = [];

beforeAll(isolateGitConfig);
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await dirs.cleanup();
});

interface Seen {
  cursor: string | null;
  header: string | undefined;
  bodyKey: string;
  status: number;
}

/** Pages c1..c5 by cursor; answers 500 to the first `failFirst` requests for cursor `failAt`. */
async function pagingServer(failAt: string, failFirst: number): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { cursor, key } = JSON.parse(body) as { cursor: string | null; key: string };
      const header = req.headers['idempotency-key'] as string | undefined;
      const fail = cursor === failAt && failures < failFirst;
      if (fail) failures++;
      const status = fail ? 500 : 200;
      seen.push({ cursor, header, bodyKey: key, status });
      const n = cursor === null ? 0 : Number(cursor.slice(1));
      const next = `c${n + 1}`;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(fail ? { error: 'injected' } : { processed: 1, nextCursor: next, hasNextPage: n + 1 < 5 }),
      );
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function manifest(retry: string): string {
  return `apiVersion: rollouts/v1
kind: Rollout
name: keys
phase: full
env: [PAGES_URL]
phases:
  - name: full
    steps:
      - name: pages
        http: { method: POST, url: "{{ env.PAGES_URL }}/page", json: { cursor: "{{ page.cursor }}", key: "{{ batch.key }}" } }
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
${retry}`;
}

function keysByCursor(seen: Seen[]): Map<string | null, Set<string>> {
  const out = new Map<string | null, Set<string>>();
  for (const s of seen) {
    expect(s.header).toBe(s.bodyKey);
    out.set(s.cursor, (out.get(s.cursor) ?? new Set()).add(s.header!));
  }
  return out;
}

describe('idempotency key of a batch', () => {
  it('is the same for a batch retried in the same run and differs between cursors', async () => {
    const server = await pagingServer('c2', 2);
    const repo = await TempRepo.create(dirs, { keys: manifest('        retry: { attempts: 3, backoff: [10ms] }\n') });
    const r = await new InProcessEngine(repo.dir, { PAGES_URL: server.url }).applyOne('keys');
    expect(r.result).toMatchObject({ applied: 'full', status: 'complete' });

    expect(server.seen.map((s) => `${s.cursor}:${s.status}`)).toEqual([
      'null:200',
      'c1:200',
      'c2:500',
      'c2:500',
      'c2:200',
      'c3:200',
      'c4:200',
    ]);
    const keys = keysByCursor(server.seen);
    expect([...keys.values()].map((k) => k.size)).toEqual([1, 1, 1, 1, 1]);
    const distinct = new Set([...keys.values()].flatMap((k) => [...k]));
    expect(distinct.size).toBe(5);
    for (const k of distinct) expect(k).toMatch(/^keys-[0-9a-f]{32}$/);
  });

  it('is the same when a failed run is resumed by the next one', async () => {
    const server = await pagingServer('c3', 1);
    const repo = await TempRepo.create(dirs, { keys: manifest('') });
    const engine = new InProcessEngine(repo.dir, { PAGES_URL: server.url });
    const failed = await engine.applyOne('keys');
    expect(failed.result).toMatchObject({ outcome: 'failed', status: 'failed' });
    const resumed = await engine.applyOne('keys');
    expect(resumed.result).toMatchObject({ applied: 'full', status: 'complete' });

    expect(server.seen.map((s) => `${s.cursor}:${s.status}`)).toEqual([
      'null:200',
      'c1:200',
      'c2:200',
      'c3:500',
      'c3:200',
      'c4:200',
    ]);
    const keys = keysByCursor(server.seen);
    expect(keys.get('c3')!.size).toBe(1);
    expect(new Set([...keys.values()].flatMap((k) => [...k])).size).toBe(5);
  });
});
