// The three migration functions of seed 000 (audit, backfill batch, rollback batch), with the argument and result
// shapes of the real Convex functions (DESIGN §3): per-org errors are counted in `failed`, never thrown.
import { LEGACY_CONTRACT, needsBackfill, needsRollback, type OrgRow, type OrgStore } from './db.js';
import type { FaultSwitch } from './faults.js';

export type MigrationAction = 'audit' | 'backfill' | 'rollback';
export const MIGRATION_ACTIONS: readonly MigrationAction[] = ['audit', 'backfill', 'rollback'];

export interface BatchArgs {
  cursor: string | null;
  numItems: number;
  organizationIds: string[] | null;
  dryRun: boolean;
  idempotencyKey: string | null;
}

export type OrgOutcome = 'updated' | 'unchanged' | 'failed' | 'rolledBack';

export interface OrgResult {
  organizationId: string;
  outcome: OrgOutcome;
  error?: string;
}

export interface BatchResponse {
  source: 'explicit' | 'paginated';
  dryRun: boolean;
  processed: number;
  updated?: number;
  rolledBack?: number;
  unchanged: number;
  failed: number;
  nextCursor: string | null;
  hasNextPage: boolean;
  results: OrgResult[];
}

export const DEFAULT_NUM_ITEMS = 25;
export const MAX_NUM_ITEMS = 100;

/** A request the function would reject (Convex argument validation): HTTP 400. */
export class BadRequest extends Error {}
/** An idempotency key already used for another action: HTTP 409. */
export class IdempotencyConflict extends Error {}

const CURSOR_PREFIX = 'after:';

/** Opaque on purpose: callers must hand it back, not compute with it. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(CURSOR_PREFIX + lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || encodeCursor(text.slice(CURSOR_PREFIX.length)) !== cursor) {
    throw new BadRequest(`invalid cursor ${JSON.stringify(cursor)}`);
  }
  return text.slice(CURSOR_PREFIX.length);
}

const ARG_FIELDS = new Set(['cursor', 'numItems', 'organizationIds', 'dryRun', 'idempotencyKey']);

/** Validates a JSON body like Convex validators do (extra fields rejected); `numItems` is clamped like the real code. */
export function parseBatchArgs(body: unknown, headerKey: string | undefined): BatchArgs {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('arguments must be a JSON object');
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!ARG_FIELDS.has(k)) throw new BadRequest(`unknown argument \`${k}\``);
  const { cursor, numItems, organizationIds, dryRun, idempotencyKey } = o;
  if (cursor !== undefined && cursor !== null && typeof cursor !== 'string')
    throw new BadRequest('cursor must be a string or null');
  if (numItems !== undefined && (typeof numItems !== 'number' || !Number.isFinite(numItems))) {
    throw new BadRequest('numItems must be a number');
  }
  if (organizationIds !== undefined && organizationIds !== null) {
    if (!Array.isArray(organizationIds) || organizationIds.some((id) => typeof id !== 'string')) {
      throw new BadRequest('organizationIds must be an array of strings');
    }
  }
  if (dryRun !== undefined && typeof dryRun !== 'boolean') throw new BadRequest('dryRun must be a boolean');
  if (idempotencyKey !== undefined && idempotencyKey !== null && typeof idempotencyKey !== 'string') {
    throw new BadRequest('idempotencyKey must be a string');
  }
  const key = headerKey ?? (idempotencyKey as string | null | undefined) ?? null;
  return {
    cursor: cursor === '' ? null : ((cursor as string | null | undefined) ?? null),
    numItems:
      numItems === undefined ? DEFAULT_NUM_ITEMS : Math.min(MAX_NUM_ITEMS, Math.max(1, Math.floor(numItems as number))),
    organizationIds: organizationIds ? [...new Set(organizationIds as string[])] : null,
    dryRun: dryRun ?? false,
    idempotencyKey: key === '' ? null : key,
  };
}

export interface BatchOutcome {
  /** The JSON body; a replay returns the stored text byte for byte. */
  body: string;
  replayed: boolean;
}

interface Target {
  id: string;
  row: OrgRow | undefined;
}

export class Migrations {
  constructor(
    private readonly store: OrgStore,
    private readonly faults: FaultSwitch,
  ) {}

