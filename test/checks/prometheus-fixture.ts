// A tiny server speaking Prometheus' HTTP API (/api/v1/query, /api/v1/query_range, /api/v1/alerts) for unit tests.
// Responses are the shapes Prometheus sends: values as strings, {status, data} or {status: 'error', errorType, error}.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

export type InstantData =
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] }
  | { resultType: 'matrix'; result: { metric: Record<string, string>; values: [number, string][] }[] };

export interface FixtureAlert {
  labels: Record<string, string>;
  state: 'firing' | 'pending' | 'inactive';
  annotations?: Record<string, string>;
}

export interface FixtureRoutes {
  /** By PromQL text; an unknown query is a 400 bad_data error, as Prometheus answers a parse error. */
  instant?: Record<string, InstantData>;
  /** By PromQL text: the values of one series (several series when an array of arrays). */
  range?: Record<string, number[] | number[][]>;
  alerts?: FixtureAlert[];
  /** Answer every request with this raw response instead (a proxy's error page, a hang). */
  raw?: { status: number; body: string; contentType?: string } | 'hang';
}

export interface PrometheusFixture {
  url: string;
  routes: FixtureRoutes;
  requests: URL[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function rangeData(series: number[][], start: number, step: number): InstantData {
  return {
    resultType: 'matrix',
    result: series.map((values, i) => ({
      metric: { series: String(i) },
      values: values.map((v, j): [number, string] => [start + j * step, Number.isNaN(v) ? 'NaN' : String(v)]),
    })),
  };
}

export async function startPrometheusFixture(routes: FixtureRoutes = {}): Promise<PrometheusFixture> {
  const requests: URL[] = [];
  const hanging: ServerResponse[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    const r = fixture.routes;
    if (r.raw === 'hang') return void hanging.push(res);
    if (r.raw) {
      res.writeHead(r.raw.status, { 'content-type': r.raw.contentType ?? 'text/html' });
      return void res.end(r.raw.body);
    }
    const query = url.searchParams.get('query') ?? '';
    const badData = { status: 'error', errorType: 'bad_data', error: `1:1: parse error: unknown query ${query}` };
    if (url.pathname === '/api/v1/query') {
      const data = r.instant?.[query];
      return data ? send(res, 200, { status: 'success', data }) : send(res, 400, badData);
    }
    if (url.pathname === '/api/v1/query_range') {
      const values = r.range?.[query];
      if (!values) return send(res, 400, badData);
      const series = values.length && Array.isArray(values[0]) ? (values as number[][]) : [values as number[]];
      const start = Number(url.searchParams.get('start'));
      const step = Number(url.searchParams.get('step'));
      return send(res, 200, { status: 'success', data: rangeData(values.length ? series : [], start, step) });
    }
    if (url.pathname === '/api/v1/alerts') {
      const alerts = (r.alerts ?? []).map((a) => ({
        labels: a.labels,
        annotations: a.annotations ?? {},
        state: a.state,
        activeAt: '2024-01-01T00:00:00Z',
        value: '1e+00',
      }));
      return send(res, 200, { status: 'success', data: { alerts } });
    }
    send(res, 404, { status: 'error', errorType: 'not_found', error: 'not found' });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fixture: PrometheusFixture = {
    url: `http://127.0.0.1:${port}`,
    routes,
    requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fixture;
}

export function vector(...values: (number | string)[]): InstantData {
  return {
    resultType: 'vector',
    result: values.map((v, i) => ({ metric: { instance: `i${i}` }, value: [1_700_000_000, String(v)] })),
  };
}

export function scalar(value: number | string): InstantData {
  return { resultType: 'scalar', result: [1_700_000_000, String(value)] };
}

/** A port nothing listens on: bind one, then close it. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
