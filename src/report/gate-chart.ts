// A gate's checks as Mermaid charts for GitHub: each check's samples over time against its threshold, failing
// samples marked (red bars under the line), or its outcomes over time when its condition has no line; the numbers in
// a table under <details>. Everything fits a character budget: points and table rows give way before the charts do.
import { inert } from './inert.js';
import type { Check } from '../manifest/schema.js';
import { mermaidBlock, mermaidNumber, timeAxis, xyChart, type XySeries } from './mermaid.js';
import { chartPoints, formatDuration, outcomeOf, type ChartPoint, type SamplePoint } from './series.js';
import { thresholdOf, thresholdValue, type Threshold } from './threshold.js';

export interface CheckSeries {
  name: string;
  /** The check's config; absent when the manifest no longer defines it (then: outcomes only). */
  check?: Pick<Check, 'pass' | 'fail' | 'judge' | 'severity'>;
  samples: readonly SamplePoint[];
  baseline?: number | null;
}

export interface GateChartsInput {
  phase: string;
  checks: readonly CheckSeries[];
}

export interface GateChartsOptions {
  /** Characters the section may take (charts, tables, all). */
  maxChars: number;
  /** Only samples at or after / before these times (ms), e.g. the minutes before a failure. */
  from?: number;
  to?: number;
  /** Points per chart before downsampling. */
  maxPoints?: number;
}

const RED = '#dc2626';
const BLUE = '#2563eb';
const GREY = '#6b7280';
const OUTCOME_Y: Record<string, number> = { pass: 1, inconclusive: 0.5, error: 0.5, fail: 0 };

export interface ChartView {
  threshold: Threshold | null;
  line: number | null;
  /** Why there is no line, when there is none. */
  note?: string;
}

export function chartViewOf(c: CheckSeries): ChartView {
  const threshold = c.check ? thresholdOf(c.check) : null;
  if (!threshold)
    return {
      threshold: null,
      line: null,
      note: c.check ? 'its condition is not a comparison of value with a number' : 'not defined in the manifest',
    };
  const line = thresholdValue(threshold, c.baseline);
  return line === null ? { threshold, line: null, note: 'no baseline was measured for its line' } : { threshold, line };
}

function lineLabel(v: ChartView): string {
  if (!v.threshold || v.line === null) return '';
  const t = v.threshold;
  const how = t.factor !== 0 ? ` = ${mermaidNumber(t.factor)} × baseline${t.offset ? ` + ${t.offset}` : ''}` : '';
  return `line ${mermaidNumber(v.line)}${how}`;
}

/**
 * The Mermaid source of one check's chart, from points on an even grid. Three lines, drawn in this order: the value
 * (blue); the failing excursion (red: the value where the sample failed, the threshold elsewhere); the threshold
 * (grey), drawn last so it hides the red wherever nothing failed. A check without a line charts its outcome
 * (1 pass, 0.5 inconclusive or error, 0 fail) against the pass level 1 the same way.
 */
function checkChartSource(c: CheckSeries, points: readonly ChartPoint[], widthMs: number): string {
  const view = chartViewOf(c);
  const drawn = points.length === 1 ? [points[0]!, points[0]!] : points;
  const step = widthMs || 60_000;
  const axis = timeAxis(drawn[0]!.from, step * (drawn.length - 1));
  const xMax = (step * (drawn.length - 1)) / axis.unitMs;
  const per = widthMs ? `, one point per ${formatDuration(widthMs)}` : '';
  const valued = view.line !== null;
  // A cell whose samples had no value (errors) repeats the value before it (the first known one at the start).
  const known = drawn.find((p) => p.value !== null)?.value ?? view.line ?? 0;
  let last = known;
  const values = drawn.map((p) => {
    if (!valued) return OUTCOME_Y[p.outcome] ?? 0.5;
    last = p.value ?? last;
    return last;
  });
  const line = valued ? view.line! : 1;
  let lo = 0;
  let hi = 1;
  if (valued) {
    lo = Math.min(line, ...values);
    hi = Math.max(line, ...values);
    const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
    hi += pad;
    lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
  }
  const series: XySeries[] = [{ type: 'line', values, color: BLUE }];
  if (drawn.some((p) => p.outcome === 'fail'))
    series.push({ type: 'line', values: drawn.map((p, i) => (p.outcome === 'fail' ? values[i]! : line)), color: RED });
  series.push({ type: 'line', values: drawn.map(() => line), color: GREY });
  const title = valued
    ? `${c.name}: ${view.threshold!.source}; grey ${lineLabel(view)}, red failing${per}`
    : `${c.name}: outcome (1 pass, 0.5 inconclusive or error, 0 fail), red failing${per}`;
  return xyChart({
    title,
    xTitle: axis.title,
    xMax,
    yLabel: valued ? 'value' : 'outcome',
    yMin: lo,
    yMax: hi,
    series,
  });
}

