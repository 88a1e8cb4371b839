// Ledgers shaped as the engine writes them, for the pictures: a feature-flag canary that fails at seed 004's times
// (detected 10:30, decision 10:40, rollback 10:42, verified 10:45), a 48 h gate sampled every second, a paged
// backfill. Entry kinds and result shapes are the engine's (src/engine/phases.ts, steps.ts, gate.ts).
import { parseManifest } from '../../src/manifest/index.js';
import type { Manifest } from '../../src/manifest/index.js';
import type { GateSample, LedgerEntry, RolloutState } from '../../src/state/index.js';

export const CANARY_YAML = `apiVersion: rollouts/v1
kind: Rollout
name: chat-limits
description: Usage limits feature flag, seed 004
phase: canary
env: [TARGET_URL]
checks:
  error-rate:
    prometheus: { url: "http://127.0.0.1:9090", query: "sum(rate(errors[5m])) / sum(rate(requests[5m]))" }
    fail: "value > 0.05"
    severity: critical
  latency-p95:
    prometheus: { url: "http://127.0.0.1:9090", query: "histogram_quantile(0.95, sum by (le) (rate(latency_bucket[5m])))" }
    fail: "value > 2.0 * baseline"
    severity: high
  probe:
    http: { url: "{{ env.TARGET_URL }}/status" }
    pass: "result.status == 200"
    severity: high
phases:
  - name: canary
    cohort: { ids: [org_1, org_2] }
    steps:
      - name: backup-config
        readOnly: true
        run: [./scripts/backup]
      - name: flag-on
        run: [./scripts/flag, "on"]
    gate: { hold: 1h, every: 5m, checks: [error-rate, latency-p95, probe] }
  - name: limited
    cohort: { ids: [org_1, org_2, org_3] }
    steps:
      - name: flag-on
        run: [./scripts/flag, "on"]
    gate: { hold: 48h, every: 15m, checks: [error-rate] }
  - name: full
    steps:
      - name: backfill
        run: [./scripts/backfill]
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
rollback:
  - name: flag-off
    run: [./scripts/flag, "off"]
verify:
  - name: no-corruption
    exec: { run: [./scripts/count-corrupt] }
    pass: "result.json.count == 0"
`;

export function manifestOf(yaml: string, file = 'rollouts/chat-limits.yaml'): Manifest {
  const r = parseManifest(file, yaml);
  if (!r.manifest) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.manifest;
}

const T = (hhmmss: string) => `2024-01-15T${hhmmss}.000Z`;

export function entry(time: string, kind: string, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return { time, actor: 'runner-1:4242', rollout: 'chat-limits', kind, trigger: { event: 'schedule' }, ...extra };
}

export interface Scenario {
  manifest: Manifest;
  state: RolloutState;
  entries: LedgerEntry[];
  /** When the gate failed (ms). */
  failedAt: number;
}

function sample(at: string, check: string, outcome: string, value: number | null, reason?: string) {
  return { check, at, outcome, value, severity: 'critical', durationMs: 40, ...(reason ? { reason } : {}) };
}

/**
 * Seed 004's incident, as the ledger records it: the canary gate opens at 10:00, error rate and retries climb from
 * 10:25, the error-rate check fails from 10:30 (`for` is not set, failureLimit 0 would fail at once; here the
 * samples before 10:40 are inconclusive-free passes of the other checks), the gate fails at 10:40, the revert is
 * merged and the rollback runs at 10:42, verify passes at 10:45.
 */
