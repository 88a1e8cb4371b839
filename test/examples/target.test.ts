import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTarget, type RunningTarget, type TargetOptions } from '../../examples/target/server.js';
import { spawnTarget } from '../../examples/target/spawn.js';
import type { BatchResponse } from '../../examples/target/migrations.js';

let dir: string;
const running: RunningTarget[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'target-test-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(opts: Partial<TargetOptions> = {}): Promise<RunningTarget> {
  const t = await startTarget({ dbPath: join(dir, 'target.db'), orgs: 200, log: () => {}, ...opts });
  running.push(t);
  return t;
}

type Reply = { status: number; json: any; text: string; headers: Headers };

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

async function post(
  t: { url: string },
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return reply(
    await fetch(t.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  );
}

async function get(t: { url: string }, path: string): Promise<Reply> {
  return reply(await fetch(t.url + path));
}

async function pageThrough(
  t: RunningTarget,
  path: string,
  extra: Record<string, unknown> = {},
): Promise<BatchResponse[]> {
  const pages: BatchResponse[] = [];
  let cursor: string | null = null;
  for (;;) {
    const { status, json } = await post(t, path, { numItems: 25, cursor, ...extra });
    expect(status).toBe(200);
    pages.push(json as BatchResponse);
    if (!json.hasNextPage) return pages;
    cursor = json.nextCursor;
  }
}

describe('migration endpoints', () => {
  it('pages a backfill over 200 orgs 25 at a time, visiting every org exactly once and ending with hasNextPage false', async () => {
    const t = await start();
    const pages = await pageThrough(t, '/migrations/backfill', { dryRun: false });
    expect(pages).toHaveLength(8);
    const visited = pages.flatMap((p) => p.results.map((r) => r.organizationId));
    expect(visited).toHaveLength(200);
    expect(new Set(visited).size).toBe(200);
    expect(visited).toEqual([...visited].sort());
    expect(pages.at(-1)!.hasNextPage).toBe(false);
    expect(pages.every((p) => p.source === 'paginated' && p.processed === 25 && p.failed === 0)).toBe(true);
    // every 20th org (5 %) was seeded provider-agnostic and is left alone
    expect(pages.reduce((n, p) => n + p.updated!, 0)).toBe(190);
    expect(pages.reduce((n, p) => n + p.unchanged, 0)).toBe(10);
    expect(pages[0]!.results.find((r) => r.organizationId === 'org_0020')!.outcome).toBe('unchanged');
    expect((await get(t, '/integrity')).json).toMatchObject({ mixed: 0, legacy: 0, providerAgnostic: 200 });
  });

  it('returns the exact result shape of the real functions, keys in order', async () => {
    const t = await start();
    const backfill = await post(t, '/migrations/backfill', { numItems: 2 });
    expect(Object.keys(backfill.json)).toEqual([
      'source',
      'dryRun',
      'processed',
      'updated',
      'unchanged',
      'failed',
      'nextCursor',
      'hasNextPage',
      'results',
    ]);
    const rollback = await post(t, '/migrations/rollback', { organizationIds: ['org_0001'] });
    expect(Object.keys(rollback.json)).toEqual([
      'source',
      'dryRun',
      'processed',
      'rolledBack',
      'unchanged',
      'failed',
      'nextCursor',
      'hasNextPage',
      'results',
    ]);
    expect(rollback.json.results).toEqual([{ organizationId: 'org_0001', outcome: 'rolledBack' }]);
  });

  it('gives an opaque cursor that does not expose the org id', async () => {
    const t = await start();
    const { json } = await post(t, '/migrations/audit', { numItems: 25 });
    expect(typeof json.nextCursor).toBe('string');
    expect(json.nextCursor).not.toMatch(/org_|\d{4}/);
    const bad = await post(t, '/migrations/audit', { cursor: 'org_0025' });
    expect(bad.status).toBe(400);
  });

  it('processes exactly the given organizationIds without paging', async () => {
    const t = await start();
    const { json } = await post(t, '/migrations/backfill', {
      organizationIds: ['org_0003', 'org_0001', 'org_0003'],
      numItems: 1,
    });
    expect(json).toMatchObject({ source: 'explicit', processed: 2, updated: 2, nextCursor: null, hasNextPage: false });
    expect(json.results.map((r: { organizationId: string }) => r.organizationId)).toEqual(['org_0003', 'org_0001']);
  });

  it('audits read-only, reporting would-update orgs as updated', async () => {
    const t = await start();
    const { json } = await post(t, '/migrations/audit', { organizationIds: ['org_0001', 'org_0020'] });
    expect(json).toMatchObject({ dryRun: true, processed: 2, updated: 1, unchanged: 1, failed: 0 });
    expect((await get(t, '/orgs/org_0001')).json.contract).toBe('openrouter_v1');
  });

  it('dry-run backfill reports the counts of a real run but writes nothing', async () => {
    const t = await start();
    const before = (await get(t, '/integrity')).json;
    const dry = await pageThrough(t, '/migrations/backfill', { dryRun: true });
    expect(dry.every((p) => p.dryRun)).toBe(true);
    expect(dry.reduce((n, p) => n + p.updated!, 0)).toBe(190);
    expect((await get(t, '/integrity')).json).toEqual(before);
    expect((await get(t, '/orgs/org_0001')).json.receipts).toEqual([]);
    const real = await pageThrough(t, '/migrations/backfill', { dryRun: false });
    expect(real.map((p) => [p.updated, p.unchanged])).toEqual(dry.map((p) => [p.updated, p.unchanged]));
  });

  it('rollback restores the legacy contract, clears the provider fields, keeps the legacy key and writes a failed receipt', async () => {
    const t = await start();
    await post(t, '/migrations/backfill', { organizationIds: ['org_0001', 'org_0002'] });
    const rb = await post(
      t,
      '/migrations/rollback',
      { organizationIds: ['org_0001', 'org_0002', 'org_0003'] },
      { 'Idempotency-Key': 'rb-1' },
    );
    expect(rb.json).toMatchObject({ rolledBack: 2, unchanged: 1, failed: 0 });
    const org = (await get(t, '/orgs/org_0001')).json;
    expect(org).toMatchObject({
      contract: 'openrouter_v1',
      openrouter_key_ref: 'kref_org_0001',
      llm_provider_id: null,
      llm_provider_auth_profiles: null,
      billing_source: null,
    });
    expect(org.receipts.map((r: { action: string; status: string }) => [r.action, r.status])).toEqual([
      ['backfill', 'completed'],
      ['rollback', 'failed'],
    ]);
    expect(org.receipts[1]).toMatchObject({
      idempotencyKey: 'rb-1',
      metadata: {
        rollback: true,
        fromContract: 'provider_agnostic_v1',
        toContract: 'openrouter_v1',
        previousProviderId: 'openrouter',
      },
    });
    expect((await get(t, '/orgs/org_0003')).json.receipts).toEqual([]);
  });

  it('rollback dry-run counts what it would roll back and changes nothing', async () => {
    const t = await start();
    const { json } = await post(t, '/migrations/rollback', { organizationIds: ['org_0020', 'org_0040'], dryRun: true });
    expect(json).toMatchObject({ dryRun: true, rolledBack: 2 });
    expect((await get(t, '/orgs/org_0020')).json).toMatchObject({ contract: 'provider_agnostic_v1', receipts: [] });
  });

  it('counts unknown organization ids as failed results instead of failing the call', async () => {
    const t = await start();
    const { status, json } = await post(t, '/migrations/backfill', { organizationIds: ['org_0001', 'org_9999'] });
    expect(status).toBe(200);
    expect(json).toMatchObject({ processed: 2, updated: 1, failed: 1 });
    expect(json.results[1]).toEqual({ organizationId: 'org_9999', outcome: 'failed', error: 'organization not found' });
  });

  it('rejects malformed arguments with 400 and clamps numItems to 1..100', async () => {
    const t = await start();
    expect((await post(t, '/migrations/backfill', { numItems: 'ten' })).status).toBe(400);
    expect((await post(t, '/migrations/backfill', { organizationIds: 'org_0001' })).status).toBe(400);
    expect((await post(t, '/migrations/backfill', { batch: 1 })).status).toBe(400);
    expect((await post(t, '/migrations/audit', { numItems: 500 })).json.processed).toBe(100);
    expect((await post(t, '/migrations/audit', { numItems: 0 })).json.processed).toBe(1);
    const badJson = await fetch(t.url + '/migrations/audit', { method: 'POST', body: '{' });
    expect(badJson.status).toBe(400);
  });
});

describe('idempotency', () => {
  it('replays the stored response for a write batch whose key was already applied, without applying it again', async () => {
    const t = await start();
    const first = await post(
      t,
      '/migrations/backfill',
      { organizationIds: ['org_0001'] },
      { 'Idempotency-Key': 'k-1' },
    );
    expect(first.json.updated).toBe(1);
    await post(t, '/migrations/rollback', { organizationIds: ['org_0001'] });
    const again = await post(
      t,
      '/migrations/backfill',
      { organizationIds: ['org_0001'] },
      { 'Idempotency-Key': 'k-1' },
    );
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await get(t, '/orgs/org_0001')).json.contract).toBe('openrouter_v1');
    const metrics = (await get(t, '/metrics')).text;
    expect(metrics).toMatch(/^target_batches_duplicate_total 1$/m);
    expect(metrics).toMatch(/^target_batches_total\{action="backfill"\} 1$/m);
  });

  it('accepts the key as the JSON field idempotencyKey', async () => {
    const t = await start();
    const first = await post(t, '/migrations/backfill', { numItems: 5, idempotencyKey: 'page-0' });
    const again = await post(t, '/migrations/backfill', { numItems: 5, idempotencyKey: 'page-0' });
    expect(again.text).toBe(first.text);
    expect(t.metrics.duplicateBatches).toBe(1);
  });

  it('refuses a key reused for another action with 409', async () => {
    const t = await start();
    await post(t, '/migrations/backfill', { organizationIds: ['org_0001'] }, { 'Idempotency-Key': 'k' });
    expect(
      (await post(t, '/migrations/rollback', { organizationIds: ['org_0001'] }, { 'Idempotency-Key': 'k' })).status,
    ).toBe(409);
  });

  it('does not store a batch with failures, so re-sending it retries the failed orgs', async () => {
    const t = await start();
    await post(t, '/faults', { mode: 'errors' });
    const failed = await post(
      t,
      '/migrations/backfill',
      { organizationIds: ['org_0001'] },
      { 'Idempotency-Key': 'k-f' },
    );
    expect(failed.json.failed).toBe(1);
    await post(t, '/faults', { mode: 'none' });
    const retried = await post(
      t,
      '/migrations/backfill',
      { organizationIds: ['org_0001'] },
      { 'Idempotency-Key': 'k-f' },
    );
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.json).toMatchObject({ updated: 1, failed: 0 });
  });

  it('does not store dry runs under the key', async () => {
    const t = await start();
    await post(
      t,
      '/migrations/backfill',
      { organizationIds: ['org_0001'], dryRun: true },
      { 'Idempotency-Key': 'k-d' },
    );
    const real = await post(
      t,
      '/migrations/backfill',
      { organizationIds: ['org_0001'], dryRun: false },
      { 'Idempotency-Key': 'k-d' },
    );
    expect(real.json).toMatchObject({ dryRun: false, updated: 1 });
  });
});

