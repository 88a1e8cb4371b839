// The target's HTTP API: migration functions, org listing, integrity, provider status probe, metrics and the fault
// switch. Transport-free: the server hands in a parsed request and writes the Reply.
import type { OrgStore } from './db.js';
import { FaultSpecError, parseFaultSpec, type FaultSwitch } from './faults.js';
import { METRICS_CONTENT_TYPE, type TargetMetrics } from './metrics.js';
import { BadRequest, IdempotencyConflict, Migrations, parseBatchArgs, type MigrationAction } from './migrations.js';

export interface TargetRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Raw request body ('' when none). */
  body: string;
}

export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface Routed {
  /** The route pattern, used as the `route` metric label. */
  route: string;
  reply: Reply;
}

export interface TargetAppDeps {
  store: OrgStore;
  faults: FaultSwitch;
  metrics: TargetMetrics;
  /** Waits `ms` (the `timeout` fault); the server cancels pending waits when it closes. */
  sleep: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

type Handler = (req: TargetRequest, params: string[]) => Reply | Promise<Reply>;

interface Route {
  method: 'GET' | 'POST';
  pattern: string;
  regex: RegExp;
  handler: Handler;
  /** Migration endpoints: subject to the `http500` and `timeout` faults. */
  migration?: boolean;
  /** Control-plane routes that keep answering under the `flaky` fault. */
  exemptFromFlaky?: boolean;
}

export function json(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, body: JSON.stringify(value), headers: { 'content-type': 'application/json', ...headers } };
}

function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
}

