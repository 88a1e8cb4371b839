// The live terminal view of a rollout (`rollouts status --watch`, `apply --watch`): phases with the current one
// marked, step progress (batches, items, rate, ETA), each gate check's samples as a sparkline against its threshold,
// the lease holder. Pure: a model in, lines out; the CLI redraws them in place on a TTY, or prints plain lines.
import type { Lease } from '../state/types.js';
import { chartViewOf, type CheckSeries } from './gate-chart.js';
import { mermaidNumber } from './mermaid.js';
import { formatDuration, outcomeOf } from './series.js';

export interface WatchModel {
  name: string;
  desired: string;
  applied: string;
  status: string;
  phases: readonly string[];
  step: string | null;
  progress: { batches: number; items: number; startedAt?: string; maxBatches?: number } | null;
  gate: {
    phase: string;
    startedAt: string;
    passesAt: string;
    hold?: string;
    every?: string;
    checks: CheckSeries[];
  } | null;
  lease: Lease | null;
  failure?: { reason?: string } | null;
  /** `paused by alice at T: why` (or `pause asked ...` before a pass honoured it). */
  pause?: string;
  /** Recent lines from the engine (apply --watch), newest last. */
  events?: readonly string[];
  now: number;
}

export interface FrameOptions {
  width: number;
  color: boolean;
}

const BARS = '▁▂▃▄▅▆▇█';

const paint = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
const red = (on: boolean, t: string) => paint(on, '31', t);
const green = (on: boolean, t: string) => paint(on, '32', t);
const yellow = (on: boolean, t: string) => paint(on, '33', t);
const bold = (on: boolean, t: string) => paint(on, '1', t);
const dim = (on: boolean, t: string) => paint(on, '2', t);

/** The level (0..7) of `v` between lo and hi. */
function level(v: number, lo: number, hi: number): number {
  if (hi <= lo) return 3;
  return Math.max(0, Math.min(7, Math.round(((v - lo) / (hi - lo)) * 7)));
}

/** A sparkline of the last `width` samples: failing ones red (or `×` without colour), errors `·`. */
export function sparkline(c: CheckSeries, width: number, color: boolean): { text: string; lineLevel: string | null } {
  const view = chartViewOf(c);
  const samples = c.samples.slice(-width);
  const values = samples.map((s) => s.value).filter((v): v is number => v !== null);
  const withLine = view.line !== null ? [...values, view.line] : values;
  const lo = Math.min(...withLine);
  const hi = Math.max(...withLine);
  // A check without values (an http probe deciding on result.status) draws its outcomes: pass high, fail low.
  const outcomesOnly = values.length === 0;
  const chars = samples.map((s) => {
    const o = outcomeOf(s);
    if (outcomesOnly) return o === 'pass' ? '▆' : o === 'fail' ? (color ? red(true, '▁') : '×') : yellow(color, '▃');
    if (s.value === null) return o === 'fail' ? red(color, color ? '▁' : '×') : dim(color, '·');
    const ch = BARS[level(s.value, lo, hi)]!;
    if (o === 'fail') return color ? red(true, ch) : '×';
    if (o !== 'pass') return yellow(color, ch);
    return ch;
  });
  return {
    text: chars.join(''),
    lineLevel: view.line !== null && values.length ? BARS[level(view.line, lo, hi)]! : null,
  };
}

function phaseLine(m: WatchModel, color: boolean): string {
  const ai = m.phases.indexOf(m.applied);
  const failed = ['failed', 'paused'].includes(m.status);
  const parts = m.phases.map((p, i) => {
    if (p === m.applied) {
      const mark = failed
        ? '✖'
        : m.status === 'rolling-back'
          ? '↩'
          : m.status === 'complete' || m.status === 'healthy'
            ? '✔'
            : '▶';
      const text = `${mark} ${p}`;
      return bold(color, failed ? red(color, text) : text);
    }
    if (i < ai) return green(color, `✔ ${p}`);
    return dim(color, `${p === m.desired ? '◎' : '○'} ${p}`);
  });
  return parts.join(dim(color, ' › '));
}

function eta(p: NonNullable<WatchModel['progress']>, now: number): { rate: string; eta: string } {
  const started = p.startedAt ? Date.parse(p.startedAt) : NaN;
  const elapsed = Number.isNaN(started) ? 0 : Math.max(1, now - started);
  const perSec = elapsed ? (p.items || p.batches) / (elapsed / 1000) : 0;
  const unit = p.items ? 'items/s' : 'batches/s';
  const rate = elapsed ? `${perSec >= 100 ? Math.round(perSec) : perSec.toFixed(1)} ${unit}` : '';
  if (!p.maxBatches || !elapsed || !p.batches) return { rate, eta: '' };
  const left = ((p.maxBatches - p.batches) * elapsed) / p.batches;
  return { rate, eta: `ETA ≤ ${formatDuration(Math.max(0, Math.round(left)))}` };
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** Cuts a line to `width` visible columns (ANSI codes do not count), so a redraw never wraps. */
export function fit(line: string, width: number): string {
  let visible = 0;
  let out = '';
  // eslint-disable-next-line no-control-regex -- ANSI colour codes are what is being skipped
  for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) {
      out += part;
      continue;
    }
    for (const ch of part) {
      if (visible >= width) return line.includes('\x1b[') ? `${out}\x1b[0m` : out;
      out += ch;
      visible++;
    }
  }
  return out;
}

