// Small helpers of the benches: medians and a plain text table.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A distribution-free interval for the median of the population `values` were drawn from: order statistics
 * x(k)..x(n-k+1), k the largest with P(Binomial(n, 1/2) < k) <= (1 - confidence) / 2. Its coverage is at least
 * `confidence`; no assumption on the noise's shape (a noisy machine's is skewed). Null when n is too small to say.
 */
export function medianInterval(values: readonly number[], confidence = 0.95): { low: number; high: number } | null {
  const n = values.length;
  const tail = (1 - confidence) / 2;
  let below = 0; // P(B < k)
  let pk = 0.5 ** n; // P(B = k), from k = 0
  let k = 0;
  while (below + pk <= tail) {
    below += pk;
    pk = (pk * (n - k)) / (k + 1);
    k++;
  }
  if (k === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { low: sorted[k - 1]!, high: sorted[n - k]! };
}

/** `1.023x (95 % interval 0.990x-1.050x)`, or the ratio alone with too few repetitions. */
export function ratioWithInterval(values: readonly number[]): string {
  const i = medianInterval(values);
  const r = ratio(median(values));
  return i ? `${r} (95 % interval of the median ${ratio(i.low)}-${ratio(i.high)})` : r;
}

/** Columns padded to their widest cell; the first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const ms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : '-');
export const ratio = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(3)}x` : '-');
export const mib = (kb: number): string => `${(kb / 1024).toFixed(1)} MiB`;
