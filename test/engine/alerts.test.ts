import { describe, expect, it } from 'vitest';
import { alertSamples } from '../../src/engine/alerts.js';
import { parseManifest } from '../../src/manifest/index.js';

const m = parseManifest(
  'rollouts/r.yaml',
  `apiVersion: rollouts/v1
kind: Rollout
name: r
phase: p
checks:
  crit:
    alerts: { labels: { severity: critical } }
    severity: critical
    for: 5m
  other:
    alerts: { labels: { team: x } }
phases:
  - name: p
    gate: { hold: 1h, checks: [crit, other] }
`,
).manifest!;

describe('alerts relayed from Alertmanager', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  it('turns firing alerts that match a gate check into failing samples from when they started', () => {
    const samples = alertSamples(
      m,
      ['crit', 'other'],
      [
        {
          status: 'firing',
          labels: { alertname: 'HighErrors', severity: 'critical' },
          startsAt: '2026-11-23T09:50:00Z',
        },
        { status: 'resolved', labels: { alertname: 'Old', team: 'x' } },
      ],
      now,
    );
    expect(samples.map((s) => [s.check, s.at, s.outcome])).toEqual([
      ['crit', '2026-11-23T09:50:00.000Z', 'fail'],
      ['crit', '2026-11-23T10:00:00.000Z', 'fail'],
    ]);
    expect(samples[0]!.reason).toBe('Alertmanager: HighErrors firing');
  });

  it('ignores alerts that match no check of the gate', () => {
    expect(alertSamples(m, ['crit'], [{ status: 'firing', labels: { severity: 'warning' } }], now)).toEqual([]);
  });
});
