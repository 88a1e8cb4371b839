// Series built the way Prometheus builds them, for the judge's false-positive tests: a counter scraped every
// `scrapeInterval` (each scrape adds `perSecond x interval` requests with noise), and `rate(counter[window])` evaluated
// at every step of a range query, with Prometheus 2.x's extrapolation (promql/functions.go, extrapolatedRate). The
// rate is checked against a real Prometheus 2.42 over the same samples (prometheus-backfill.test.ts), so these series
// are what the judge really gets. Seeded and deterministic: the same spec gives the same numbers on every machine.

/** mulberry32: a small, well-mixed 32-bit generator; uniform in [0, 1). */
export function uniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal values (Box-Muller over `uniforms`). */
export function normals(seed: number): () => number {
  const u = uniforms(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface CounterSpec {
  seed: number;
  /** Mean increase per second. */
  perSecond: number;
  /** Coefficient of variation of one scrape's increase (normal noise, clipped at 0: a counter never goes down). */
  noise: number;
  /** Seconds between scrapes. */
  scrapeInterval: number;
  /** Unix seconds: scrapes cover [from, to]; the first lands at a seeded offset within the first interval. */
  from: number;
  to: number;
  /** Scrape timestamps wander by up to this many ms either way, as real scrapes do (default 20). */
  jitterMs?: number;
}

export interface CounterSample {
  /** Unix milliseconds, as Prometheus stores them. */
  t: number;
  v: number;
}

/** The scraped samples of one counter. It starts high, as a long-running process's counter does. */
export function scrapeCounter(spec: CounterSpec): CounterSample[] {
  const u = uniforms(spec.seed ^ 0x9e3779b9);
  const z = normals(spec.seed);
  const intervalMs = spec.scrapeInterval * 1000;
  const jitter = spec.jitterMs ?? 20;
  const offset = Math.floor(u() * intervalMs);
  const samples: CounterSample[] = [];
  let value = Math.round(spec.perSecond * 86_400 * (1 + u()));
  for (let at = spec.from * 1000 + offset; at <= spec.to * 1000; at += intervalMs) {
    const increase = spec.perSecond * spec.scrapeInterval * Math.max(0, 1 + spec.noise * z());
    value += Math.round(increase);
    samples.push({ t: at + Math.round((u() * 2 - 1) * jitter), v: value });
  }
  return samples;
}

/**
 * `rate(counter[windowSeconds])` at `atMs`, as Prometheus 2.x computes it: the samples in [at - window, at] (both
 * ends included before Prometheus 3), their increase (counter resets added back), extrapolated to the window's edges
 * when the first/last sample lies within 1.1 average intervals of them (else by half an interval), never past the
 * counter's zero point, divided by the window. Null with fewer than two samples (Prometheus drops the point).
 */
export function promRate(samples: readonly CounterSample[], atMs: number, windowSeconds: number): number | null {
  const startMs = atMs - windowSeconds * 1000;
  const inWindow = samples.filter((s) => s.t >= startMs && s.t <= atMs);
  if (inWindow.length < 2) return null;
  const first = inWindow[0]!;
  const last = inWindow.at(-1)!;
  let increase = last.v - first.v;
  let previous = 0;
  for (const s of inWindow) {
    if (s.v < previous) increase += previous;
    previous = s.v;
  }
  const sampled = (last.t - first.t) / 1000;
  const average = sampled / (inWindow.length - 1);
  let toStart = (first.t - startMs) / 1000;
  const toEnd = (atMs - last.t) / 1000;
  if (increase > 0 && first.v >= 0) toStart = Math.min(toStart, sampled * (first.v / increase));
  const threshold = average * 1.1;
  const extrapolated =
    sampled + (toStart < threshold ? toStart : average / 2) + (toEnd < threshold ? toEnd : average / 2);
  return (increase * (extrapolated / sampled)) / windowSeconds;
}

export interface RangeQuery {
  /** Unix seconds, as query_range takes them. */
  start: number;
  end: number;
  step: number;
  /** The rate window, seconds. */
  window: number;
}

/** The values of `rate(counter[window])` over a range query: evaluated at start, start + step, ... <= end. */
export function rateRange(samples: readonly CounterSample[], q: RangeQuery): number[] {
  const values: number[] = [];
  const startMs = Math.round(q.start * 1000);
  const endMs = Math.round(q.end * 1000);
  const stepMs = Math.round(q.step * 1000);
  for (let at = startMs; at <= endMs; at += stepMs) {
    const v = promRate(samples, at, q.window);
    if (v !== null) values.push(v);
  }
  return values;
}

/** One query shape of the false-positive tests: a request counter per cohort, scraped and queried like this. */
export interface QueryShape {
  name: string;
  scrapeInterval: number;
  /** The judge's `step` and `range`, seconds. */
  step: number;
  range: number;
  /** The PromQL of a cohort's metric (what the judge parses for its window); `matchers` select one pair's series. */
  query(cohort: 'control' | 'canary', matchers?: string): string;
  /** The rate window of `query`, seconds. */
  window: number;
}

/** The counter every scenario scrapes. */
export const SCENARIO_METRIC = 'app_requests_total';

function selector(cohort: string, matchers?: string): string {
  return `${SCENARIO_METRIC}{cohort="${cohort}"${matchers ? `,${matchers}` : ''}}`;
}

export const SHAPES: readonly QueryShape[] = [
  {
    name: "DESIGN's shape: rate(x[1m]) at step 15s, scraped every 15s, range 30m",
    scrapeInterval: 15,
    step: 15,
    range: 1800,
    window: 60,
    query: (cohort, matchers) => `sum(rate(${selector(cohort, matchers)}[1m]))`,
  },
  {
    name: 'rate(x[30s]) at step 5s, scraped every 5s, range 30m',
    scrapeInterval: 5,
    step: 5,
    range: 1800,
    window: 30,
    query: (cohort, matchers) => `sum(rate(${selector(cohort, matchers)}[30s]))`,
  },
];

/** The end of every scenario's range: a fixed instant, so the scrape offsets against the steps never change. */
export const SCENARIO_END = 1_750_000_000;

/** Mean requests per second of the control; the canary's is `shift` times it. */
export const SCENARIO_RATE = 10;

/**
 * The counter of pair `index` for one side, over the shape's range and one window (plus a scrape) before it.
 * Control and canary of a pair have different seeds; a shifted canary has its own seeds too.
 */
export function scenarioCounter(
  shape: QueryShape,
  index: number,
  side: 'control' | 'canary',
  opts: { shift?: number; noise: number; end?: number },
): CounterSample[] {
  const shift = opts.shift ?? 1;
  const end = opts.end ?? SCENARIO_END;
  const seed = 100_000 * (shift === 1 ? 1 : 2) + 2 * index + (side === 'canary' ? 1 : 0);
  return scrapeCounter({
    seed: seed + shape.scrapeInterval * 1_000_000,
    perSecond: SCENARIO_RATE * (side === 'canary' ? shift : 1),
    noise: opts.noise,
    scrapeInterval: shape.scrapeInterval,
    from: end - shape.range - shape.window - shape.scrapeInterval,
    to: end,
  });
}
