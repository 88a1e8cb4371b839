import { describe, expect, it } from 'vitest';
import { lookbackSeconds, promDurationMs, thinnedStep } from '../../../src/checks/judge/windows.js';

describe('promDurationMs reads PromQL durations', () => {
  it.each([
    ['30s', 30_000],
    ['1m', 60_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1m30s500ms', 90_500],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
  ])('%s = %d ms', (text, ms) => expect(promDurationMs(text)).toBe(ms));

  it.each(['', '5', 'm', '5 m', '1.5m', '5x', '$__rate_interval'])('%j is not a duration', (text) =>
    expect(promDurationMs(text)).toBeNull(),
  );
});

describe('lookbackSeconds: how far back one point of a query looks', () => {
  it.each([
    ['rate(http_requests_total{cohort="canary"}[1m])', 60],
    ['sum(rate(errors[5m])) / sum(rate(requests[5m]))', 300],
    ['sum(rate(errors[30s])) / sum(rate(requests[2m]))', 120],
    ['histogram_quantile(0.95, sum by (le) (rate(http_duration_bucket{cohort="control"}[1m])))', 60],
    ['increase(x[1h30m])', 5400],
    ['rate(x[ 90s ])', 90],
    ['rate(x[1m] offset 10m)', 60],
    ['avg_over_time(process_resident_memory_bytes[10m])', 600],
  ])('%s -> %d s', (query, seconds) => expect(lookbackSeconds(query)).toBe(seconds));

  it('adds the windows inside a subquery to its range', () => {
    expect(lookbackSeconds('max_over_time(rate(x[1m])[10m:])')).toBe(660);
    expect(lookbackSeconds('max_over_time(rate(x[1m])[10m:30s])')).toBe(660);
    expect(lookbackSeconds('max_over_time((sum(rate(a[2m])) / sum(rate(b[1m])))[5m:1m])')).toBe(420);
    expect(lookbackSeconds('min_over_time(up{job="api"}[10m:1m])')).toBe(600);
    expect(lookbackSeconds('avg_over_time(max_over_time(rate(x[1m])[5m:])[1h:5m])')).toBe(3960);
  });

  it('does not add a subquery to windows outside it', () => {
    expect(lookbackSeconds('rate(a[1m]) + max_over_time(b[10m:1m])')).toBe(600);
    expect(lookbackSeconds('rate(a[15m]) + max_over_time(rate(b[1m])[10m:1m])')).toBe(900);
  });

  it('ignores brackets inside strings and comments', () => {
    expect(lookbackSeconds('rate(x{path=~"/api/[a-z]+[5m]"}[1m])')).toBe(60);
    expect(lookbackSeconds("rate(x{path='[1h]'}[30s])")).toBe(30);
    expect(lookbackSeconds('rate(x{path=`\\[1h]`}[30s])')).toBe(30);
    expect(lookbackSeconds('rate(x{path="a\\"[1h]"}[30s])')).toBe(30);
    expect(lookbackSeconds('rate(x[30s]) # not [1h]\n')).toBe(30);
  });

  it('is null for a query without a window (a gauge, a recording rule)', () => {
    expect(lookbackSeconds('job:http_errors:ratio_rate5m{cohort="canary"}')).toBeNull();
    expect(lookbackSeconds('process_resident_memory_bytes')).toBeNull();
    expect(lookbackSeconds('x{le=~"[0-9]+"}')).toBeNull();
  });
});

describe('thinnedStep', () => {
  it("raises the step to the longest window of the metric's queries and says from what", () => {
    expect(thinnedStep(15, ['rate(a[1m])', 'rate(b[2m])'])).toEqual({ window: 120, step: 120, thinnedFrom: 15 });
  });

  it('keeps a step that is already at least the window', () => {
    expect(thinnedStep(60, ['rate(a[1m])', 'rate(b[1m])'])).toEqual({ window: 60, step: 60, thinnedFrom: null });
    expect(thinnedStep(300, ['rate(a[1m])'])).toEqual({ window: 60, step: 300, thinnedFrom: null });
  });

  it('keeps the step when no query has a window', () => {
    expect(thinnedStep(15, ['a', 'b'])).toEqual({ window: null, step: 15, thinnedFrom: null });
  });
});
