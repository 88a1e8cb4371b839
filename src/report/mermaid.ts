// Writing Mermaid safely: numbers without exponents, labels stripped of what would end a string, a task or the
// Markdown fence around the block. GitHub renders ```mermaid blocks in comments, PR bodies and job summaries.

export function mermaidBlock(source: string): string {
  return ['```mermaid', source, '```'].join('\n');
}

/** A number as xychart reads it: plain decimal digits (no exponent), about four significant digits. */
export function mermaidNumber(n: number): string {
  if (!Number.isFinite(n) || n === 0) return '0';
  const abs = Math.abs(n);
  const decimals = abs >= 1000 ? 0 : Math.min(12, Math.max(0, 3 - Math.floor(Math.log10(abs))));
  const text = n.toFixed(decimals);
  const trimmed = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

/** Text inside a double-quoted Mermaid string (titles, axis labels). */
export function quoted(text: string, max = 80): string {
  const clean = text
    .replace(/["`\\]/g, "'")
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `"${clean.length > max ? `${clean.slice(0, max - 1)}…` : clean}"`;
}

/** A gantt task or section name: no `:` (it starts the task's data), `;`, `#` (comments, entities) or backticks. */
function ganttText(text: string, max = 60): string {
  const clean = text
    .replace(/[:;#`"\\]/g, ' ')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const short = clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
  return short || '-';
}

/** UTC wall time as the gantt reads it (`dateFormat YYYY-MM-DDTHH:mm:ss`). */
function ganttTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

/** How a time axis is labelled: its unit and origin ("minutes after 10:00 UTC"). */
export function timeAxis(originMs: number, spanMs: number): { title: string; unitMs: number } {
  const iso = new Date(originMs).toISOString();
  const [unit, unitMs] =
    spanMs <= 2 * 3_600_000
      ? ['minutes', 60_000]
      : spanMs <= 3 * 86_400_000
        ? ['hours', 3_600_000]
        : ['days', 86_400_000];
  const at = spanMs <= 86_400_000 ? iso.slice(11, 16) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  return { title: `${unit} after ${at} UTC`, unitMs };
}

export interface XySeries {
  type: 'line' | 'bar';
  values: number[];
  color: string;
}

/**
 * An xychart (mermaid >= 10.5 `xychart-beta`) over a numeric x axis from 0 to `xMax` (the points are spread evenly
 * across it, so they must be evenly spaced in time); series drawn in order, each in its own colour.
 */
export function xyChart(o: {
  title: string;
  xTitle: string;
  xMax: number;
  yLabel: string;
  yMin: number;
  yMax: number;
  series: XySeries[];
}): string {
  const palette = o.series.map((s) => s.color).join(', ');
  return [
    `%%{init: {"xyChart": {"width": 900, "height": 320}, "themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `  title ${quoted(o.title, 120)}`,
    `  x-axis ${quoted(o.xTitle, 60)} 0 --> ${mermaidNumber(o.xMax)}`,
    `  y-axis ${quoted(o.yLabel, 40)} ${mermaidNumber(o.yMin)} --> ${mermaidNumber(o.yMax)}`,
    ...o.series.map((s) => `  ${s.type} [${s.values.map(mermaidNumber).join(', ')}]`),
  ].join('\n');
}

export interface GanttTask {
  section: string;
  label: string;
  start: number;
  end: number;
  tags: ('done' | 'active' | 'crit' | 'milestone')[];
}

/** A gantt of tasks (grouped by section in first-seen order), times in UTC. */
export function gantt(title: string, tasks: readonly GanttTask[], spanMs: number): string {
  const axis = spanMs < 2 * 3_600_000 ? '%H:%M' : spanMs < 3 * 86_400_000 ? '%d %H:%M' : '%m-%d';
  const lines = [
    'gantt',
    `  title ${ganttText(title, 100)}`,
    '  dateFormat YYYY-MM-DDTHH:mm:ss',
    `  axisFormat ${axis}`,
    '  todayMarker off',
  ];
  const sections = [...new Set(tasks.map((t) => t.section))];
  for (const section of sections) {
    lines.push(`  section ${ganttText(section, 40)}`);
    for (const t of tasks.filter((x) => x.section === section)) {
      const milestone = t.tags.includes('milestone');
      // A bar needs a length GitHub can draw; a milestone is a point.
      const end = milestone ? '0s' : ganttTime(Math.max(t.end, t.start + 1000));
      lines.push(`    ${ganttText(t.label)} :${[...t.tags, ganttTime(t.start), end].join(', ')}`);
    }
  }
  return lines.join('\n');
}