describe('listing and integrity', () => {
  it('lists all org ids in order and serves one org', async () => {
    const t = await start({ orgs: 12 });
    const { json } = await get(t, '/orgs');
    expect(json.ids).toHaveLength(12);
    expect(json.ids[0]).toBe('org_0001');
    expect(json.ids[11]).toBe('org_0012');
    expect((await get(t, '/orgs/org_0005')).json.id).toBe('org_0005');
    expect((await get(t, '/orgs/org_0099')).status).toBe(404);
  });

  it('pads ids past 4 digits when there are more orgs, keeping lexical order numeric', async () => {
    const t = await start({ orgs: 12_345 });
    const ids: string[] = (await get(t, '/orgs')).json.ids;
    expect(ids[0]).toBe('org_00001');
    expect(ids.at(-1)).toBe('org_12345');
  });

  it('counts orgs whose fields contradict their contract as mixed, and a rollback clears them', async () => {
    const t = await start();
    expect((await get(t, '/integrity')).json).toEqual({ mixed: 0, legacy: 190, providerAgnostic: 10, total: 200 });
    t.db.prepare("UPDATE organizations SET billing_source = 'byok' WHERE id = 'org_0001'").run();
    t.db.prepare("UPDATE organizations SET llm_provider_id = NULL WHERE id = 'org_0020'").run();
    expect((await get(t, '/integrity')).json).toMatchObject({ mixed: 2, legacy: 190, providerAgnostic: 10 });
    const rb = await post(t, '/migrations/rollback', { organizationIds: ['org_0001', 'org_0020'] });
    expect(rb.json.rolledBack).toBe(2);
    expect((await get(t, '/integrity')).json).toMatchObject({ mixed: 0, legacy: 191, providerAgnostic: 9 });
  });

  it('keeps an existing database as it is on restart instead of seeding again', async () => {
    const t = await start();
    await post(t, '/migrations/backfill', { organizationIds: ['org_0001'] });
    await t.close();
    running.splice(running.indexOf(t), 1);
    const again = await start({ orgs: 50 });
    expect((await get(again, '/integrity')).json).toMatchObject({ total: 200, providerAgnostic: 11 });
  });
});

