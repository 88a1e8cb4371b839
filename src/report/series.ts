// A check's samples as chart points, downsampled for long gates: a 48 h gate at 1 s is 172,800 samples, and a chart
// on GitHub must fit a body of 65,536 characters. Samples fall into time buckets of a round width (1 s, 5 s, ... 1 d)
// and each bucket keeps its worst: the worst outcome (fail > error > inconclusive > pass) and the value furthest on
// the failing side of the threshold, so a downsampled chart never hides a failure or a spike.
import type { Outcome } from '../checks/types.js';

/** What the charts need of a sample (the ledger's samples have this shape). */
export interface SamplePoint {
  check: string;
  at: string;
  outcome: Outcome | string;
  value: number | null;
  reason?: string;
  error?: string;
}

export interface ChartPoint {
  /** Bucket start and end (ms since the epoch); equal for a single sample. */
  from: number;
  to: number;
  /** The worst value in the bucket; null when no sample in it had one. */
  value: number | null;
  outcome: Outcome;
  /** Samples in the bucket, and how many of them failed. */
  count: number;
  failed: number;
  /** No sample fell in this cell: it repeats the cell before. */
  filled: boolean;
}

const RANK: Record<Outcome, number> = { pass: 0, inconclusive: 1, error: 2, fail: 3 };

export function outcomeOf(s: SamplePoint): Outcome {
  return s.outcome in RANK ? (s.outcome as Outcome) : 'error';
}

function worseOutcome(a: Outcome, b: Outcome): Outcome {
  return RANK[b] > RANK[a] ? b : a;
}

const ROUND_WIDTHS_MS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
  (s) => s * 1000,
);

/** The smallest round bucket width that splits `spanMs` into at most `maxPoints` buckets. */
export function bucketWidth(spanMs: number, maxPoints: number): number {
  const min = spanMs / Math.max(1, maxPoints);
  return ROUND_WIDTHS_MS.find((w) => w >= min) ?? Math.ceil(min / 86_400_000) * 86_400_000;
}

function medianGap(sorted: readonly { t: number }[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) gaps.push(sorted[i]!.t - sorted[i - 1]!.t);
  gaps.sort((a, b) => a - b);
  return gaps.length ? gaps[Math.floor(gaps.length / 2)]! : 0;
}

/** The round width nearest to `ms` (by ratio); 0 for 0. */
function nearestRoundWidth(ms: number): number {
  if (ms <= 0) return 0;
  let best = ROUND_WIDTHS_MS[0]!;
  for (const w of ROUND_WIDTHS_MS) if (Math.abs(Math.log(w / ms)) < Math.abs(Math.log(best / ms))) best = w;
  return best;
}

/**
 * Chart points of `samples` (one check's, any order) on an even time grid of at most `maxPoints` cells, as Mermaid's
 * xychart spaces its points evenly. A cell keeps its worst sample; a cell without a sample repeats the one before
 * (`filled`), so the line stays continuous across a gap. `worse` says which way a value is worse ('above' when
 * failing means high); without it a cell keeps its last value.
 */
export function chartPoints(
  samples: readonly SamplePoint[],
  maxPoints: number,
  worse?: 'above' | 'below',
): { points: ChartPoint[]; widthMs: number } {
  const timed = samples.map((s) => ({ s, t: Date.parse(s.at) })).sort((a, b) => a.t - b.t);
  if (!timed.length) return { points: [], widthMs: 0 };
  const first = timed[0]!.t;
  const span = timed.at(-1)!.t - first;
  // The grid is no finer than the samples' own cadence (a gate sampled every 5 m gets 5 m cells), and coarse enough
  // for maxPoints.
  const width = Math.max(bucketWidth(span + 1, Math.max(1, maxPoints - 1)), nearestRoundWidth(medianGap(timed)));
  // Rounded, not floored: samples every 5 m with a few seconds of scheduler jitter land one a cell.
  const cells = Math.round(span / width) + 1;
  const grid: (ChartPoint & { valueFailing: boolean })[] = [];
  const further = (a: number, b: number) => (worse === undefined ? true : worse === 'below' ? b < a : b > a);
  for (const { s, t: at } of timed) {
    const key = Math.min(cells - 1, Math.round((at - first) / width));
    const outcome = outcomeOf(s);
    const failing = outcome === 'fail';
    const b = grid[key];
    if (!b) {
      grid[key] = {
        from: first + key * width,
        to: first + (key + 1) * width,
        value: s.value,
        outcome,
        count: 1,
        failed: failing ? 1 : 0,
        filled: false,
        valueFailing: failing,
      };
      continue;
    }
    b.count++;
    if (failing) b.failed++;
    b.outcome = worseOutcome(b.outcome, outcome);
    if (s.value === null) continue;
    // A failing sample's value beats a non-failing one; between equals, the one further on the failing side.
    const takes =
      b.value === null || (failing && !b.valueFailing) || (failing === b.valueFailing && further(b.value, s.value));
    if (takes) {
      b.value = s.value;
      b.valueFailing = failing;
    }
  }
  const points: ChartPoint[] = [];
  for (let i = 0; i < cells; i++) {
    const cell = grid[i];
    if (cell) {
      const { valueFailing: _, ...point } = cell;
      points.push(point);
    } else {
      const before = points.at(-1)!;
      points.push({
        ...before,
        from: first + i * width,
        to: first + (i + 1) * width,
        count: 0,
        failed: 0,
        filled: true,
      });
    }
  }
  return { points, widthMs: width };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s / 60}m`;
  if (s < 86400) return s % 3600 ? `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m` : `${s / 3600}h`;
  return s % 86400 ? `${Math.floor(s / 86400)}d ${Math.round((s % 86400) / 3600)}h` : `${s / 86400}d`;
}
