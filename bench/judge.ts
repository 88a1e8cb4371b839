// Time of one judge sample: 3 metrics x 500 control and 500 canary points, classified and scored.
// Run: node --import tsx bench/judge.ts
import { performance } from 'node:perf_hooks';
import { classifyMetric, scoreJudgement, type MetricInput } from '../src/checks/judge/classify.js';

/** Deterministic pseudo-random normal values (mulberry32 + Box-Muller), so every run measures the same work. */
function normals(seed: number, n: number, mean: number, sd: number): number[] {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from(
    { length: n },
    () => mean + sd * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  );
}

const metrics: MetricInput[] = [
  {
    name: 'latency-p95',
    control: normals(1, 500, 0.2, 0.03),
    canary: normals(2, 500, 0.21, 0.03),
    direction: 'increase',
    critical: true,
  },
  {
    name: 'error-rate',
    control: normals(3, 500, 0.01, 0.002),
    canary: normals(4, 500, 0.01, 0.002),
    direction: 'increase',
  },
  { name: 'throughput', control: normals(5, 500, 1000, 50), canary: normals(6, 500, 990, 50), direction: 'decrease' },
];

function judge(): ReturnType<typeof scoreJudgement> {
  return scoreJudgement(metrics.map(classifyMetric), { pass: 90, marginal: 75 });
}

const coldStart = performance.now();
const first = judge();
const cold = performance.now() - coldStart;
const runs: number[] = [];
for (let i = 0; i < 20; i++) {
  const start = performance.now();
  judge();
  runs.push(performance.now() - start);
}
runs.sort((a, b) => a - b);
console.log(
  `judge: 3 metrics x 500 points: first run ${cold.toFixed(1)} ms, median of 20 ${runs[10]!.toFixed(1)} ms, max ${runs.at(-1)!.toFixed(1)} ms`,
);
console.log(`verdict ${first.verdict}, score ${first.score?.toFixed(1)} (${first.reason})`);