describe('faults', () => {
  it('reports and resets the fault state, rejecting unknown modes', async () => {
    const t = await start();
    expect((await get(t, '/faults')).json).toEqual({ mode: 'none', rate: 0, ms: 0 });
    expect((await post(t, '/faults', { mode: 'flaky', rate: 0.25 })).json).toEqual({
      mode: 'flaky',
      rate: 0.25,
      ms: 0,
    });
    expect((await post(t, '/faults', { mode: 'explode' })).status).toBe(400);
    expect((await post(t, '/faults', { mode: 'errors', rate: 2 })).status).toBe(400);
    expect((await post(t, '/faults', { mode: 'none' })).json.mode).toBe('none');
  });

  it('errors: fails every org by default, a deterministic share with rate, without throwing', async () => {
    const t = await start();
    await post(t, '/faults', { mode: 'errors' });
    const all = await post(t, '/migrations/backfill', { numItems: 10 });
    expect(all.status).toBe(200);
    expect(all.json).toMatchObject({ processed: 10, updated: 0, failed: 10 });
    expect(all.json.results[0].error).toMatch(/injected fault/);
    expect((await get(t, '/integrity')).json.providerAgnostic).toBe(10);

    await post(t, '/faults', { mode: 'errors', rate: 0.5 });
    const first = await post(t, '/migrations/audit', { numItems: 100 });
    const second = await post(t, '/migrations/audit', { numItems: 100 });
    expect(first.json.failed).toBeGreaterThan(20);
    expect(first.json.failed).toBeLessThan(80);
    expect(second.json.results).toEqual(first.json.results);
  });

  it('http500: migration endpoints answer 500 and apply nothing, other endpoints keep working', async () => {
    const t = await start();
    await post(t, '/faults', { mode: 'http500' });
    expect((await post(t, '/migrations/backfill', { organizationIds: ['org_0001'] })).status).toBe(500);
    expect((await get(t, '/health')).json).toEqual({ ok: true });
    expect((await get(t, '/orgs/org_0001')).json.contract).toBe('openrouter_v1');
  });

  it('flaky: exactly the rate share of requests answer 503, evenly spread, while /metrics and /faults keep answering', async () => {
    const t = await start();
    await post(t, '/faults', { mode: 'flaky', rate: 0.5 });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await get(t, '/health')).status);
    expect(codes).toEqual([200, 503, 200, 503, 200, 503]);
    for (let i = 0; i < 3; i++) expect((await get(t, '/metrics')).status).toBe(200);
    expect((await get(t, '/faults')).status).toBe(200);
  });

  it('timeout: the batch is applied at once but the answer is held back', async () => {
    const t = await start();
    await post(t, '/faults', { mode: 'timeout', ms: 600_000 });
    const abort = new AbortController();
    let answered = false;
    const pending = fetch(t.url + '/migrations/backfill', {
      method: 'POST',
      body: JSON.stringify({ organizationIds: ['org_0001'] }),
      signal: abort.signal,
    }).then(
      () => (answered = true),
      () => undefined,
    );
    while ((await get(t, '/orgs/org_0001')).json.contract !== 'provider_agnostic_v1') {
      await new Promise((r) => setImmediate(r));
    }
    expect(answered).toBe(false);
    abort.abort();
    await pending;
    expect(answered).toBe(false);
  });

  it('offline and latency: the status probe says offline / degraded, online otherwise', async () => {
    const t = await start();
    expect((await get(t, '/providers/openai/status')).json).toEqual({ name: 'openai', connection_status: 'online' });
    await post(t, '/faults', { mode: 'offline' });
    expect((await get(t, '/providers/openai/status')).json.connection_status).toBe('offline');
    await post(t, '/faults', { mode: 'latency' });
    expect((await get(t, '/providers/openai/status')).json.connection_status).toBe('degraded');
  });

  it('errors: the canary error counter climbs 30 per scrape instead of 1, control stays at 1', async () => {
    const t = await start();
    const errors = (text: string, cohort: string) =>
      Number(new RegExp(`^target_app_errors_total\\{cohort="${cohort}"\\} (\\S+)$`, 'm').exec(text)![1]);
    const a = (await get(t, '/metrics')).text;
    await post(t, '/faults', { mode: 'errors' });
    const b = (await get(t, '/metrics')).text;
    expect(errors(b, 'canary') - errors(a, 'canary')).toBe(30);
    expect(errors(b, 'control') - errors(a, 'control')).toBe(1);
    expect(b).toMatch(/^target_fault_active 1$/m);
    expect(a).toMatch(/^target_fault_active 0$/m);
  });

  it('latency: canary latency observations shift up by ms while control stays put', async () => {
    const t = await start();
    const mean = (text: string, cohort: string) => {
      const sum = Number(
        new RegExp(`^target_app_latency_seconds_sum\\{cohort="${cohort}"\\} (\\S+)$`, 'm').exec(text)![1],
      );
      const count = Number(
        new RegExp(`^target_app_latency_seconds_count\\{cohort="${cohort}"\\} (\\S+)$`, 'm').exec(text)![1],
      );
      return sum / count;
    };
    const before = (await get(t, '/metrics')).text;
    expect(Math.abs(mean(before, 'canary') - mean(before, 'control'))).toBeLessThan(0.05);
    await post(t, '/faults', { mode: 'latency', ms: 1000 });
    for (let i = 0; i < 9; i++) await get(t, '/metrics');
    const after = (await get(t, '/metrics')).text;
    expect(mean(after, 'canary') - mean(after, 'control')).toBeGreaterThan(0.8);
  });

  it('takes its initial fault from the fault option', async () => {
    const t = await start({ fault: 'offline' });
    expect((await get(t, '/faults')).json.mode).toBe('offline');
  });
});

