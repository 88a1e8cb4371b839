// Two-sample statistics of the judge: Mann-Whitney U (Wilcoxon rank-sum) with tie and continuity correction,
// Hodges-Lehmann shift with R's asymptotic confidence interval, and the mean ratio.
// Convention: x = control, y = canary. U is U1 of the control (R's W, SciPy's U1 for x); shifts are canary - control.
import { normalQuantile, normalTails } from './normal.js';
import { brentRoot } from './root.js';

/** The finite values of a series: NaN (Prometheus' "no sample") and infinities are dropped. */
export function finiteValues(values: readonly number[]): number[] {
  return values.filter((v) => typeof v === 'number' && Number.isFinite(v));
}

/** The functions below take finite values only (the rank merge would not advance past a NaN): filter first. */
function requireSeries(control: readonly number[], canary: readonly number[], what: string): void {
  if (control.length === 0 || canary.length === 0) throw new Error(`${what} needs at least one value in each series`);
  if (!control.every(Number.isFinite) || !canary.every(Number.isFinite)) {
    throw new Error(`${what} takes finite values only; drop NaN and infinities with finiteValues first`);
  }
}

function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

interface RankSum {
  /** Sum of the (tie-averaged) ranks of x - shift in the pooled sample. */
  rankSumX: number;
  /** Sum over tie groups of t^3 - t. */
  tieTerm: number;
}

/**
 * Rank sum of the shifted x in the pooled sample of (x - shift, y), from sorted x and y in O(n): subtracting the same
 * number keeps x sorted (rounding is monotone), so a merge walk finds the tie groups. All sums are of half-integers
 * and small integers, hence exact.
 */
function rankSum(xs: Float64Array, shift: number, ys: Float64Array): RankSum {
  const nx = xs.length;
  const ny = ys.length;
  let i = 0;
  let j = 0;
  let position = 0;
  let rankSumX = 0;
  let tieTerm = 0;
  while (i < nx || j < ny) {
    let v: number;
    if (i >= nx) v = ys[j]!;
    else if (j >= ny) v = xs[i]! - shift;
    else v = Math.min(xs[i]! - shift, ys[j]!);
    let tx = 0;
    while (i < nx && xs[i]! - shift === v) {
      tx++;
      i++;
    }
    let ty = 0;
    while (j < ny && ys[j] === v) {
      ty++;
      j++;
    }
    const t = tx + ty;
    rankSumX += tx * (position + (t + 1) / 2);
    tieTerm += t * t * t - t;
    position += t;
  }
  return { rankSumX, tieTerm };
}

/** Standard deviation of U under H0 with the tie correction, in R's order of operations. */
function sigmaU(nx: number, ny: number, tieTerm: number): number {
  return Math.sqrt(((nx * ny) / 12) * (nx + ny + 1 - tieTerm / ((nx + ny) * (nx + ny - 1))));
}

export interface MannWhitneyResult {
  /** U1 of the control: the number of (control, canary) pairs where the control is larger, ties counting 1/2. */
  u: number;
  /** Two-sided p-value, normal approximation with tie and continuity correction. */
  pValue: number;
  /** The corrected z statistic (0 when all values are tied). */
  z: number;
}

/**
 * Two-sided Mann-Whitney U test, asymptotic, tie- and continuity-corrected: the numbers of
 * R `wilcox.test(control, canary, exact = FALSE, correct = TRUE)` and SciPy
 * `mannwhitneyu(control, canary, alternative='two-sided', use_continuity=True, method='asymptotic')`.
 * When every value is tied the test has no variance; the p-value is then 1 (as SciPy; R gives NaN).
 */
export function mannWhitneyU(control: readonly number[], canary: readonly number[]): MannWhitneyResult {
  requireSeries(control, canary, 'mannWhitneyU');
  return shiftedTest(sortedCopy(control), 0, sortedCopy(canary));
}

/**
 * The same test of the hypothesis "canary - control = shift": the control moved by `shift` against the canary (R's
 * `wilcox.test(control, canary, mu = -shift)`). A shift is outside the test's confidence interval exactly when this
 * p-value is below alpha, so the judge asks it directly instead of comparing with interval bounds that a root finder
 * found to an absolute tolerance (1e-4, too coarse for an error ratio of 0.001). `z < 0`: the canary lies above.
 */
export function mannWhitneyShifted(
  control: readonly number[],
  canary: readonly number[],
  shift: number,
): MannWhitneyResult {
  requireSeries(control, canary, 'mannWhitneyShifted');
  if (!Number.isFinite(shift)) throw new RangeError(`mannWhitneyShifted needs a finite shift, got ${shift}`);
  return shiftedTest(sortedCopy(control), -shift, sortedCopy(canary));
}

/** The U test of (x - shift) against y, from sorted x and y. */
function shiftedTest(xs: Float64Array, shift: number, ys: Float64Array): MannWhitneyResult {
  const nx = xs.length;
  const ny = ys.length;
  const { rankSumX, tieTerm } = rankSum(xs, shift, ys);
  const u = rankSumX - (nx * (nx + 1)) / 2;
  const sigma = sigmaU(nx, ny, tieTerm);
  if (sigma === 0) return { u, pValue: 1, z: 0 };
  const deviation = u - (nx * ny) / 2;
  const z = (deviation - Math.sign(deviation) * 0.5) / sigma;
  const tails = normalTails(z);
  return { u, pValue: Math.min(1, 2 * Math.min(tails.lower, tails.upper)), z };
}

