import { describe, expect, it } from 'vitest';
import { bucketWidth, chartPoints } from '../../src/report/series.js';

const at = (s: number) => new Date(Date.UTC(2024, 0, 1) + s * 1000).toISOString();

describe('chart points', () => {
  it('keeps one point a sample when they fit, on an even grid despite scheduler jitter', () => {
    const samples = [0, 302, 598, 901].map((s, i) => ({ check: 'c', at: at(s), outcome: 'pass', value: i }));
    const { points, widthMs } = chartPoints(samples, 48);
    expect(widthMs).toBe(300_000);
    expect(points.filter((p) => !p.filled).map((p) => p.value)).toEqual([0, 1, 2, 3]);
  });

  it('repeats the cell before across a gap, marked as filled', () => {
    const samples = [0, 60, 120, 300].map((s) => ({ check: 'c', at: at(s), outcome: 'pass', value: s }));
    const { points, widthMs } = chartPoints(samples, 8);
    expect(widthMs).toBe(60_000);
    expect(points.map((p) => [p.value, p.filled])).toEqual([
      [0, false],
      [60, false],
      [120, false],
      [120, true],
      [120, true],
      [300, false],
    ]);
  });

  it('downsamples to the worst of each cell, so a single failing spike survives', () => {
    const samples = Array.from({ length: 10_000 }, (_, i) => ({
      check: 'c',
      at: at(i),
      outcome: i === 5_123 ? 'fail' : 'pass',
      value: i === 5_123 ? 9 : i === 7_000 ? 5 : 1,
    }));
    const { points, widthMs } = chartPoints(samples, 40, 'above');
    expect(points.length).toBeLessThanOrEqual(40);
    expect(widthMs).toBe(300_000);
    expect(points.reduce((n, p) => n + p.count, 0)).toBe(10_000);
    const spike = points.find((p) => p.failed)!;
    expect(spike).toMatchObject({ value: 9, outcome: 'fail', failed: 1 });
    expect(points.some((p) => p.value === 5)).toBe(true);
  });

  it('keeps a failing value over a worse passing one in the same cell', () => {
    const samples = [
      { check: 'c', at: at(0), outcome: 'pass', value: 100 },
      { check: 'c', at: at(1), outcome: 'fail', value: 6 },
      { check: 'c', at: at(400), outcome: 'pass', value: 1 },
    ];
    const { points } = chartPoints(samples, 3, 'above');
    expect(points[0]).toMatchObject({ value: 6, outcome: 'fail', count: 2 });
  });

  it('takes the low side as worse when failing means low', () => {
    const samples = [5, 2, 7].map((v, i) => ({ check: 'c', at: at(i), outcome: 'pass', value: v }));
    samples.push({ check: 'c', at: at(1000), outcome: 'pass', value: 9 });
    expect(chartPoints(samples, 2, 'below').points[0]!.value).toBe(2);
  });

  it('picks round bucket widths', () => {
    expect(bucketWidth(48 * 3600_000, 30)).toBe(7200_000);
    expect(bucketWidth(90_000, 30)).toBe(5_000);
  });
});