// One line of exposition format 0.0.4: a comment, or name{labels} value [timestamp].
const LABEL = String.raw`[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"`;
const SAMPLE_LINE = new RegExp(
  String.raw`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:${LABEL})(?:,${LABEL})*\})? ([-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))( -?\d+)?$`,
);
const HELP_LINE = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$/;
const TYPE_LINE = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/;

describe('/metrics', () => {
  it('serves valid Prometheus text exposition: line syntax, HELP and TYPE per family, cumulative histogram buckets', async () => {
    const t = await start();
    await pageThrough(t, '/migrations/backfill');
    await post(t, '/migrations/rollback', { organizationIds: ['org_0001'] });
    await get(t, '/orgs/nope');
    await get(t, '/no/such/route');
    const res = await get(t, '/metrics');
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(res.text.endsWith('\n')).toBe(true);

    const help = new Set<string>();
    const types = new Map<string, string>();
    const buckets = new Map<string, { le: number; v: number }[]>();
    const counts = new Map<string, number>();
    for (const line of res.text.trimEnd().split('\n')) {
      const h = HELP_LINE.exec(line);
      if (h) {
        help.add(h[1]!);
        continue;
      }
      const ty = TYPE_LINE.exec(line);
      if (ty) {
        expect(types.has(ty[1]!), `second TYPE for ${ty[1]}`).toBe(false);
        types.set(ty[1]!, ty[2]!);
        continue;
      }
      const m = SAMPLE_LINE.exec(line);
      expect(m, `not a valid sample line: ${line}`).not.toBeNull();
      const [, name, labels = '', value] = m!;
      const family = types.has(name!) ? name! : name!.replace(/_(bucket|sum|count)$/, '');
      expect(types.has(family), `sample before its TYPE: ${line}`).toBe(true);
      expect(help.has(family), `no HELP for ${family}`).toBe(true);
      if (types.get(family) === 'histogram') {
        const series = (family + labels.replace(/,?le="[^"]*"/, '')).replace(/\{\}$/, '');
        if (name!.endsWith('_bucket')) {
          const le = /le="([^"]+)"/.exec(labels)![1]!;
          const list = buckets.get(series) ?? [];
          list.push({ le: le === '+Inf' ? Infinity : Number(le), v: Number(value) });
          buckets.set(series, list);
        } else if (name!.endsWith('_count')) {
          counts.set(series, Number(value));
        }
      }
    }
    for (const family of [
      'target_requests_total',
      'target_batches_total',
      'target_batches_duplicate_total',
      'target_orgs',
      'target_fault_active',
      'target_app_requests_total',
      'target_app_errors_total',
    ]) {
      expect(types.get(family), family).toMatch(/counter|gauge/);
    }
    expect(types.get('target_request_duration_seconds')).toBe('histogram');
    expect(types.get('target_app_latency_seconds')).toBe('histogram');
    expect(buckets.size).toBeGreaterThanOrEqual(5);
    for (const [series, list] of buckets) {
      expect(list.map((b) => b.le)).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, Infinity]);
      for (let i = 1; i < list.length; i++) expect(list[i]!.v, series).toBeGreaterThanOrEqual(list[i - 1]!.v);
      expect(list.at(-1)!.v).toBe(counts.get(series));
    }
    expect(res.text).toMatch(/^target_orgs\{contract="provider_agnostic_v1"\} 199$/m);
    expect(res.text).toMatch(/^target_orgs\{contract="openrouter_v1"\} 1$/m);
    expect(res.text).toMatch(/^target_batches_total\{action="backfill"\} 8$/m);
    expect(res.text).toMatch(/^target_requests_total\{route="\/orgs\/:id",code="404"\} 1$/m);
    expect(res.text).toMatch(/^target_requests_total\{route="unmatched",code="404"\} 1$/m);
    expect(res.text).toMatch(/^target_app_requests_total\{cohort="canary"\} 100$/m);
  });
});