function counts(samples: readonly SamplePoint[]): string {
  const by: Record<string, number> = {};
  for (const s of samples) by[outcomeOf(s)] = (by[outcomeOf(s)] ?? 0) + 1;
  const parts = ['pass', 'fail', 'inconclusive', 'error'].filter((o) => by[o]).map((o) => `${by[o]} ${o}`);
  return `${samples.length} sample${samples.length === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

const cell = inert;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function within(samples: readonly SamplePoint[], from?: number, to?: number): SamplePoint[] {
  return samples.filter((s) => {
    const t = Date.parse(s.at);
    return (from === undefined || t >= from) && (to === undefined || t <= to);
  });
}

/** One check's heading, chart and the line under it, as small as `budget` allows (fewer points first). */
function checkSection(c: CheckSeries, samples: SamplePoint[], budget: number, maxPoints: number): string {
  const view = chartViewOf(c);
  const worse = view.threshold?.failsWhen;
  const head = `**\`${c.name}\`**${c.check?.severity ? ` (${c.check.severity})` : ''}: ${counts(samples)}`;
  if (!samples.length) return `${head}.`;
  let text = '';
  for (let n = maxPoints; n >= 6; n = Math.floor(n / 2)) {
    const { points, widthMs } = chartPoints(samples, n, worse);
    const unvalued = view.line !== null ? samples.filter((s) => s.value === null).length : 0;
    const note = [
      view.line === null && view.note ? `no threshold line: ${view.note}` : '',
      unvalued ? `${unvalued} without a value, drawn at the value before` : '',
      points.length < samples.length ? `downsampled to ${points.length} points` : '',
    ].filter(Boolean);
    text = [
      `${head}${note.length ? ` (${note.join('; ')})` : ''}.`,
      '',
      mermaidBlock(checkChartSource(c, points, widthMs)),
    ].join('\n');
    if (text.length <= budget) return text;
  }
  return text.length <= budget ? text : `${head} (chart left out: no room in this body).`;
}

/** The numbers: every sample when they fit, else the downsampled buckets (worst of each), newest last. */
function numbersTable(checks: { c: CheckSeries; samples: SamplePoint[] }[], budget: number, maxPoints: number): string {
  const header = ['| check | at (UTC) | outcome | value | samples | reason |', '|---|---|---|---|---|---|'];
  const rows: string[] = [];
  for (const { c, samples } of checks) {
    const raw = samples.length <= maxPoints * 2;
    if (raw)
      for (const s of samples)
        rows.push(
          `| \`${c.name}\` | ${s.at} | ${outcomeOf(s)} | ${s.value ?? ''} | 1 | ${cell((s.reason ?? s.error ?? '').slice(0, 200))} |`,
        );
    else {
      const { points, widthMs } = chartPoints(samples, maxPoints, chartViewOf(c).threshold?.failsWhen);
      for (const p of points) {
        const count = `${p.count}${p.failed ? ` (${p.failed} failed)` : ''}`;
        const bucket = `${iso(p.from)} +${formatDuration(widthMs)}`;
        rows.push(`| \`${c.name}\` | ${bucket} | ${p.outcome} | ${p.value ?? ''} | ${count} | worst of the bucket |`);
      }
    }
  }
  const open = '<details><summary>The numbers</summary>\n';
  const close = '\n</details>';
  let size = open.length + close.length + header.join('\n').length + 200;
  const kept: string[] = [];
  // Newest rows matter most (the failure is at the end): keep from the end.
  for (let i = rows.length - 1; i >= 0; i--) {
    size += rows[i]!.length + 1;
    if (size > budget) break;
    kept.unshift(rows[i]!);
  }
  if (!kept.length) return '';
  const dropped = rows.length - kept.length;
  return [
    open,
    ...(dropped ? [`_${dropped} older rows left out to fit; \`rollouts log\` has every sample._`, ''] : []),
    ...header,
    ...kept,
    close,
  ].join('\n');
}

/** The charts of a gate's checks, then one table of the numbers, within `maxChars`. */
export function gateCharts(gate: GateChartsInput, opts: GateChartsOptions): string {
  const maxPoints = opts.maxPoints ?? 48;
  const checks = gate.checks.map((c) => ({ c, samples: within(c.samples, opts.from, opts.to) }));
  if (!checks.some((x) => x.samples.length)) return '_no samples yet_';
  const chartBudget = Math.floor((opts.maxChars * 0.7) / Math.max(1, checks.length));
  const sections = checks.map(({ c, samples }) => checkSection(c, samples, chartBudget, maxPoints));
  const used = sections.reduce((n, s) => n + s.length + 2, 0);
  const table = numbersTable(checks, opts.maxChars - used - 10, maxPoints);
  return [...sections, ...(table ? [table] : [])].join('\n\n');
}
