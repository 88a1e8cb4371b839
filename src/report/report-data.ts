// What the HTML report draws, read from the ledger: the timeline, every gate (its checks' samples against their
// thresholds) and the paged progress over time. Plain JSON: the page's script draws it with uPlot.
import type { Manifest } from '../manifest/schema.js';
import type { LedgerEntry, RolloutState } from '../state/types.js';
import { chartViewOf } from './gate-chart.js';
import { chartPoints, outcomeOf, type SamplePoint } from './series.js';
import { timelineOf, type TimelineSpan } from './timeline.js';

/** Points a chart of the page keeps before it downsamples (uPlot draws this many at once without effort). */
const MAX_PAGE_POINTS = 4000;

const OUTCOME_CODE = { pass: 1, inconclusive: 0.5, error: 0.5, fail: 0 } as const;

export interface CheckChart {
  name: string;
  severity: string | null;
  /** The condition the line comes from, and the line (null: the chart is outcomes, 1 pass .. 0 fail). */
  source: string | null;
  line: number | null;
  failsWhen: 'above' | 'below' | null;
  note: string | null;
  /** [ms, value or outcome code, failed 0|1]. */
  points: [number, number | null, 0 | 1][];
  samples: number;
  failed: number;
  downsampled: boolean;
}

export interface GateReport {
  phase: string;
  startedAt: number;
  endedAt: number;
  hold: string | null;
  every: string | null;
  /** How it ended: healthy, failed, paused, or open. */
  outcome: string;
  reason: string | null;
  checks: CheckChart[];
}

export interface ProgressReport {
  phase: string;
  step: string;
  /** [ms, cumulative items, batch number]. */
  points: [number, number, number][];
}

export interface ReportData {
  rollout: string;
  generatedAt: number;
  state: Pick<RolloutState, 'applied' | 'status'> & { desired: string; failure: string | null };
  phases: string[];
  timeline: TimelineSpan[];
  gates: GateReport[];
  progress: ProgressReport[];
}

interface OpenGate {
  gate: GateReport;
  samples: SamplePoint[];
  baseline: Record<string, number>;
  checks: string[];
}

function checkCharts(m: Manifest | null, open: OpenGate): CheckChart[] {
  const names = [...new Set([...open.checks, ...open.samples.map((s) => s.check)])];
  return names.map((name) => {
    const samples = open.samples.filter((s) => s.check === name);
    const series = { name, check: m?.checks[name], samples, baseline: open.baseline[name] ?? null };
    const view = chartViewOf(series);
    const valued = view.line !== null;
    const downsampled = samples.length > MAX_PAGE_POINTS;
    const pts = downsampled
      ? chartPoints(samples, MAX_PAGE_POINTS, view.threshold?.failsWhen).points.filter((p) => !p.filled)
      : samples.map((s) => {
          const t = Date.parse(s.at);
          const outcome = outcomeOf(s);
          return { from: t, value: s.value, outcome, failed: outcome === 'fail' ? 1 : 0 };
        });
    return {
      name,
      severity: m?.checks[name]?.severity ?? null,
      source: view.threshold?.source ?? null,
      line: view.line,
      failsWhen: valued ? view.threshold!.failsWhen : null,
      note: valued ? null : (view.note ?? null),
      points: pts.map((p) => [
        p.from,
        valued ? p.value : OUTCOME_CODE[p.outcome],
        p.outcome === 'fail' || p.failed ? 1 : 0,
      ]),
      samples: samples.length,
      failed: samples.filter((s) => outcomeOf(s) === 'fail').length,
      downsampled,
    };
  });
}

/** Every k-th point and the last: a cumulative line keeps its shape. */
function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const k = Math.ceil(points.length / max);
  return points.filter((_, i) => i % k === 0 || i === points.length - 1);
}

export function reportData(o: {
  name: string;
  manifest: Manifest | null;
  state: RolloutState | null;
  entries: readonly LedgerEntry[];
  now: number;
}): ReportData {
  const gates: GateReport[] = [];
  const progress = new Map<string, ProgressReport>();
  let open: OpenGate | null = null;
  const end = (t: number, outcome: string, reason: string | null) => {
    if (!open) return;
    open.gate.endedAt = t;
    open.gate.outcome = outcome;
    open.gate.reason = reason;
    open.gate.checks = checkCharts(o.manifest, open);
    open = null;
  };
  for (const e of o.entries) {
    const t = Date.parse(e.time);
    const r = e.result as Record<string, unknown> | undefined;
    switch (e.kind) {
      case 'gate-open': {
        end(t, 'superseded', null);
        const gate: GateReport = {
          phase: e.phase ?? '',
          startedAt: t,
          endedAt: t,
          hold: typeof r?.hold === 'string' ? r.hold : null,
          every: typeof r?.every === 'string' ? r.every : null,
          outcome: 'open',
          reason: null,
          checks: [],
        };
        gates.push(gate);
        open = {
          gate,
          samples: [],
          baseline: (r?.baseline as Record<string, number> | undefined) ?? {},
          checks: Array.isArray(r?.checks) ? (r.checks as string[]) : [],
        };
        break;
      }
      case 'sample':
        if (open && e.phase === open.gate.phase && r) open.samples.push(r as unknown as SamplePoint);
        break;
      case 'gate-failed':
        end(t, 'failed', typeof r?.reason === 'string' ? r.reason : null);
        break;
      case 'gate-paused':
        end(t, 'paused', typeof r?.reason === 'string' ? r.reason : null);
        break;
      case 'transition':
        if (r?.status === 'healthy' || r?.status === 'complete') end(t, 'healthy', null);
        else if (r?.status === 'applying') end(t, 'superseded', null);
        break;
      case 'rollback-start':
        end(t, 'rolled back', typeof r?.reason === 'string' ? r.reason : null);
        break;
      case 'batch': {
        const key = `${e.phase}/${e.step}`;
        const p = progress.get(key) ?? { phase: e.phase ?? '', step: e.step ?? '', points: [] };
        progress.set(key, p);
        const items = (p.points.at(-1)?.[1] ?? 0) + (e.counts?.items ?? 0);
        p.points.push([t, items, e.counts?.batch ?? p.points.length + 1]);
        break;
      }
    }
  }
  end(o.now, 'open', null);
  const failure = (o.state?.failure as { reason?: string } | null | undefined)?.reason ?? null;
  return {
    rollout: o.name,
    generatedAt: o.now,
    state: {
      applied: o.state?.applied ?? 'none',
      status: o.state?.status ?? 'none',
      desired: o.manifest?.phase ?? '(manifest removed)',
      failure,
    },
    phases: o.manifest?.phases.map((p) => p.name) ?? [],
    timeline: timelineOf(o.entries, o.now),
    gates,
    progress: [...progress.values()].map((p) => ({ ...p, points: thin(p.points, MAX_PAGE_POINTS) })),
  };
}
