import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureBaseline, sampleCheck } from '../../src/checks/sample.js';
import { parseCheck, testEnv } from './env.js';
import { freePort, scalar, startPrometheusFixture, vector, type PrometheusFixture } from './prometheus-fixture.js';

let prom: PrometheusFixture;
beforeAll(async () => {
  prom = await startPrometheusFixture({
    instant: {
      'sum(rate(errors[5m])) / sum(rate(requests[5m]))': vector('0.07'),
      'scalar(vector(0.01))': scalar('0.01'),
      up: vector('1', '1', '0'),
      absent_series: vector(),
      '0/0': vector('NaN'),
      p95: vector('0.5'),
      'p95{region="eu"}': vector('0.2'),
      'rate(x[5m])[10m:1m]': { resultType: 'matrix', result: [] },
    },
  });
});
afterAll(() => prom.close());

const promCheck = (query: string, extra: Record<string, unknown> = {}) =>
  parseCheck({ prometheus: { url: prom.url, query }, ...extra });

describe('prometheus check kind against a Prometheus API', () => {
  it('takes the single sample of a vector as the value and applies fail:', async () => {
    const s = await sampleCheck(
      'error-rate',
      promCheck('sum(rate(errors[5m])) / sum(rate(requests[5m]))', { fail: 'value > 0.05', severity: 'critical' }),
      testEnv(),
    );
    expect(s).toMatchObject({ check: 'error-rate', outcome: 'fail', value: 0.07, severity: 'critical' });
    expect(s.reason).toContain('value > 0.05');
    expect(s.at).toBe('2025-06-01T12:00:00.000Z');
    expect(s.detail).toEqual({ resultType: 'vector', samples: [{ metric: { instance: 'i0' }, value: 0.07 }] });
  });

  it('sends the query as GET /api/v1/query?query=', async () => {
    prom.requests.length = 0;
    await sampleCheck('x', promCheck('scalar(vector(0.01))', { fail: 'value > 0.05' }), testEnv());
    expect(prom.requests[0]?.pathname).toBe('/api/v1/query');
    expect(prom.requests[0]?.searchParams.get('query')).toBe('scalar(vector(0.01))');
  });

  it('takes a scalar as the value', async () => {
    const s = await sampleCheck('x', promCheck('scalar(vector(0.01))', { fail: 'value > 0.05' }), testEnv());
    expect(s).toMatchObject({ outcome: 'pass', value: 0.01 });
  });

  it('gives no value, and an inconclusive sample, when the vector has several samples', async () => {
    const s = await sampleCheck('x', promCheck('up', { pass: 'value == 1.0' }), testEnv());
    expect(s).toMatchObject({ outcome: 'inconclusive', value: null });
    expect(s.reason).toContain('3 samples; expected one');
  });

  it('gives no value when the vector is empty', async () => {
    const s = await sampleCheck('x', promCheck('absent_series', { fail: 'value > 0.0' }), testEnv());
    expect(s).toMatchObject({ outcome: 'inconclusive', value: null });
    expect(s.reason).toContain('no samples');
  });

  it('lets the check say what an empty vector is: noData pass or fail decides it, inconclusive is the default', async () => {
    const pass = await sampleCheck('x', promCheck('absent_series', { fail: 'value > 0.0', noData: 'pass' }), testEnv());
    expect(pass).toMatchObject({
      outcome: 'pass',
      value: null,
      reason: 'the query returned no samples (noData: pass)',
    });
    const fail = await sampleCheck('x', promCheck('absent_series', { fail: 'value > 0.0', noData: 'fail' }), testEnv());
    expect(fail).toMatchObject({
      outcome: 'fail',
      value: null,
      reason: 'the query returned no samples (noData: fail)',
    });
    expect(promCheck('absent_series').noData).toBe('inconclusive');
  });

  it('applies noData only to an empty vector, not to several samples', async () => {
    const s = await sampleCheck('x', promCheck('up', { pass: 'value == 1.0', noData: 'pass' }), testEnv());
    expect(s).toMatchObject({ outcome: 'inconclusive', value: null });
  });

  it('treats NaN as no data', async () => {
    const s = await sampleCheck('x', promCheck('0/0', { fail: 'value > 0.05' }), testEnv());
    expect(s).toMatchObject({ outcome: 'inconclusive', value: null });
    expect(s.reason).toContain('NaN');
  });

  it('is inconclusive without pass: or fail:, having nothing to judge by', async () => {
    const s = await sampleCheck('x', promCheck('p95'), testEnv());
    expect(s).toMatchObject({ outcome: 'inconclusive', value: 0.5 });
    expect(s.reason).toContain('pass: or fail:');
  });

  it('compares with the baseline measured when the phase started: value > 2.0 * baseline', async () => {
    const check = promCheck('p95', { fail: 'value > 2.0 * baseline', severity: 'high' });
    const baselineCheck = promCheck('p95{region="eu"}');
    const baseline = await measureBaseline(baselineCheck, testEnv());
    expect(baseline).toBe(0.2);
    expect(await sampleCheck('p95', check, testEnv(), baseline)).toMatchObject({ outcome: 'fail', value: 0.5 });
    expect(await sampleCheck('p95', check, testEnv(), 0.3)).toMatchObject({ outcome: 'pass' });
    const none = await sampleCheck('p95', check, testEnv());
    expect(none.outcome).toBe('inconclusive');
    expect(none.reason).toContain('no baseline');
  });

  it('has no baseline when the baseline cannot be measured', async () => {
    expect(await measureBaseline(promCheck('not a query'), testEnv())).toBeNull();
  });

  it('renders templates in the query', async () => {
    const check = parseCheck({
      prometheus: { url: prom.url, query: 'p95{region="{{ vars.region }}"}' },
      fail: 'value > 0.3',
    });
    expect(await sampleCheck('x', check, testEnv())).toMatchObject({ outcome: 'pass', value: 0.2 });
  });

  it('uses the engine-resolved Prometheus URL when the check has none', async () => {
    const check = parseCheck({ prometheus: { query: 'p95' }, fail: 'value > 1.0' });
    expect(await sampleCheck('x', check, testEnv({ prometheusUrl: `${prom.url}/` }))).toMatchObject({
      outcome: 'pass',
    });
  });
});