function headerValue(headers: TargetRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function processedIn(body: string): number {
  const processed = (JSON.parse(body) as { processed?: unknown }).processed;
  return typeof processed === 'number' ? processed : 0;
}

function toPattern(pattern: string): RegExp {
  const source = pattern.replace(/:[a-zA-Z]+/g, '([^/]+)');
  return new RegExp(`^${source}$`);
}

export class TargetApp {
  private readonly migrations: Migrations;
  private readonly routes: Route[];

  constructor(private readonly deps: TargetAppDeps) {
    this.migrations = new Migrations(deps.store, deps.faults);
    const route = (method: Route['method'], pattern: string, handler: Handler, extra: Partial<Route> = {}): Route => ({
      method,
      pattern,
      regex: toPattern(pattern),
      handler,
      ...extra,
    });
    const migration = (action: MigrationAction): Route =>
      route('POST', `/migrations/${action}`, (req) => this.migrate(action, req), { migration: true });
    this.routes = [
      migration('audit'),
      migration('backfill'),
      migration('rollback'),
      route('GET', '/orgs', () => json(200, { ids: deps.store.ids() })),
      route('GET', '/orgs/:id', (_req, [id]) => this.org(decodeURIComponent(id!))),
      route('GET', '/integrity', () => json(200, deps.store.integrity())),
      route('GET', '/providers/openai/status', () =>
        json(200, { name: 'openai', connection_status: this.providerStatus() }),
      ),
      route('GET', '/health', () => json(200, { ok: true })),
      route('GET', '/metrics', () => this.scrape(), { exemptFromFlaky: true }),
      route('GET', '/faults', () => json(200, deps.faults.state), { exemptFromFlaky: true }),
      route('POST', '/faults', (req) => this.setFault(req), { exemptFromFlaky: true }),
    ];
  }

  async handle(req: TargetRequest): Promise<Routed> {
    const matches = this.routes
      .map((r) => ({ r, m: r.regex.exec(req.path) }))
      .filter((x): x is { r: Route; m: RegExpExecArray } => x.m !== null);
    if (matches.length === 0) return { route: 'unmatched', reply: json(404, { error: `no route ${req.path}` }) };
    const hit = matches.find((x) => x.r.method === req.method);
    if (!hit) {
      const allow = matches.map((x) => x.r.method).join(', ');
      return {
        route: matches[0]!.r.pattern,
        reply: json(405, { error: `method ${req.method} not allowed` }, { allow }),
      };
    }
    const { r, m } = hit;
    const { faults } = this.deps;
    if (!r.exemptFromFlaky && faults.flakyHit()) {
      return { route: r.pattern, reply: json(503, { error: 'injected fault: flaky' }, { 'retry-after': '0' }) };
    }
    if (r.migration && faults.is('http500')) {
      return { route: r.pattern, reply: json(500, { error: 'injected fault: http500' }) };
    }
    try {
      const reply = await r.handler(req, m.slice(1));
      return { route: r.pattern, reply };
    } catch (err) {
      if (err instanceof BadRequest || err instanceof FaultSpecError)
        return { route: r.pattern, reply: json(400, { error: err.message }) };
      if (err instanceof IdempotencyConflict) return { route: r.pattern, reply: json(409, { error: err.message }) };
      this.deps.log?.(`target: ${req.method} ${req.path} failed: ${(err as Error).stack ?? String(err)}`);
      return { route: r.pattern, reply: json(500, { error: (err as Error).message }) };
    }
  }

  /** Per rollout, the highest lease epoch a write was sent under: a write under an older one is from a holder that lost. */
  private readonly highestEpoch = new Map<string, number>();

  private async migrate(action: MigrationAction, req: TargetRequest): Promise<Reply> {
    const epochHeader = headerValue(req.headers, 'rollouts-lease-epoch');
    if (epochHeader !== undefined && /^\d+$/.test(epochHeader)) {
      // A fencing token: refuse a write from a lease holder that was taken over since.
      const epoch = Number(epochHeader);
      const rollout = headerValue(req.headers, 'rollouts-rollout') ?? '';
      const highest = this.highestEpoch.get(rollout) ?? 0;
      const stale = epoch < highest;
      this.deps.metrics.recordEpoch(epoch, stale);
      if (stale) return json(409, { error: `stale lease epoch ${epoch} of ${rollout}: epoch ${highest} writes now` });
      this.highestEpoch.set(rollout, epoch);
    }
    const args = parseBatchArgs(parseJsonBody(req.body), headerValue(req.headers, 'idempotency-key'));
    const outcome = this.migrations.run(action, args);
    if (outcome.replayed) this.deps.metrics.recordDuplicate();
    else this.deps.metrics.recordBatch(action);
    // Applied first, answered late: the nastiest timeout, where the write landed but the caller never heard.
    const { faults } = this.deps;
    if (faults.is('timeout')) await this.deps.sleep(faults.state.ms);
    if (faults.is('slow')) await this.deps.sleep(faults.state.ms * processedIn(outcome.body));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (outcome.replayed) headers['idempotent-replayed'] = 'true';
    return { status: 200, body: outcome.body, headers };
  }

  private org(id: string): Reply {
    const row = this.deps.store.get(id);
    if (!row) return json(404, { error: `organization ${id} not found` });
    const receipts = this.deps.store.receiptsOf(id).map((r) => ({
      action: r.action,
      status: r.status,
      idempotencyKey: r.idempotency_key,
      at: r.at,
      metadata: r.metadata ? (JSON.parse(r.metadata) as unknown) : null,
    }));
    return json(200, { ...row, receipts });
  }

  private providerStatus(): 'online' | 'degraded' | 'offline' {
    const { faults } = this.deps;
    if (faults.is('offline')) return 'offline';
    if (faults.is('latency')) return 'degraded';
    return 'online';
  }

  private scrape(): Reply {
    const text = this.deps.metrics.render({
      orgsByContract: this.deps.store.countsByContract(),
      fault: this.deps.faults.state,
    });
    return { status: 200, body: text, headers: { 'content-type': METRICS_CONTENT_TYPE } };
  }

  private setFault(req: TargetRequest): Reply {
    const state = this.deps.faults.set(parseFaultSpec(parseJsonBody(req.body) ?? {}));
    this.deps.log?.(`target: fault set to ${JSON.stringify(state)}`);
    return json(200, state);
  }
}