export function failedCanary(opts: { rolledBack?: boolean } = {}): Scenario {
  const manifest = manifestOf(CANARY_YAML);
  const entries: LedgerEntry[] = [
    entry(T('09:56:30'), 'transition', { phase: 'canary', result: { from: 'none', to: 'canary', status: 'applying' } }),
    entry(T('09:56:31'), 'cohort', { phase: 'canary', result: { ids: ['org_1', 'org_2'], added: ['org_1', 'org_2'] } }),
    entry(T('09:56:32'), 'step-start', { phase: 'canary', step: 'backup-config', result: { stepKind: 'apply' } }),
    entry(T('09:56:40'), 'step-result', { phase: 'canary', step: 'backup-config', result: { exitCode: 0 } }),
    entry(T('09:56:40'), 'step-end', { phase: 'canary', step: 'backup-config', counts: { batches: 1, items: 0 } }),
    entry(T('09:59:41'), 'step-start', { phase: 'canary', step: 'flag-on', result: { stepKind: 'apply' } }),
    entry(T('09:59:59'), 'step-end', { phase: 'canary', step: 'flag-on', counts: { batches: 1, items: 0 } }),
    entry(T('10:00:00'), 'gate-open', {
      phase: 'canary',
      result: {
        hold: '1h',
        every: '5m',
        checks: ['error-rate', 'latency-p95', 'probe'],
        baseline: { 'latency-p95': 0.21 },
      },
    }),
  ];
  const errorRate = [0.011, 0.012, 0.01, 0.013, 0.015, 0.032, 0.25, 0.27, 0.26];
  const latency = [0.2, 0.22, 0.21, 0.2, 0.23, 0.3, 0.38, 0.47, 0.51];
  errorRate.forEach((v, i) => {
    const at = new Date(Date.parse(T('10:00:00')) + i * 5 * 60_000).toISOString();
    const failing = v > 0.05;
    const lat = latency[i]!;
    const latFail = lat > 0.42;
    const samples = [
      sample(
        at,
        'error-rate',
        failing ? 'fail' : 'pass',
        v,
        failing ? `fail: \`value > 0.05\` is true (value ${v})` : undefined,
      ),
      { ...sample(at, 'latency-p95', latFail ? 'fail' : 'pass', lat), severity: 'high' },
      {
        ...sample(
          at,
          'probe',
          i === 8 ? 'fail' : 'pass',
          null,
          i === 8 ? 'pass: `result.status == 200` is false' : undefined,
        ),
        severity: 'high',
      },
    ];
    for (const s of samples) entries.push(entry(at, 'sample', { phase: 'canary', result: s }));
  });
  const failedAt = Date.parse(T('10:40:00'));
  const failing = entries
    .filter((e) => e.kind === 'sample' && (e.result as { outcome: string }).outcome === 'fail')
    .map((e) => e.result);
  entries.push(
    entry(T('10:40:00'), 'gate-failed', {
      phase: 'canary',
      result: {
        severity: 'critical',
        reason: 'error-rate failed 3 samples (failureLimit 0): fail: `value > 0.05` is true (value 0.26)',
        failing,
      },
    }),
  );
  if (opts.rolledBack)
    entries.push(
      entry(T('10:42:00'), 'rollback-start', {
        phase: 'canary',
        result: { from: 'canary', to: 'none', reason: 'desired phase none is below applied canary' },
      }),
      entry(T('10:42:01'), 'step-start', { phase: 'canary', step: 'flag-off', result: { stepKind: 'rollback' } }),
      entry(T('10:43:30'), 'step-end', { phase: 'canary', step: 'flag-off', counts: { batches: 1, items: 0 } }),
      entry(T('10:43:31'), 'phase-rolled-back', { phase: 'canary', result: { applied: 'none' } }),
      entry(T('10:45:00'), 'verify', { result: sample(T('10:45:00'), 'no-corruption', 'pass', null) }),
      entry(T('10:45:00'), 'transition', { result: { status: 'rolled-back', applied: 'none' } }),
    );
  const gateSamples = entries.filter((e) => e.kind === 'sample').map((e) => e.result as GateSample);
  const state: RolloutState = {
    name: 'chat-limits',
    applied: opts.rolledBack ? 'none' : 'canary',
    status: opts.rolledBack ? 'rolled-back' : 'failed',
    enteredBy: 'abc1234def5678',
    step: null,
    gate: opts.rolledBack
      ? null
      : {
          phase: 'canary',
          startedAt: T('10:00:00'),
          passesAt: T('11:00:00'),
          samples: gateSamples,
          baseline: { 'latency-p95': 0.21 },
        },
    failure: opts.rolledBack
      ? null
      : { phase: 'canary', severity: 'critical', reason: 'error-rate failed 3 samples', at: T('10:40:00') },
    lease: null,
    updatedAt: T('10:40:00'),
  };
  return { manifest, state, entries, failedAt };
}

/** A 48 h gate of `limited` sampled every second by three checks: 172,800 samples each; error-rate fails at the end. */
export function longGate(): { manifest: Manifest; samples: LedgerEntry['result'][]; start: number; end: number } {
  const manifest = manifestOf(CANARY_YAML);
  const start = Date.parse('2024-02-01T00:00:00.000Z');
  const n = 48 * 3600;
  const samples: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(start + i * 1000).toISOString();
    const err = 0.01 + 0.005 * Math.sin(i / 3000) + (i > n - 120 ? 0.1 : 0);
    samples.push(sample(at, 'error-rate', err > 0.05 ? 'fail' : 'pass', Number(err.toFixed(5))));
    samples.push(sample(at, 'latency-p95', 'pass', Number((0.2 + 0.01 * Math.cos(i / 5000)).toFixed(4))));
    samples.push(sample(at, 'probe', i % 50_000 === 7 ? 'error' : 'pass', null));
  }
  return { manifest, samples, start, end: start + (n - 1) * 1000 };
}

/** A paged backfill: `batches` batches of 25 items (the last 9), 2 s apart; by default the full phase's, entered first. */
export function pagedBackfill(
  batches = 40,
  o: { phase?: string; step?: string; start?: string; enter?: boolean } = {},
): LedgerEntry[] {
  const phase = o.phase ?? 'full';
  const step = o.step ?? 'backfill';
  const t0 = Date.parse(o.start ?? T('12:00:00'));
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const out = [
    ...(o.enter === false
      ? []
      : [entry(at(0), 'transition', { phase, result: { from: 'limited', to: phase, status: 'applying' } })]),
    entry(at(1), 'step-start', { phase, step, result: { stepKind: 'apply' } }),
  ];
  for (let b = 1; b <= batches; b++)
    out.push(
      entry(at(1 + b * 2), 'batch', {
        phase,
        step,
        counts: { batch: b, items: b === batches ? 9 : 25 },
        result: { processed: 25, failed: 0, hasNextPage: b < batches },
        durationMs: 1800,
      }),
    );
  out.push(entry(at(2 + batches * 2), 'step-end', { phase, step, counts: { batches, items: 25 * (batches - 1) + 9 } }));
  return out;
}