/**
 * The smallest two-sided p-value `mannWhitneyU` can give for samples of these sizes: every control point below every
 * canary point (U = 0), no ties. When even that is not below the test's alpha, no data of these sizes could ever be
 * significant, and a Pass would be no evidence at all (4 against 4 points: p >= 0.030, never < 0.02).
 */
export function smallestPValue(nx: number, ny: number): number {
  if (!(Number.isInteger(nx) && Number.isInteger(ny) && nx > 0 && ny > 0))
    throw new RangeError(`smallestPValue needs two positive sample sizes, got ${nx} and ${ny}`);
  const deviation = (nx * ny) / 2;
  const z = (deviation - 0.5) / sigmaU(nx, ny, 0);
  return Math.min(1, 2 * normalTails(z).upper);
}

/**
 * The k-th smallest value (0-based) of `a`, moving values around in place (Hoare's selection with a median-of-three
 * pivot): O(n) on average, where sorting 250,000 differences would cost O(n log n) and ~50 ms in V8. Equal values
 * stop both scans, so heavily tied data still splits in the middle. Afterwards a[k+1..] are all >= a[k].
 */
function selectInPlace(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = lo + ((hi - lo) >> 1);
    const [p, q, r] = [a[lo]!, a[mid]!, a[hi]!];
    const pivot = p < q ? (q < r ? q : p < r ? r : p) : p < r ? p : q < r ? r : q;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** The median (mean of the middle two for an even length) of `a`, reordering it. */
function medianInPlace(a: Float64Array): number {
  const n = a.length;
  const half = n >> 1;
  const upper = selectInPlace(a, half);
  if (n % 2 === 1) return upper;
  let below = a[0]!; // the largest of a[0..half), all <= upper after the selection
  for (let i = 1; i < half; i++) if (a[i]! > below) below = a[i]!;
  return (below + upper) / 2;
}

/**
 * Hodges-Lehmann estimate of the shift canary - control: the median of all n_control x n_canary differences y_j - x_i.
 */
export function hodgesLehmannShift(control: readonly number[], canary: readonly number[]): number {
  const nx = control.length;
  const ny = canary.length;
  requireSeries(control, canary, 'hodgesLehmannShift');
  const differences = new Float64Array(nx * ny);
  let k = 0;
  for (let j = 0; j < ny; j++) {
    const y = canary[j]!;
    for (let i = 0; i < nx; i++) differences[k++] = y - control[i]!;
  }
  return medianInPlace(differences) + 0; // + 0: report 0, not -0
}

/** R's wilcox.test default tolerance for the confidence bounds (`tol.root`). */
const ROOT_TOLERANCE = 1e-4;

/**
 * Confidence interval of the shift canary - control at `confLevel`, by inverting the normal-approximation rank test
 * with continuity correction, exactly as R's `wilcox.test(control, canary, exact = FALSE, correct = TRUE,
 * conf.int = TRUE, conf.level)` does (R reports control - canary: this is its conf.int negated and swapped).
 * The bounds solve a step function with R's root finder and tolerance, so they are accurate to ~1e-4 of the data
 * scale, like R's, and equal to R's. Two constant series give the point interval [shift, shift] (R cannot).
 */
export function hodgesLehmannInterval(
  control: readonly number[],
  canary: readonly number[],
  confLevel = 0.98,
): [number, number] {
  if (!(confLevel > 0 && confLevel < 1)) throw new RangeError(`confLevel must be in (0, 1), got ${confLevel}`);
  const nx = control.length;
  const ny = canary.length;
  requireSeries(control, canary, 'hodgesLehmannInterval');
  const xs = sortedCopy(control);
  const ys = sortedCopy(canary);
  const muMin = xs[0]! - ys[ny - 1]!;
  const muMax = xs[nx - 1]! - ys[0]!;
  if (muMin === muMax) return [-muMin, -muMin];

  const standardized = (d: number): number => {
    const { rankSumX, tieTerm } = rankSum(xs, d, ys);
    const dz = rankSumX - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
    return (dz - Math.sign(dz) * 0.5) / sigmaU(nx, ny, tieTerm);
  };
  const atMin = standardized(muMin);
  const atMax = standardized(muMax);
  const root = (zq: number): number => {
    const fLower = atMin - zq;
    if (fLower <= 0) return muMin;
    const fUpper = atMax - zq;
    if (fUpper >= 0) return muMax;
    return brentRoot((d) => standardized(d) - zq, muMin, muMax, fLower, fUpper, ROOT_TOLERANCE);
  };
  const alpha = 1 - confLevel;
  const lower = root(normalQuantile(alpha / 2, false));
  const upper = root(normalQuantile(alpha / 2));
  return [-upper, -lower];
}

/** mean(canary) / mean(control); null when the control mean is 0 (the ratio is undefined). */
export function meanRatio(control: readonly number[], canary: readonly number[]): number | null {
  if (control.length === 0 || canary.length === 0) return null;
  const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;
  const controlMean = mean(control);
  if (controlMean === 0) return null;
  const ratio = mean(canary) / controlMean;
  return Number.isFinite(ratio) ? ratio : null;
}