describe('as a child process', () => {
  it('prints its url, serves, takes TARGET_FAULT from the environment and stops on SIGTERM', async () => {
    const child = await spawnTarget({
      dbPath: join(dir, 'child.db'),
      orgs: 40,
      env: { TARGET_FAULT: '{"mode":"http500"}' },
    });
    try {
      expect(child.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await get(child, '/orgs')).json.ids).toHaveLength(40);
      expect((await get(child, '/faults')).json.mode).toBe('http500');
      expect((await post(child, '/migrations/audit', {})).status).toBe(500);
    } finally {
      await child.stop();
    }
    expect(child.proc.exitCode).toBe(0);
  });

  it('exits when its parent goes away (stdin closes), so no orphaned target keeps a port', async () => {
    const child = await spawnTarget({ dbPath: join(dir, 'orphan.db'), orgs: 5 });
    const exited = new Promise<number | null>((resolve) => child.proc.once('exit', (code) => resolve(code)));
    child.proc.stdin!.end();
    expect(await exited).toBe(0);
  });

  it('keeps the database of a killed target: a restarted one resumes with the same data', async () => {
    const dbPath = join(dir, 'restart.db');
    const first = await spawnTarget({ dbPath, orgs: 60 });
    await post(first, '/migrations/backfill', { numItems: 30 });
    first.proc.kill('SIGKILL');
    await first.stop();
    const second = await spawnTarget({ dbPath, orgs: 60 });
    try {
      expect((await get(second, '/integrity')).json).toMatchObject({ total: 60, providerAgnostic: 32 });
    } finally {
      await second.stop();
    }
  });
});
