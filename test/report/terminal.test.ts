import { describe, expect, it } from 'vitest';
import { failedCanary } from '../helpers/report-fixtures.js';
import { gateSeries } from '../../src/report/markdown.js';
import { fit, plainStatusLine, sparkline, watchFrame, type WatchModel } from '../../src/report/terminal.js';
import type { SamplePoint } from '../../src/report/series.js';

function model(over: Partial<WatchModel> = {}): WatchModel {
  const { manifest, state } = failedCanary();
  return {
    name: 'chat-limits',
    desired: 'canary',
    applied: 'canary',
    status: 'holding',
    phases: ['canary', 'limited', 'full'],
    step: null,
    progress: null,
    gate: {
      phase: 'canary',
      startedAt: state.gate!.startedAt,
      passesAt: state.gate!.passesAt,
      hold: '1h',
      every: '5m',
      checks: gateSeries(manifest, 'canary', state.gate!.samples as SamplePoint[], state.gate!.baseline),
    },
    lease: {
      holder: { host: 'runner-1', pid: 4242, startedAt: '2024-01-15T10:00:00Z' },
      expiresAt: '2024-01-15T10:45:00Z',
    },
    now: Date.parse('2024-01-15T10:40:30Z'),
    ...over,
  };
}

describe('the live terminal view', () => {
  it('draws phases, the gate with a sparkline and threshold per check, and the lease', () => {
    const lines = watchFrame(model(), { width: 140, color: false });
    expect(lines[0]).toBe('chat-limits  holding  applied canary, desired canary  10:40:30 UTC');
    expect(lines[1]).toBe('phases  ▶ canary › ○ limited › ○ full');
    expect(lines[2]).toBe('gate    canary: hold 1h, every 5m, passes at 11:00:00 (in 19m 30s)');
    // error-rate: low then three failures (× without colour); its line 0.05 sits at level ▂ of the range
    expect(lines[3]).toMatch(/^ {2}error-rate {3}▁▁▁▁▁▂××× +0\.26 {2}fail {2}fail: value > 0\.05 \(line 0\.05 ▂\)$/);
    expect(lines[4]).toMatch(/latency-p95 .*0\.51 {2}fail {2}fail: value > 2\.0 \* baseline \(line 0\.42 ▆\)/);
    expect(lines[5]).toMatch(/probe {8}▆▆▆▆▆▆▆▆× +— {2}fail {2}pass: result\.status == 200$/);
    expect(lines.at(-1)).toBe('lease   runner-1:4242 until 10:45:00');
  });

  it('colours failing samples red on a colour terminal and never wraps a line', () => {
    const lines = watchFrame(model(), { width: 60, color: true });
    expect(lines.join('\n')).toContain('\x1b[31m█\x1b[0m');
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
    for (const l of lines) expect(l.replace(ansi, '').length).toBeLessThanOrEqual(60);
  });

  it('shows a paged step with batches, items, rate and an ETA when maxBatches bounds it', () => {
    const lines = watchFrame(
      model({
        status: 'applying',
        gate: null,
        applied: 'full',
        desired: 'full',
        step: 'backfill',
        progress: { batches: 25, items: 625, startedAt: '2024-01-15T10:40:00Z', maxBatches: 100 },
        now: Date.parse('2024-01-15T10:40:50Z'),
      }),
      { width: 120, color: false },
    );
    expect(lines[1]).toBe('phases  ✔ canary › ✔ limited › ▶ full');
    expect(lines[2]).toBe('step    backfill, batch 25/100, 625 items, 12.5 items/s, ETA ≤ 2m 30s');
  });

  it('marks a failed phase', () => {
    expect(watchFrame(model({ status: 'failed' }), { width: 100, color: false })[1]).toBe(
      'phases  ✖ canary › ○ limited › ○ full',
    );
  });

  it('prints one plain line for logs', () => {
    expect(plainStatusLine(model())).toBe(
      'chat-limits: holding, applied canary, desired canary, gate canary passes at 2024-01-15T11:00:00.000Z, lease runner-1:4242',
    );
  });

  it('scales a sparkline between the samples and the threshold', () => {
    const s = sparkline(
      {
        name: 'x',
        check: { fail: 'value > 10', severity: 'high' },
        samples: [0, 5, 10].map((v, i) => ({ check: 'x', at: `2024-01-01T00:00:0${i}Z`, outcome: 'pass', value: v })),
      },
      10,
      false,
    );
    expect(s).toEqual({ text: '▁▅█', lineLevel: '█' });
    expect(fit('abcdef', 3)).toBe('abc');
  });
});
