// The judge against a REAL Prometheus (Debian's 2.42) over the generated counters of false-positive.test.ts,
// backfilled with `promtool tsdb create-blocks-from openmetrics`: first, Prometheus' own rate() over them equals the
// generator's (so the unit test's series are what the judge really gets); then the judge kind, querying Prometheus as
// it does in a gate, fails at most 2 % of 200 same-distribution pairs and at least 95 % of 200 30 %-shifted ones.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JudgeResult } from '../../../src/checks/judge.js';
import { sampleCheck } from '../../../src/checks/sample.js';
import { TempDirs } from '../../helpers/git-repo.js';
import { findPrometheus, startPrometheus, type RunningPrometheus } from '../../helpers/prometheus.js';
import { parseCheck, testEnv } from '../env.js';
import {
  rateRange,
  scenarioCounter,
  SCENARIO_END,
  SCENARIO_METRIC,
  SHAPES,
  type CounterSample,
  type QueryShape,
} from './prometheus-series.js';

const PROMETHEUS = findPrometheus();
const PROMTOOL = PROMETHEUS ? join(dirname(PROMETHEUS), 'promtool') : null;
const hasPromtool = (() => {
  try {
    if (PROMTOOL) accessSync(PROMTOOL, constants.X_OK);
    return PROMTOOL !== null;
  } catch {
    return false;
  }
})();
const SKIP_REASON = 'no `prometheus` and `promtool` (Debian package prometheus; .ci/run installs it)';
if (!hasPromtool && process.env.CI) throw new Error(`CI needs a real Prometheus: ${SKIP_REASON}`);

const PAIRS = 200;
const NOISE = 0.3;
const SHIFT = 1.3;
const shapeLabel = (shape: QueryShape) => `${shape.scrapeInterval}s`;
const matchers = (shape: QueryShape, pair: number, shifted: boolean) =>
  `shape="${shapeLabel(shape)}",pair="${pair}",shifted="${shifted}"`;

interface Series {
  labels: string;
  samples: CounterSample[];
}

/** Every series of the scenario: per shape and pair a control, a same-distribution canary and a shifted canary. */
function scenarioSeries(): Series[] {
  const series: Series[] = [];
  for (const shape of SHAPES) {
    for (let i = 0; i < PAIRS; i++) {
      const at = (cohort: string, shifted: boolean) => `cohort="${cohort}",${matchers(shape, i, shifted)}`;
      const control = scenarioCounter(shape, i, 'control', { noise: NOISE });
      series.push({ labels: at('control', false), samples: control });
      series.push({ labels: at('control', true), samples: control });
      series.push({ labels: at('canary', false), samples: scenarioCounter(shape, i, 'canary', { noise: NOISE }) });
      series.push({
        labels: at('canary', true),
        samples: scenarioCounter(shape, i, 'canary', { noise: NOISE, shift: SHIFT }),
      });
    }
  }
  return series;
}

/** OpenMetrics text, as `promtool tsdb create-blocks-from openmetrics` reads it (timestamps in seconds). */
function openMetrics(series: readonly Series[]): string {
  const lines = [`# TYPE ${SCENARIO_METRIC.replace(/_total$/, '')} counter`];
  for (const s of series) {
    for (const { t, v } of s.samples) lines.push(`${SCENARIO_METRIC}{${s.labels}} ${v} ${(t / 1000).toFixed(3)}`);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

describe.skipIf(!hasPromtool)(
  `the judge against a real Prometheus over backfilled counters${hasPromtool ? '' : ` (skipped: ${SKIP_REASON})`}`,
  () => {
    const dirs = new TempDirs();
    const series = scenarioSeries();
    let prom: RunningPrometheus;

    beforeAll(async () => {
      const input = join(await dirs.make('openmetrics'), 'series.om');
      await writeFile(input, openMetrics(series));
      prom = await startPrometheus(PROMETHEUS!, dirs, {
        targets: [],
        beforeStart: async (dataDir) => {
          await promisify(execFile)(PROMTOOL!, ['tsdb', 'create-blocks-from', 'openmetrics', input, dataDir], {
            maxBuffer: 16 * 1024 * 1024,
          });
        },
      });
    }, 180_000);

    afterAll(async () => {
      await prom?.stop();
      await dirs.cleanup();
    });

    const rangeQuery = async (query: string, step: number, range: number): Promise<number[]> => {
      const data = await prom.api<{ result: { values: [number, string][] }[] }>('query_range', {
        query,
        start: String(SCENARIO_END - range),
        end: String(SCENARIO_END),
        step: String(step),
      });
      expect(data.result).toHaveLength(1);
      return data.result[0]!.values.map(([, v]) => Number(v));
    };

    it.each(SHAPES.map((s) => [s.name, s] as const))(
      "Prometheus' rate() over the backfilled counters equals the generator's, at the overlapping step (%s)",
      async (_name, shape) => {
        for (const pair of [0, 1, 57, 199]) {
          const canary = series.find((s) => s.labels === `cohort="canary",${matchers(shape, pair, true)}`)!;
          const theirs = await rangeQuery(shape.query('canary', matchers(shape, pair, true)), shape.step, shape.range);
          const ours = rateRange(canary.samples, {
            start: SCENARIO_END - shape.range,
            end: SCENARIO_END,
            step: shape.step,
            window: shape.window,
          });
          expect(ours.length).toBe(shape.range / shape.step + 1);
          expect(theirs).toHaveLength(ours.length);
          theirs.forEach((v, k) => expect(Math.abs(v - ours[k]!)).toBeLessThanOrEqual(1e-9 * Math.abs(ours[k]!)));
        }
      },
    );

    async function judgeFailures(shape: QueryShape, shifted: boolean): Promise<number> {
      let failed = 0;
      const env = testEnv({ now: () => new Date(SCENARIO_END * 1000) });
      for (let i = 0; i < PAIRS; i++) {
        const m = matchers(shape, i, shifted);
        const check = parseCheck({
          judge: {
            prometheus: { url: prom.url },
            range: `${shape.range / 60}m`,
            step: `${shape.step}s`,
            metrics: [{ name: 'requests', control: shape.query('control', m), canary: shape.query('canary', m) }],
          },
        });
        const s = await sampleCheck('judge', check, env);
        const detail = s.detail as JudgeResult;
        expect(detail.metrics[0]).toMatchObject({ window: shape.window, step: shape.window, thinnedFrom: shape.step });
        expect(detail.metrics[0]!.controlCount).toBe(shape.range / shape.window + 1);
        if (s.outcome === 'fail') failed++;
        else expect(s.outcome).toBe('pass');
      }
      return failed;
    }

    it.each(SHAPES.map((s) => [s.name, s] as const))(
      'the judge kind fails at most 2 % of 200 same-distribution pairs and at least 95 % of 200 30 %-shifted ones (%s)',
      async (_name, shape) => {
        const same = await judgeFailures(shape, false);
        const shifted = await judgeFailures(shape, true);
        console.log(
          `[judge fpr, real Prometheus] ${shape.name}: ${same}/${PAIRS} same-distribution and ${shifted}/${PAIRS} ` +
            '30 %-shifted pairs fail',
        );
        expect(same).toBeLessThanOrEqual(PAIRS * 0.02);
        expect(shifted).toBeGreaterThanOrEqual(PAIRS * 0.95);
      },
    );
  },
);