describe('prometheus check kind: could not measure -> error', () => {
  it('reports Prometheus errors such as a bad query', async () => {
    const s = await sampleCheck('x', promCheck('not a query', { fail: 'value > 1.0' }), testEnv());
    expect(s).toMatchObject({ outcome: 'error', value: null });
    expect(s.error).toMatch(/HTTP 400.*bad_data.*parse error/);
  });

  it('refuses a range vector result', async () => {
    const s = await sampleCheck('x', promCheck('rate(x[5m])[10m:1m]', { fail: 'value > 1.0' }), testEnv());
    expect(s.outcome).toBe('error');
    expect(s.error).toContain('matrix');
  });

  it('reports a response that is not the Prometheus API', async () => {
    const bad = await startPrometheusFixture({ raw: { status: 502, body: '<html>Bad Gateway</html>' } });
    try {
      const s = await sampleCheck(
        'x',
        parseCheck({ prometheus: { url: bad.url, query: 'up' }, fail: 'value > 1.0' }),
        testEnv(),
      );
      expect(s.outcome).toBe('error');
      expect(s.error).toContain('HTTP 502, not Prometheus API JSON');
    } finally {
      await bad.close();
    }
  });

  it('reports connection refused', async () => {
    const port = await freePort();
    const s = await sampleCheck(
      'x',
      parseCheck({ prometheus: { url: `http://127.0.0.1:${port}`, query: 'up' }, fail: 'value > 1.0' }),
      testEnv(),
    );
    expect(s.outcome).toBe('error');
    expect(s.error).toContain('connection refused');
  });

  it('times out after the check timeout', async () => {
    const hang = await startPrometheusFixture({ raw: 'hang' });
    try {
      const check = parseCheck({ prometheus: { url: hang.url, query: 'up' }, fail: 'value > 1.0', timeout: '200ms' });
      const s = await sampleCheck('x', check, testEnv());
      expect(s).toMatchObject({ outcome: 'error', error: 'timed out after 200ms' });
    } finally {
      await hang.close();
    }
  });

  it('says where to set the URL when there is none', async () => {
    const s = await sampleCheck('x', parseCheck({ prometheus: { query: 'up' }, fail: 'value > 1.0' }), testEnv());
    expect(s.outcome).toBe('error');
    expect(s.error).toContain('no Prometheus URL');
  });
});
