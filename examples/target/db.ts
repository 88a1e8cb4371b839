// The example target's SQLite database: organizations with legacy (openrouter_v1) or provider-agnostic AI settings,
// migration receipts, and the idempotency store (seed 000).
import Database from 'better-sqlite3';

export type TargetDatabase = Database.Database;

export const LEGACY_CONTRACT = 'openrouter_v1';
export const PROVIDER_AGNOSTIC_CONTRACT = 'provider_agnostic_v1';

export interface OrgRow {
  id: string;
  contract: string;
  openrouter_key_ref: string | null;
  llm_provider_id: string | null;
  llm_provider_auth_profiles: string | null;
  billing_source: string | null;
}

export interface ReceiptRow {
  org_id: string;
  action: 'backfill' | 'rollback';
  status: string;
  idempotency_key: string | null;
  at: string;
  metadata: string | null;
}

export interface Integrity {
  /** Orgs whose fields contradict their contract: what the verify check after a rollback must see at 0. */
  mixed: number;
  legacy: number;
  providerAgnostic: number;
  total: number;
}

export interface SeedOptions {
  orgs: number;
  /** Share of orgs already provider-agnostic, spread evenly (0.05 = every 20th). */
  migratedShare: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS organizations (
  id TEXT PRIMARY KEY,
  contract TEXT NOT NULL DEFAULT '${LEGACY_CONTRACT}',
  openrouter_key_ref TEXT,
  llm_provider_id TEXT,
  llm_provider_auth_profiles TEXT,
  billing_source TEXT
);
CREATE INDEX IF NOT EXISTS organizations_contract ON organizations(contract);
CREATE TABLE IF NOT EXISTS migrations (
  seq INTEGER PRIMARY KEY,
  org_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('backfill', 'rollback')),
  status TEXT NOT NULL,
  idempotency_key TEXT,
  at TEXT NOT NULL,
  metadata TEXT
);
CREATE INDEX IF NOT EXISTS migrations_org ON migrations(org_id);
CREATE TABLE IF NOT EXISTS applied_batches (
  idempotency_key TEXT PRIMARY KEY,
  action TEXT NOT NULL,
  response TEXT NOT NULL
);
`;

/** `org_0001` ...: zero-padded to at least 4 digits so lexical order is numeric order. */
export function orgId(n: number, total: number): string {
  return `org_${String(n).padStart(Math.max(4, String(total).length), '0')}`;
}

/** Whether org number `n` (1-based) is seeded provider-agnostic: exactly floor(total * share) orgs, evenly spread. */
export function isSeededMigrated(n: number, share: number): boolean {
  return Math.floor(n * share) > Math.floor((n - 1) * share);
}

export function providerAgnosticFields(keyRef: string | null): {
  providerId: string;
  authProfiles: string;
  billingSource: string;
} {
  return {
    providerId: 'openrouter',
    authProfiles: JSON.stringify(keyRef ? [{ providerId: 'openrouter', keyRef }] : []),
    billingSource: keyRef ? 'byok' : 'platform',
  };
}

/** Opens (creating and seeding when empty) the database. An existing, non-empty database is kept as it is. */
export function openTargetDb(path: string, seed: SeedOptions): TargetDatabase {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM organizations').get() as { n: number };
  if (n === 0) seedOrganizations(db, seed);
  return db;
}

function seedOrganizations(db: TargetDatabase, { orgs, migratedShare }: SeedOptions): void {
  if (!Number.isInteger(orgs) || orgs < 0) throw new Error(`orgs must be a non-negative integer, got ${orgs}`);
  if (!(migratedShare >= 0 && migratedShare <= 1))
    throw new Error(`migratedShare must be in [0, 1], got ${migratedShare}`);
  const insert = db.prepare(
    `INSERT INTO organizations (id, contract, openrouter_key_ref, llm_provider_id, llm_provider_auth_profiles, billing_source)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 1; i <= orgs; i++) {
      const id = orgId(i, orgs);
      const keyRef = `kref_${id}`;
      if (isSeededMigrated(i, migratedShare)) {
        const f = providerAgnosticFields(keyRef);
        insert.run(id, PROVIDER_AGNOSTIC_CONTRACT, keyRef, f.providerId, f.authProfiles, f.billingSource);
      } else {
        insert.run(id, LEGACY_CONTRACT, keyRef, null, null, null);
      }
    }
  })();
}

export function needsBackfill(row: OrgRow): boolean {
  return (
    row.contract !== PROVIDER_AGNOSTIC_CONTRACT ||
    row.llm_provider_id === null ||
    row.llm_provider_auth_profiles === null ||
    row.billing_source === null
  );
}

export function needsRollback(row: OrgRow): boolean {
  return (
    row.contract !== LEGACY_CONTRACT ||
    row.llm_provider_id !== null ||
    row.llm_provider_auth_profiles !== null ||
    row.billing_source !== null
  );
}

