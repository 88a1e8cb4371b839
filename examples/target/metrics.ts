// Prometheus text exposition format 0.0.4, hand-written: counters, gauges and histograms of the target, plus a
// synthetic per-cohort traffic series advanced on each scrape so a gate has something to watch without a load generator.
import { LEGACY_CONTRACT, PROVIDER_AGNOSTIC_CONTRACT } from './db.js';
import type { FaultState } from './faults.js';
import { MIGRATION_ACTIONS, type MigrationAction } from './migrations.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4';
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;
export const COHORTS = ['control', 'canary'] as const;
export type Cohort = (typeof COHORTS)[number];

/** Synthetic traffic per scrape and cohort. */
export const SYNTHETIC_REQUESTS_PER_SCRAPE = 100;
export const SYNTHETIC_ERRORS_PER_SCRAPE = 1;
export const SYNTHETIC_FAULT_ERRORS_PER_SCRAPE = 30;

class Histogram {
  readonly counts = new Array<number>(DURATION_BUCKETS.length).fill(0);
  sum = 0;
  count = 0;

  observe(value: number): void {
    const i = DURATION_BUCKETS.findIndex((le) => value <= le);
    if (i >= 0) this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, labels: Labels, value: number): this {
    this.lines.push(`${name}${labelText(labels)} ${formatNumber(value)}`);
    return this;
  }

  histogram(name: string, labels: Labels, h: Histogram): this {
    let cumulative = 0;
    DURATION_BUCKETS.forEach((le, i) => {
      cumulative += h.counts[i]!;
      this.sample(`${name}_bucket`, { ...labels, le: String(le) }, cumulative);
    });
    this.sample(`${name}_bucket`, { ...labels, le: '+Inf' }, h.count);
    this.sample(`${name}_sum`, labels, h.sum);
    return this.sample(`${name}_count`, labels, h.count);
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** mulberry32: a small seeded generator, so the synthetic latencies are the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface SyntheticCohort {
  requests: number;
  errors: number;
  latency: Histogram;
  random: () => number;
}

export interface MetricsSnapshotInput {
  orgsByContract: Map<string, number>;
  fault: FaultState;
}

export class TargetMetrics {
  private readonly requests = new Map<string, { route: string; code: string; n: number }>();
  private readonly durations = new Map<string, Histogram>();
  private readonly batches = new Map<MigrationAction, number>(MIGRATION_ACTIONS.map((a) => [a, 0]));
  private duplicates = 0;
  /** Write batches received per lease epoch (the `rollouts-lease-epoch` header), and those refused as stale. */
  private readonly epochs = new Map<number, number>();
  private fenced = 0;
  private readonly synthetic = new Map<Cohort, SyntheticCohort>(
    COHORTS.map((c, i) => [c, { requests: 0, errors: 0, latency: new Histogram(), random: seededRandom(1000 + i) }]),
  );

  recordRequest(route: string, code: number, seconds: number): void {
    const key = `${route}\u0000${code}`;
    const entry = this.requests.get(key);
    if (entry) entry.n += 1;
    else this.requests.set(key, { route, code: String(code), n: 1 });
    let h = this.durations.get(route);
    if (!h) this.durations.set(route, (h = new Histogram()));
    h.observe(seconds);
  }

  recordBatch(action: MigrationAction): void {
    this.batches.set(action, (this.batches.get(action) ?? 0) + 1);
  }

  recordDuplicate(): void {
    this.duplicates += 1;
  }

  recordEpoch(epoch: number, stale: boolean): void {
    this.epochs.set(epoch, (this.epochs.get(epoch) ?? 0) + 1);
    if (stale) this.fenced += 1;
  }

  get duplicateBatches(): number {
    return this.duplicates;
  }

  /** One scrape's worth of synthetic traffic: the canary cohort turns bad under the `errors` and `latency` faults. */
  private advanceSynthetic(fault: FaultState): void {
    for (const [cohort, s] of this.synthetic) {
      const canaryHit = cohort === 'canary';
      s.requests += SYNTHETIC_REQUESTS_PER_SCRAPE;
      s.errors +=
        canaryHit && fault.mode === 'errors' ? SYNTHETIC_FAULT_ERRORS_PER_SCRAPE : SYNTHETIC_ERRORS_PER_SCRAPE;
      const shift = canaryHit && fault.mode === 'latency' ? fault.ms / 1000 : 0;
      for (let i = 0; i < SYNTHETIC_REQUESTS_PER_SCRAPE; i++) {
        const tail = s.random() < 0.05 ? 0.05 + 0.1 * s.random() : 0;
        s.latency.observe(0.02 + 0.06 * s.random() + tail + shift);
      }
    }
  }

  /** Renders the exposition text; each call is one scrape and advances the synthetic traffic. */
  render({ orgsByContract, fault }: MetricsSnapshotInput): string {
    this.advanceSynthetic(fault);
    const out = new Exposition();

    out.family('target_requests_total', 'counter', 'HTTP requests answered, by route and status code.');
    for (const { route, code, n } of this.requests.values()) out.sample('target_requests_total', { route, code }, n);

    out.family('target_request_duration_seconds', 'histogram', 'HTTP request duration in seconds, by route.');
    for (const [route, h] of this.durations) out.histogram('target_request_duration_seconds', { route }, h);

    out.family('target_batches_total', 'counter', 'Migration batches executed (replays excluded), by action.');
    for (const [action, n] of this.batches) out.sample('target_batches_total', { action }, n);

    out.family(
      'target_batches_duplicate_total',
      'counter',
      'Write batches re-sent with an already applied idempotency key.',
    );
    out.sample('target_batches_duplicate_total', {}, this.duplicates);
    out.family(
      'target_batches_epoch_total',
      'counter',
      'Write batches received, by the lease epoch they were sent under.',
    );
    for (const [epoch, n] of [...this.epochs].sort((a, b) => a[0] - b[0]))
      out.sample('target_batches_epoch_total', { epoch: String(epoch) }, n);
    out.family('target_batches_fenced_total', 'counter', 'Write batches refused: sent under an older lease epoch.');
    out.sample('target_batches_fenced_total', {}, this.fenced);

    out.family('target_orgs', 'gauge', 'Organizations by settings contract.');
    const contracts = new Map<string, number>([
      [LEGACY_CONTRACT, 0],
      [PROVIDER_AGNOSTIC_CONTRACT, 0],
      ...orgsByContract,
    ]);
    for (const [contract, n] of contracts) out.sample('target_orgs', { contract }, n);

    out.family('target_fault_active', 'gauge', 'Whether a fault is injected (1) or not (0).');
    out.sample('target_fault_active', {}, fault.mode === 'none' ? 0 : 1);

    out.family('target_app_requests_total', 'counter', 'Synthetic application requests, by cohort.');
    for (const [cohort, s] of this.synthetic) out.sample('target_app_requests_total', { cohort }, s.requests);
    out.family('target_app_errors_total', 'counter', 'Synthetic application errors, by cohort.');
    for (const [cohort, s] of this.synthetic) out.sample('target_app_errors_total', { cohort }, s.errors);
    out.family('target_app_latency_seconds', 'histogram', 'Synthetic application latency in seconds, by cohort.');
    for (const [cohort, s] of this.synthetic) out.histogram('target_app_latency_seconds', { cohort }, s.latency);

    return out.text();
  }
}
