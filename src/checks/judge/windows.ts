// How far back one point of a PromQL range query looks: the judge's step is raised to it, so that no two points share
// data and the Mann-Whitney test sees independent observations.
//
// Why thinning and not an effective-sample-size correction: `rate(x[1m])` evaluated every 15 s makes each point share
// three quarters of its increments with its neighbour (lag-k correlation 1 - k x step / window, for independent
// scrapes), so the U test counts four points where there is one and reports p ~ 1e-4 for a mean ratio of 1.0016. The
// overlap is known from the query itself, so it is removed exactly by evaluating at step >= window; and because
// windows evaluated one window apart tile the range, the thinned points still carry all the increments. Estimating
// the autocorrelation from 30-120 points instead (ESS = n / (1 + 2 sum rho_k)) has a standard error ~ 1/sqrt(n) per
// lag, so the correction would itself be noise. Kayenta does neither: it takes whatever step the metric source
// returns, and relies on its tolerance band and effect-size gate alone (both in classify.ts, both kept here).
//
// What counts as a window: every range selector `x[5m]` and every subquery `expr[30m:1m]`; a subquery's inner
// windows add to its range (`max_over_time(rate(x[1m])[10m:])` looks back 11 minutes). Windows in string literals
// and comments are ignored. A recording rule hides its window: set the judge's `step` to at least that window.

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
const DURATION_PART = /(\d+)(ms|y|w|d|h|m|s)/gy;

/** A PromQL duration (`1h30m`, `90s`, `500ms`) in milliseconds; null when the text is not one. */
export function promDurationMs(text: string): number | null {
  if (text.length === 0) return null;
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = DURATION_PART.exec(text); m; m = DURATION_PART.exec(text)) {
    total += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
    consumed = DURATION_PART.lastIndex;
  }
  return consumed === text.length ? total : null;
}

interface Window {
  /** Index of the `[`. */
  open: number;
  rangeMs: number;
  /** For a subquery: where the expression it applies to starts (its inner windows add to its range). */
  innerFrom: number | null;
}

/**
 * The query with string literals ('...', "..." with escapes, `...` raw) and # comments blanked out, same length, so
 * that brackets and parentheses inside them are not taken for syntax.
 */
function codeOnly(q: string): string {
  const out = q.split('');
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === '#') {
      for (; i < q.length && q[i] !== '\n'; i++) out[i] = ' ';
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      for (; j < q.length && q[j] !== c; j++) if (c !== '`' && q[j] === '\\') j++;
      for (let k = i; k <= Math.min(j, q.length - 1); k++) out[k] = ' ';
      i = j;
    }
  }
  return out.join('');
}

/** Where the operand ending just before `end` starts: a (call), a {selector}, or a bare metric name. */
function operandStart(q: string, end: number): number {
  let i = end - 1;
  while (i >= 0 && /\s/.test(q[i]!)) i--;
  if (q[i] === ')' || q[i] === '}') {
    const close = q[i]!;
    const open = close === ')' ? '(' : '{';
    let depth = 0;
    for (; i >= 0; i--) {
      if (q[i] === close) depth++;
      else if (q[i] === open && --depth === 0) break;
    }
  }
  while (i > 0 && /[\w:]/.test(q[i - 1]!)) i--;
  return Math.max(i, 0);
}

function windowsOf(query: string): Window[] {
  const q = codeOnly(query);
  const windows: Window[] = [];
  for (let open = q.indexOf('['); open >= 0; open = q.indexOf('[', open + 1)) {
    const close = q.indexOf(']', open);
    if (close < 0) break;
    const [range, resolution] = q.slice(open + 1, close).split(':');
    const rangeMs = promDurationMs((range ?? '').trim());
    if (rangeMs === null) continue;
    windows.push({ open, rangeMs, innerFrom: resolution !== undefined ? operandStart(q, open) : null });
  }
  return windows;
}

/**
 * The longest look-back of one point of `query`, in seconds: the largest range selector, a subquery's range plus the
 * windows inside it. Null when the query has no window (a gauge, a recording rule).
 */
export function lookbackSeconds(query: string): number | null {
  const windows = windowsOf(query);
  if (windows.length === 0) return null;
  let longest = 0;
  for (const w of windows) {
    let total = w.rangeMs;
    for (const outer of windows) {
      if (outer.innerFrom !== null && outer.innerFrom <= w.open && w.open < outer.open) total += outer.rangeMs;
    }
    longest = Math.max(longest, total);
  }
  return longest / 1000;
}

export interface Thinning {
  /** Longest look-back of the queries, seconds; null when none has a window. */
  window: number | null;
  /** The step the range queries run at: the configured step, raised to the window. */
  step: number;
  /** The configured step when it was raised, else null. */
  thinnedFrom: number | null;
}

/** The step at which the points of every query in `queries` are independent: max(step, their longest window). */
export function thinnedStep(stepSeconds: number, queries: readonly string[]): Thinning {
  const windows = queries.map(lookbackSeconds).filter((w): w is number => w !== null);
  const window = windows.length ? Math.max(...windows) : null;
  if (window === null || window <= stepSeconds) return { window, step: stepSeconds, thinnedFrom: null };
  return { window, step: window, thinnedFrom: stepSeconds };
}
