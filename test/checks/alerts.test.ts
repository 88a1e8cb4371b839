import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCheck } from '../../src/checks/sample.js';
import { parseCheck, testEnv } from './env.js';
import { startPrometheusFixture, type PrometheusFixture } from './prometheus-fixture.js';

let prom: PrometheusFixture;
beforeAll(async () => {
  prom = await startPrometheusFixture({
    alerts: [
      { labels: { alertname: 'HighErrorRate', severity: 'critical', service: 'api' }, state: 'firing' },
      { labels: { alertname: 'HighLatency', severity: 'critical', service: 'api' }, state: 'pending' },
      { labels: { alertname: 'DiskFull', severity: 'warning', service: 'db' }, state: 'firing' },
    ],
  });
});
afterAll(() => prom.close());

const alertsCheck = (labels: Record<string, string>, extra: Record<string, unknown> = {}) =>
  parseCheck({ alerts: { url: prom.url, labels }, severity: 'critical', ...extra });

describe('alerts check kind against /api/v1/alerts', () => {
  it('fails by default when a firing alert matches every given label, counting them as the value', async () => {
    const s = await sampleCheck('critical-alerts', alertsCheck({ severity: 'critical', service: 'api' }), testEnv());
    expect(s).toMatchObject({ outcome: 'fail', value: 1 });
    expect(s.reason).toBe('1 alert(s) firing: HighErrorRate');
    const detail = s.detail as { alerts: { labels: Record<string, string> }[] };
    expect(detail.alerts.map((a) => a.labels.alertname)).toEqual(['HighErrorRate']);
  });

  it('ignores pending alerts and alerts missing a label', async () => {
    const s = await sampleCheck('x', alertsCheck({ alertname: 'HighLatency' }), testEnv());
    expect(s).toMatchObject({ outcome: 'pass', value: 0 });
    expect(await sampleCheck('x', alertsCheck({ team: 'payments' }), testEnv())).toMatchObject({
      outcome: 'pass',
      value: 0,
    });
  });

  it('matches every firing alert when no labels are given', async () => {
    expect(await sampleCheck('x', alertsCheck({}), testEnv())).toMatchObject({ outcome: 'fail', value: 2 });
  });

  it('lets a fail: condition decide instead of the default', async () => {
    const s = await sampleCheck('x', alertsCheck({}, { fail: 'value > 2.0' }), testEnv());
    expect(s).toMatchObject({ outcome: 'pass', value: 2 });
  });

  it('renders templates in label values', async () => {
    const check = alertsCheck({ service: '{{ vars.service }}' });
    const env = testEnv({ vars: { vars: { service: 'db' } } });
    expect(await sampleCheck('x', check, env)).toMatchObject({ outcome: 'fail', value: 1 });
  });

  it('uses the engine-resolved Prometheus URL when the check has none', async () => {
    const check = parseCheck({ alerts: { labels: { service: 'db' } } });
    expect(await sampleCheck('x', check, testEnv({ prometheusUrl: prom.url }))).toMatchObject({ value: 1 });
  });

  it('is an error when the response is not the alerts API', async () => {
    const bad = await startPrometheusFixture({
      raw: { status: 200, body: '{"status":"success","data":{}}', contentType: 'application/json' },
    });
    try {
      const s = await sampleCheck('x', parseCheck({ alerts: { url: bad.url } }), testEnv());
      expect(s.outcome).toBe('error');
      expect(s.error).toContain('no alerts list');
    } finally {
      await bad.close();
    }
  });
});
