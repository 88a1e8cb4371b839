// The example target (real HTTP server, real SQLite db) started in the test process, with the reads tests assert on.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startTarget, type RunningTarget } from '../../examples/target/server.js';
import type { Integrity, OrgRow } from '../../examples/target/db.js';
import type { FaultSpec } from '../../examples/target/faults.js';
import { afterEach, beforeAll } from 'vitest';
import { isolateGitConfig, TempDirs } from './git-repo.js';

export interface OrgView extends OrgRow {
  receipts: { action: string; status: string; idempotencyKey: string | null }[];
}

export class TestTarget {
  private constructor(readonly running: RunningTarget) {}

  static async start(dirs: TempDirs, opts: { orgs?: number; migratedShare?: number } = {}): Promise<TestTarget> {
    const dir = await dirs.make('target');
    const running = await startTarget({
      dbPath: join(dir, 'target.db'),
      orgs: opts.orgs ?? 60,
      migratedShare: opts.migratedShare ?? 0.05,
      fault: 'none',
      log: () => {},
    });
    return new TestTarget(running);
  }

  get url(): string {
    return this.running.url;
  }

  close(): Promise<void> {
    return this.running.close();
  }

  private async getJson<T>(path: string): Promise<T> {
    const res = await fetch(this.url + path);
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  integrity(): Promise<Integrity> {
    return this.getJson<Integrity>('/integrity');
  }

  org(id: string): Promise<OrgView> {
    return this.getJson<OrgView>(`/orgs/${encodeURIComponent(id)}`);
  }

  async orgIds(): Promise<string[]> {
    return (await this.getJson<{ ids: string[] }>('/orgs')).ids;
  }

  async setFault(spec: FaultSpec): Promise<void> {
    const res = await fetch(`${this.url}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(spec),
    });
    if (!res.ok) throw new Error(`POST /faults: HTTP ${res.status}`);
  }

  clearFault(): Promise<void> {
    return this.setFault({ mode: 'none' });
  }

  /**
   * Sets `spec` inside the target's handling of the n-th executed `action` batch (counted from now), before it answers:
   * a fault at an exact batch, with no race against the client. (`http500` hits the batches after it; `timeout`
   * already delays that batch's answer.)
   */
  faultAfterBatches(n: number, action: 'backfill' | 'rollback', spec: FaultSpec): void {
    const metrics = this.running.metrics;
    const original = metrics.recordBatch.bind(metrics);
    let seen = 0;
    metrics.recordBatch = (a) => {
      original(a);
      if (a === action && ++seen === n) this.running.faults.set(spec);
    };
  }

  /** A sample of the Prometheus exposition (summed over series matching `labels`). */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    let sum = 0;
    for (const line of text.split('\n')) {
      const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
    }
    return sum;
  }

  /** Write batches re-sent with a key the target had already applied (dropped as replays). */
  duplicates(): Promise<number> {
    return this.metric('target_batches_duplicate_total');
  }

  /** Rows of the idempotency table (applied write batches), optionally of one action. */
  appliedBatches(action?: 'backfill' | 'rollback'): number {
    const sql = action
      ? 'SELECT COUNT(*) AS n FROM applied_batches WHERE action = ?'
      : 'SELECT COUNT(*) AS n FROM applied_batches';
    const row = (action ? this.running.db.prepare(sql).get(action) : this.running.db.prepare(sql).get()) as {
      n: number;
    };
    return row.n;
  }

  /** Receipts per org of one action, for orgs that have any. */
  receiptCounts(action: 'backfill' | 'rollback'): Map<string, number> {
    const rows = this.running.db
      .prepare('SELECT org_id, COUNT(*) AS n FROM migrations WHERE action = ? GROUP BY org_id')
      .all(action) as { org_id: string; n: number }[];
    return new Map(rows.map((r) => [r.org_id, r.n]));
  }

  /** Ids of the orgs still on the legacy contract. */
  legacyIds(): string[] {
    return this.running.db
      .prepare("SELECT id FROM organizations WHERE contract = 'openrouter_v1' ORDER BY id")
      .pluck()
      .all() as string[];
  }

  /** A digest of every table the migrations write: equal digests mean nothing was written. */
  snapshot(): string {
    const h = createHash('sha256');
    for (const table of ['organizations', 'migrations', 'applied_batches']) {
      const rows = this.running.db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all();
      h.update(`${table}:${JSON.stringify(rows)}\n`);
    }
    return h.digest('hex');
  }
}

/** A test file's temporary directories and example targets, all cleaned up after each test; git config isolated. */
export function useTestTargets(): { dirs: TempDirs; targets: TestTarget[] } {
  const dirs = new TempDirs();
  const targets: TestTarget[] = [];
  beforeAll(isolateGitConfig);
  afterEach(async () => {
    await Promise.all(targets.splice(0).map((t) => t.close()));
    await dirs.cleanup();
  });
  return { dirs, targets };
}