export function watchFrame(m: WatchModel, opts: FrameOptions): string[] {
  const { color, width } = opts;
  const c = color;
  const statusText =
    m.status === 'failed' || m.status === 'paused'
      ? red(c, m.status)
      : m.status === 'complete' || m.status === 'healthy' || m.status === 'rolled-back'
        ? green(c, m.status)
        : yellow(c, m.status);
  const lines = [
    `${bold(c, m.name)}  ${statusText}  applied ${m.applied}, desired ${m.desired}  ${dim(c, `${clock(m.now)} UTC`)}`,
    `${dim(c, 'phases')}  ${phaseLine(m, c)}`,
  ];
  if (m.step) {
    const p = m.progress;
    const parts = [m.step];
    if (p) {
      const { rate, eta: left } = eta(p, m.now);
      parts.push(
        `batch ${p.batches}${p.maxBatches ? `/${p.maxBatches}` : ''}`,
        `${p.items.toLocaleString('en-US')} items`,
        ...(rate ? [rate] : []),
        ...(left ? [left] : []),
      );
    }
    lines.push(`${dim(c, 'step')}    ${parts.join(', ')}`);
  }
  if (m.gate) {
    const passes = Date.parse(m.gate.passesAt);
    const wait = passes > m.now ? ` (in ${formatDuration(passes - m.now)})` : '';
    const hold = m.gate.hold ? `hold ${m.gate.hold}, ` : '';
    const every = m.gate.every ? `every ${m.gate.every}, ` : '';
    lines.push(`${dim(c, 'gate')}    ${m.gate.phase}: ${hold}${every}passes at ${clock(passes)}${wait}`);
    const nameWidth = Math.max(8, ...m.gate.checks.map((x) => x.name.length));
    const sparkWidth = Math.max(8, Math.min(40, width - nameWidth - 44));
    for (const check of m.gate.checks) {
      const { text, lineLevel } = sparkline(check, sparkWidth, c);
      const last = check.samples.at(-1);
      const view = chartViewOf(check);
      const value = last?.value !== null && last?.value !== undefined ? mermaidNumber(last.value) : '—';
      const outcome = last ? outcomeOf(last) : 'no samples';
      const shownOutcome =
        outcome === 'fail' ? red(c, outcome) : outcome === 'pass' ? green(c, outcome) : yellow(c, outcome);
      const condition =
        check.check?.fail !== undefined
          ? `fail: ${check.check.fail}`
          : check.check?.pass !== undefined
            ? `pass: ${check.check.pass}`
            : '';
      const line = view.line !== null ? ` (line ${mermaidNumber(view.line)}${lineLevel ? ` ${lineLevel}` : ''})` : '';
      const threshold = view.threshold ? `${view.threshold.source}${line}` : condition;
      const spark = text + ' '.repeat(Math.max(0, sparkWidth - Math.min(sparkWidth, check.samples.length)));
      lines.push(
        `  ${check.name.padEnd(nameWidth)}  ${spark}  ${value.padStart(8)}  ${shownOutcome}  ${dim(c, threshold)}`,
      );
    }
  }
  if (m.failure?.reason) lines.push(`${red(c, 'failure')} ${m.failure.reason}`);
  if (m.pause) lines.push(`${dim(c, 'pause')}   ${m.pause}`);
  if (m.lease) {
    const { host, pid, runId } = m.lease.holder;
    const run = runId ? ` (run ${runId})` : '';
    lines.push(`${dim(c, 'lease')}   ${host}:${pid}${run} until ${clock(Date.parse(m.lease.expiresAt))}`);
  } else lines.push(`${dim(c, 'lease')}   free`);
  for (const e of m.events ?? []) lines.push(dim(c, `  ${e}`));
  return lines.map((l) => fit(l.trimEnd(), width));
}

/** One plain line of the rollout's state, for logs: printed when it changes. */
export function plainStatusLine(m: WatchModel): string {
  const p = m.progress;
  const step = m.step
    ? `, step ${m.step}${p ? ` batch ${p.batches}${p.maxBatches ? `/${p.maxBatches}` : ''}, ${p.items} items` : ''}`
    : '';
  const gate = m.gate ? `, gate ${m.gate.phase} passes at ${m.gate.passesAt}` : '';
  const lease = m.lease ? `, lease ${m.lease.holder.host}:${m.lease.holder.pid}` : '';
  const pause = m.pause ? `, ${m.pause}` : '';
  return `${m.name}: ${m.status}, applied ${m.applied}, desired ${m.desired}${step}${gate}${lease}${pause}`;
}