const MIXED_SQL = `
  (contract = '${LEGACY_CONTRACT}' AND (llm_provider_id IS NOT NULL OR llm_provider_auth_profiles IS NOT NULL OR billing_source IS NOT NULL))
  OR (contract = '${PROVIDER_AGNOSTIC_CONTRACT}' AND (llm_provider_id IS NULL OR llm_provider_auth_profiles IS NULL OR billing_source IS NULL))
  OR contract NOT IN ('${LEGACY_CONTRACT}', '${PROVIDER_AGNOSTIC_CONTRACT}')`;

/** Prepared statements for everything the routes do; built once per server. */
export class OrgStore {
  readonly db: TargetDatabase;
  private readonly pageStmt;
  private readonly getStmt;
  private readonly idsStmt;
  private readonly backfillStmt;
  private readonly rollbackStmt;
  private readonly receiptStmt;
  private readonly receiptsOfStmt;
  private readonly appliedGetStmt;
  private readonly appliedPutStmt;
  private readonly byContractStmt;
  private readonly integrityStmt;

  constructor(db: TargetDatabase) {
    this.db = db;
    this.pageStmt = db.prepare<[string, number], OrgRow>(
      'SELECT * FROM organizations WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.getStmt = db.prepare<[string], OrgRow>('SELECT * FROM organizations WHERE id = ?');
    this.idsStmt = db.prepare<[], string>('SELECT id FROM organizations ORDER BY id').pluck();
    this.backfillStmt = db.prepare<[string, string, string, string]>(
      `UPDATE organizations SET contract = '${PROVIDER_AGNOSTIC_CONTRACT}',
         llm_provider_id = COALESCE(llm_provider_id, ?),
         llm_provider_auth_profiles = COALESCE(llm_provider_auth_profiles, ?),
         billing_source = COALESCE(billing_source, ?)
       WHERE id = ?`,
    );
    this.rollbackStmt = db.prepare<[string]>(
      `UPDATE organizations SET contract = '${LEGACY_CONTRACT}',
         llm_provider_id = NULL, llm_provider_auth_profiles = NULL, billing_source = NULL
       WHERE id = ?`,
    );
    this.receiptStmt = db.prepare<[string, string, string, string | null, string, string]>(
      'INSERT INTO migrations (org_id, action, status, idempotency_key, at, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.receiptsOfStmt = db.prepare<[string], ReceiptRow>(
      'SELECT org_id, action, status, idempotency_key, at, metadata FROM migrations WHERE org_id = ? ORDER BY seq',
    );
    this.appliedGetStmt = db.prepare<[string], { action: string; response: string }>(
      'SELECT action, response FROM applied_batches WHERE idempotency_key = ?',
    );
    this.appliedPutStmt = db.prepare<[string, string, string]>(
      'INSERT INTO applied_batches (idempotency_key, action, response) VALUES (?, ?, ?)',
    );
    this.byContractStmt = db.prepare<[], { contract: string; n: number }>(
      'SELECT contract, COUNT(*) AS n FROM organizations GROUP BY contract',
    );
    this.integrityStmt = db.prepare<[], { mixed: number; legacy: number; providerAgnostic: number; total: number }>(
      `SELECT
         COALESCE(SUM(CASE WHEN ${MIXED_SQL} THEN 1 ELSE 0 END), 0) AS mixed,
         COUNT(*) AS total,
         COALESCE(SUM(CASE WHEN contract = '${LEGACY_CONTRACT}' THEN 1 ELSE 0 END), 0) AS legacy,
         COALESCE(SUM(CASE WHEN contract = '${PROVIDER_AGNOSTIC_CONTRACT}' THEN 1 ELSE 0 END), 0) AS providerAgnostic
       FROM organizations`,
    );
  }

  /** Up to `limit` orgs with an id after `afterId` ('' = from the start), in id order. */
  page(afterId: string, limit: number): OrgRow[] {
    return this.pageStmt.all(afterId, limit);
  }

  get(id: string): OrgRow | undefined {
    return this.getStmt.get(id);
  }

  ids(): string[] {
    return this.idsStmt.all();
  }

  backfill(row: OrgRow): void {
    const f = providerAgnosticFields(row.openrouter_key_ref);
    this.backfillStmt.run(f.providerId, f.authProfiles, f.billingSource, row.id);
  }

  /** Resets the contract, clears the provider-agnostic fields, keeps the legacy key ref. */
  rollback(row: OrgRow): void {
    this.rollbackStmt.run(row.id);
  }

  receipt(r: ReceiptRow): void {
    this.receiptStmt.run(r.org_id, r.action, r.status, r.idempotency_key, r.at, r.metadata ?? '{}');
  }

  receiptsOf(id: string): ReceiptRow[] {
    return this.receiptsOfStmt.all(id);
  }

  appliedBatch(key: string): { action: string; response: string } | undefined {
    return this.appliedGetStmt.get(key);
  }

  recordAppliedBatch(key: string, action: string, response: string): void {
    this.appliedPutStmt.run(key, action, response);
  }

  countsByContract(): Map<string, number> {
    return new Map(this.byContractStmt.all().map((r) => [r.contract, r.n]));
  }

  /** `legacy` / `providerAgnostic` count by contract; `mixed` counts those (of either) whose fields contradict it. */
  integrity(): Integrity {
    const r = this.integrityStmt.get();
    return r ?? { mixed: 0, legacy: 0, providerAgnostic: 0, total: 0 };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
