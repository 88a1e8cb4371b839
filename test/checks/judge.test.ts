import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JudgeResult } from '../../src/checks/judge.js';
import { sampleCheck } from '../../src/checks/sample.js';
import { NOW, parseCheck, testEnv } from './env.js';
import { startPrometheusFixture, type PrometheusFixture } from './prometheus-fixture.js';

/** 30 points around `level`, a fixed wiggle so the series are not constant. */
const around = (level: number) => Array.from({ length: 30 }, (_, i) => level + (((i * 37) % 11) - 5) / 10);

let prom: PrometheusFixture;
beforeAll(async () => {
  prom = await startPrometheusFixture({
    range: {
      'latency{cohort="control"}': around(100),
      'latency{cohort="canary"}': around(100.05),
      'latency_slow{cohort="canary"}': around(150),
      'latency_fast{cohort="canary"}': around(60),
      'errors{cohort="control"}': around(5),
      'errors{cohort="canary"}': around(5),
      'errors_high{cohort="canary"}': around(9),
      'empty{cohort="canary"}': [],
      'by_instance{cohort="canary"}': [around(100), around(100)],
      'sum(rate(requests{cohort="control"}[1m]))': around(50),
      'sum(rate(requests{cohort="canary"}[1m]))': around(50),
      'sum(rate(requests{cohort="canary"}[2m]))': around(50),
    },
  });
});
afterAll(() => prom.close());

interface MetricSpec {
  name: string;
  control: string;
  canary: string;
  direction?: string;
  critical?: boolean;
}
const metric = (name: string, control: string, canary: string, extra: Partial<MetricSpec> = {}): MetricSpec => ({
  name,
  control: `${control}{cohort="control"}`,
  canary: `${canary}{cohort="canary"}`,
  ...extra,
});
const judgeCheck = (metrics: MetricSpec[], extra: Record<string, unknown> = {}) =>
  parseCheck({ judge: { prometheus: { url: prom.url }, range: '30m', metrics, ...extra }, severity: 'high' });

