// Cost of one judge sample's statistics (3 metrics, control and canary), as ratios to the judge before issue 9 in the
// same run: the bare U test, Hodges-Lehmann shift and interval, and mean ratio over every point of the range query.
// - DESIGN's shape (range 30m, step 15s, rate[1m]): before, 121 overlapping points a series; now the step is raised to
//   the 1m window (31 points) and classifyMetric adds Kayenta's tolerance test and the effect-size gate.
// - 500 points a series (a long range, a window no longer than the step, scraped every 5s): the same number of points both ways, so
//   the ratio is what the tolerance test adds.
// Series from the generator of the false-positive tests (Prometheus' rate() over scraped counters), seeded.
// Run: node --import tsx bench/judge.ts
import { performance } from 'node:perf_hooks';
import { classifyMetric, type MetricInput } from '../src/checks/judge/classify.js';
import { scoreJudgement } from '../src/checks/judge/score.js';
import { hodgesLehmannInterval, hodgesLehmannShift, mannWhitneyU, meanRatio } from '../src/checks/judge/stats.js';
import { thinnedStep } from '../src/checks/judge/windows.js';
import { rateRange, scrapeCounter } from '../test/checks/judge/prometheus-series.js';
import { median, ratio, table } from './lib/stats.js';

const END = 1_750_000_000;
const RUNS = 30;

interface Shape {
  name: string;
  range: number;
  step: number;
  window: number;
  scrapeInterval: number;
}

function series(seed: number, shape: Shape, step: number, perSecond: number): number[] {
  const counter = scrapeCounter({
    seed,
    perSecond,
    noise: 0.3,
    scrapeInterval: shape.scrapeInterval,
    from: END - shape.range - shape.window - shape.scrapeInterval,
    to: END,
  });
  return rateRange(counter, { start: END - shape.range, end: END, step, window: shape.window });
}

const query = (shape: Shape, cohort: string, metric: string) =>
  `sum(rate(${metric}{cohort="${cohort}"}[${shape.window}s]))`;
const METRICS = [
  { name: 'requests', canaryRate: 1.0 },
  { name: 'errors', canaryRate: 1.3 },
  { name: 'timeouts', canaryRate: 0.95 },
];

/** The metrics of one sample: the series at `step`, control at 10/s, canary at canaryRate x that. */
function inputs(shape: Shape, step: number): MetricInput[] {
  return METRICS.map((m, i) => ({
    name: m.name,
    control: series(10 + 2 * i, shape, step, 10),
    canary: series(11 + 2 * i, shape, step, 10 * m.canaryRate),
  }));
}

/** The judge before: the statistics it computed for each metric, over the unthinned points. */
function before(metrics: readonly MetricInput[]): number {
  let sink = 0;
  for (const m of metrics) {
    sink += mannWhitneyU(m.control, m.canary).pValue;
    sink += hodgesLehmannShift(m.control, m.canary);
    sink += hodgesLehmannInterval(m.control, m.canary, 0.98)[0];
    sink += meanRatio(m.control, m.canary) ?? 0;
  }
  return sink;
}

/** The judge now: thinning from the queries, then classification and score. */
function now(shape: Shape, thinned: readonly MetricInput[]): number {
  const step = METRICS.map((m) =>
    thinnedStep(shape.step, [query(shape, 'control', m.name), query(shape, 'canary', m.name)]),
  );
  const judgement = scoreJudgement(thinned.map(classifyMetric), { pass: 90, marginal: 75 });
  return (judgement.score ?? 0) + step[0]!.step;
}

function measure(fn: () => number): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const shapes: Shape[] = [
  { name: "DESIGN's shape: 30m at 15s, rate[1m]", range: 1800, step: 15, window: 60, scrapeInterval: 15 },
  { name: '500 points: 2h at 15s, rate[15s]', range: 7485, step: 15, window: 15, scrapeInterval: 5 },
];

const rows: string[][] = [];
for (const shape of shapes) {
  const thinnedTo = thinnedStep(shape.step, [query(shape, 'control', 'x')]).step;
  const all = inputs(shape, shape.step);
  const thinned = inputs(shape, thinnedTo);
  const verdict = scoreJudgement(thinned.map(classifyMetric), { pass: 90, marginal: 75 });
  const oldMs: number[] = [];
  const newMs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const o = measure(() => before(all));
    const n = measure(() => now(shape, thinned));
    oldMs.push(o);
    newMs.push(n);
    ratios.push(n / o);
  }
  rows.push([
    shape.name,
    `${all[0]!.control.length}`,
    `${thinned[0]!.control.length}`,
    `${median(oldMs).toFixed(2)} ms`,
    `${median(newMs).toFixed(2)} ms`,
    ratio(median(ratios)),
    `${verdict.verdict} (${thinned.map((m, i) => `${m.name} ${classifyMetric(thinned[i]!).classification}`).join(', ')})`,
  ]);
}

console.log(
  table(
    ['3 metrics, control and canary', 'points before', 'points now', 'before', 'now', 'now/before', 'verdict'],
    rows,
  ),
);
console.log(`medians of ${RUNS} interleaved runs; now/before is the median of each run's own ratio`);