  /**
   * Runs one batch in one transaction. A write (not audit, not dryRun) with an idempotency key already applied returns
   * the stored response. Only batches without failures are stored, so re-sending a partly failed batch retries it.
   */
  run(action: MigrationAction, args: BatchArgs): BatchOutcome {
    const key = action !== 'audit' && !args.dryRun ? args.idempotencyKey : null;
    return this.store.transaction(() => {
      if (key !== null) {
        const seen = this.store.appliedBatch(key);
        if (seen) {
          if (seen.action !== action) {
            throw new IdempotencyConflict(`idempotency key already used for a ${seen.action} batch`);
          }
          return { body: seen.response, replayed: true };
        }
      }
      const response = this.apply(action, args, key);
      const body = JSON.stringify(response);
      if (key !== null && response.failed === 0) this.store.recordAppliedBatch(key, action, body);
      return { body, replayed: false };
    });
  }

  private targets(args: BatchArgs): {
    source: 'explicit' | 'paginated';
    targets: Target[];
    nextCursor: string | null;
    hasNextPage: boolean;
  } {
    if (args.organizationIds !== null) {
      return {
        source: 'explicit',
        targets: args.organizationIds.map((id) => ({ id, row: this.store.get(id) })),
        nextCursor: null,
        hasNextPage: false,
      };
    }
    const after = args.cursor === null ? '' : decodeCursor(args.cursor);
    const rows = this.store.page(after, args.numItems + 1);
    const hasNextPage = rows.length > args.numItems;
    if (hasNextPage) rows.pop();
    const last = rows[rows.length - 1];
    return {
      source: 'paginated',
      targets: rows.map((row) => ({ id: row.id, row })),
      // Like Convex's continueCursor: a cursor is returned on the last page too.
      nextCursor: last ? encodeCursor(last.id) : args.cursor,
      hasNextPage,
    };
  }

  private apply(action: MigrationAction, args: BatchArgs, key: string | null): BatchResponse {
    const { source, targets, nextCursor, hasNextPage } = this.targets(args);
    const write = action !== 'audit' && !args.dryRun;
    const at = new Date().toISOString();
    const results: OrgResult[] = [];
    let changed = 0;
    let unchanged = 0;
    let failed = 0;
    for (const { id, row } of targets) {
      if (!row) {
        failed++;
        results.push({ organizationId: id, outcome: 'failed', error: 'organization not found' });
        continue;
      }
      if (this.faults.orgFails(id)) {
        failed++;
        results.push({ organizationId: id, outcome: 'failed', error: `injected fault: ${action} of ${id} failed` });
        continue;
      }
      if (action === 'rollback') {
        if (!needsRollback(row)) {
          unchanged++;
          results.push({ organizationId: id, outcome: 'unchanged' });
          continue;
        }
        if (write) {
          this.store.rollback(row);
          this.store.receipt({
            org_id: id,
            action: 'rollback',
            status: 'failed',
            idempotency_key: key,
            at,
            metadata: JSON.stringify({
              rollback: true,
              fromContract: row.contract,
              toContract: LEGACY_CONTRACT,
              clearedFields: ['llm.providerId', 'llm.providerAuthProfiles', 'billingSource'],
              previousProviderId: row.llm_provider_id,
              previousBillingSource: row.billing_source,
            }),
          });
        }
        changed++;
        results.push({ organizationId: id, outcome: 'rolledBack' });
        continue;
      }
      if (!needsBackfill(row)) {
        unchanged++;
        results.push({ organizationId: id, outcome: 'unchanged' });
        continue;
      }
      if (write) {
        this.store.backfill(row);
        this.store.receipt({
          org_id: id,
          action: 'backfill',
          status: 'completed',
          idempotency_key: key,
          at,
          metadata: JSON.stringify({ fromContract: row.contract }),
        });
      }
      changed++;
      results.push({ organizationId: id, outcome: 'updated' });
    }
    const counts = action === 'rollback' ? { rolledBack: changed } : { updated: changed };
    return {
      source,
      dryRun: action === 'audit' ? true : args.dryRun,
      processed: targets.length,
      ...counts,
      unchanged,
      failed,
      nextCursor,
      hasNextPage,
      results,
    };
  }
}