describe('judge check kind against range queries', () => {
  it('passes with score 100 when canary and control do not differ, querying each over the range with the step', async () => {
    prom.requests.length = 0;
    const s = await sampleCheck(
      'canary-judge',
      judgeCheck([metric('latency', 'latency', 'latency'), metric('errors', 'errors', 'errors')]),
      testEnv(),
    );
    expect(s).toMatchObject({ outcome: 'pass', value: 100 });
    const ranges = prom.requests.filter((r) => r.pathname === '/api/v1/query_range');
    expect(ranges).toHaveLength(4);
    const end = NOW.getTime() / 1000;
    for (const r of ranges) {
      expect(Number(r.searchParams.get('end'))).toBe(end);
      expect(Number(r.searchParams.get('start'))).toBe(end - 30 * 60);
      expect(Number(r.searchParams.get('step'))).toBe(15);
    }
    const detail = s.detail as JudgeResult;
    expect(detail.verdict).toBe('pass');
    expect(detail.metrics.map((m) => [m.name, m.classification, m.controlCount])).toEqual([
      ['latency', 'Pass', 30],
      ['errors', 'Pass', 30],
    ]);
  });

  it("queries at a step raised to the metric's longest rate window and records it in the result", async () => {
    prom.requests.length = 0;
    const rate = (cohort: string, window = '1m') => `sum(rate(requests{cohort="${cohort}"}[${window}]))`;
    const metrics = [
      { name: 'rps', control: rate('control'), canary: rate('canary', '2m') },
      { name: 'latency', control: 'latency{cohort="control"}', canary: 'latency{cohort="canary"}' },
    ];
    const s = await sampleCheck('j', judgeCheck(metrics), testEnv());
    const steps = prom.requests
      .filter((r) => r.pathname === '/api/v1/query_range')
      .map((r) => [r.searchParams.get('query'), Number(r.searchParams.get('step'))]);
    expect(steps).toEqual(
      expect.arrayContaining([
        [rate('control'), 120],
        [rate('canary', '2m'), 120],
        ['latency{cohort="control"}', 15],
        ['latency{cohort="canary"}', 15],
      ]),
    );
    const detail = s.detail as JudgeResult;
    expect(detail.metrics.map((m) => [m.name, m.window, m.step, m.thinnedFrom])).toEqual([
      ['rps', 120, 120, 15],
      ['latency', null, 15, null],
    ]);
    expect(detail.metrics[0]!.reason).toMatch(/; points 120s apart \(step raised from 15s to the 120s rate window\)$/);
    expect(s.outcome).toBe('pass');
  });

  it('fails with score 0 when a critical metric is significantly worse', async () => {
    const s = await sampleCheck(
      'j',
      judgeCheck([
        metric('latency', 'latency', 'latency_slow', { direction: 'increase', critical: true }),
        metric('errors', 'errors', 'errors'),
      ]),
      testEnv(),
    );
    expect(s).toMatchObject({ outcome: 'fail', value: 0 });
    expect(s.reason).toContain('latency');
  });

  it('is inconclusive when the score is marginal (>= marginal, < pass)', async () => {
    const metrics = [
      metric('a', 'latency', 'latency'),
      metric('b', 'errors', 'errors'),
      metric('c', 'latency', 'latency'),
      metric('d', 'errors', 'errors_high'),
    ];
    const s = await sampleCheck('j', judgeCheck(metrics), testEnv());
    expect(s).toMatchObject({ outcome: 'inconclusive', value: 75 });
    expect(s.reason).toMatch(/^judge marginal/);
  });

  it('fails below the marginal threshold', async () => {
    const s = await sampleCheck(
      'j',
      judgeCheck([metric('a', 'latency', 'latency'), metric('d', 'errors', 'errors_high')]),
      testEnv(),
    );
    expect(s).toMatchObject({ outcome: 'fail', value: 50 });
  });

  it('uses the check thresholds', async () => {
    const metrics = [metric('a', 'latency', 'latency'), metric('d', 'errors', 'errors_high')];
    const s = await sampleCheck('j', judgeCheck(metrics, { thresholds: { pass: 50, marginal: 25 } }), testEnv());
    expect(s).toMatchObject({ outcome: 'pass', value: 50 });
  });

  it('lets only the bad direction count: a faster canary passes a metric watched for increase', async () => {
    const s = await sampleCheck(
      'j',
      judgeCheck([metric('latency', 'latency', 'latency_fast', { direction: 'increase' })]),
      testEnv(),
    );
    expect(s).toMatchObject({ outcome: 'pass', value: 100 });
  });

  it('has no value and is inconclusive when no metric has data', async () => {
    const s = await sampleCheck('j', judgeCheck([metric('latency', 'latency', 'empty')]), testEnv());
    expect(s).toMatchObject({ outcome: 'inconclusive', value: null });
  });

  it('does not pool several series: the metric has no data and says to aggregate', async () => {
    const s = await sampleCheck('j', judgeCheck([metric('latency', 'latency', 'by_instance')]), testEnv());
    expect(s.outcome).toBe('inconclusive');
    const detail = s.detail as JudgeResult;
    expect(detail.metrics[0]).toMatchObject({ classification: 'NoData' });
    expect(detail.metrics[0]?.reason).toBe('canary returned 2 series; aggregate it to one (e.g. sum(...))');
  });

  it('is an error when a query fails', async () => {
    const s = await sampleCheck('j', judgeCheck([metric('latency', 'latency', 'nonexistent')]), testEnv());
    expect(s.outcome).toBe('error');
    expect(s.error).toContain('bad_data');
  });

  it('uses the engine-resolved Prometheus URL when the check has none', async () => {
    const check = parseCheck({ judge: { metrics: [metric('latency', 'latency', 'latency')] } });
    expect(await sampleCheck('j', check, testEnv({ prometheusUrl: prom.url }))).toMatchObject({ outcome: 'pass' });
  });
});

describe('judge schema defaults', () => {
  const metricOnly = { name: 'm', control: 'a', canary: 'b' };
  it('fills in range, step, thresholds and the per-metric effect size (1.1 / 0.9)', () => {
    const check = parseCheck({ judge: { metrics: [metricOnly] } });
    expect(check.judge).toMatchObject({ range: '30m', step: '15s', thresholds: { pass: 90, marginal: 75 } });
    expect(check.judge!.metrics[0]).toMatchObject({
      direction: 'either',
      critical: false,
      effectSize: { allowedIncrease: 1.1, allowedDecrease: 0.9 },
    });
    const half = parseCheck({ judge: { metrics: [{ ...metricOnly, effectSize: { allowedIncrease: 1.5 } }] } });
    expect(half.judge!.metrics[0]!.effectSize).toEqual({ allowedIncrease: 1.5, allowedDecrease: 0.9 });
  });

  it('rejects an allowed increase below 1 and an allowed decrease above 1', () => {
    expect(() =>
      parseCheck({ judge: { metrics: [{ ...metricOnly, effectSize: { allowedIncrease: 0.9 } }] } }),
    ).toThrow();
    expect(() =>
      parseCheck({ judge: { metrics: [{ ...metricOnly, effectSize: { allowedDecrease: 1.1 } }] } }),
    ).toThrow();
  });
});
