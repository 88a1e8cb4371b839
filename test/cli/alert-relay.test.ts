// `rollouts alert-relay`: Alertmanager webhooks (version 4) in, repository_dispatch rollouts-alert out, to the GitHub
// emulator (every request judged by GitHub's OpenAPI description). The sender must present the shared secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorized,
  dispatchBodies,
  MAX_PAYLOAD_BYTES,
  parseWebhook,
  startAlertRelay,
  WebhookError,
  type RelayOptions,
} from '../../src/cli/alert-relay.js';
import { runCli } from '../../src/cli/program.js';
import type { HttpServer } from '../../src/sys/http.js';
import { OWNER, TOKEN, useEmulator } from '../github-emulator/fixture.js';
import { startCli } from '../helpers/cli.js';
import { alertmanagerWebhook, type AlertSpec } from '../helpers/payloads.js';
import { waitFor } from '../helpers/wait.js';

const SECRET = 'relay-shared-secret';
const WORKFLOW = 'name: rollouts\non:\n  repository_dispatch:\n    types: [rollouts-alert]\n';
const alert = (alertname: string, extra: Partial<AlertSpec> = {}): AlertSpec => ({
  labels: { alertname, rollout: 'byok-demo', severity: 'critical' },
  annotations: { summary: `${alertname} on the backfill` },
  startsAt: '2026-11-23T09:50:00Z',
  ...extra,
});

describe('parsing and shaping the webhook', () => {
  it('keeps the alerts, firing and resolved, and the group fields, within 10 top-level keys', () => {
    const hook = alertmanagerWebhook([alert('A'), alert('B', { status: 'resolved', endsAt: '2026-11-23T09:59:00Z' })]);
    const { group, alerts } = parseWebhook(JSON.stringify(hook));
    expect(alerts).toEqual(hook.alerts);
    const { bodies } = dispatchBodies(group, alerts);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.event_type).toBe('rollouts-alert');
    expect(Object.keys(bodies[0]!.client_payload).sort()).toEqual(
      ['alerts', 'externalURL', 'groupKey', 'receiver', 'status', 'truncatedAlerts'].sort(),
    );
  });

  it('refuses what is not a version 4 webhook, naming what is wrong', () => {
    const hook = alertmanagerWebhook([alert('A')]);
    const bad = (v: unknown) => () => parseWebhook(JSON.stringify(v));
    expect(bad({ ...hook, version: '3' })).toThrow(/webhook version "3": this relay reads version "4"/);
    expect(bad({ ...hook, alerts: [{ ...hook.alerts[0], status: 'pending' }] })).toThrow(/alerts\[0\]: status/);
    expect(bad({ ...hook, alerts: [{ ...hook.alerts[0], labels: { n: 1 } }] })).toThrow(/alerts\[0\]: labels/);
    expect(() => parseWebhook('not json')).toThrow(WebhookError);
  });

  it('splits a large group across dispatches, each under 64 KB, every alert once and in order', () => {
    const big = Array.from({ length: 120 }, (_, i) =>
      alert(`A${i}`, { annotations: { description: 'x'.repeat(2000) } }),
    );
    const { group, alerts } = parseWebhook(JSON.stringify(alertmanagerWebhook(big)));
    const { bodies, dropped } = dispatchBodies(group, alerts);
    expect(bodies.length).toBeGreaterThan(2);
    for (const b of bodies) expect(Buffer.byteLength(JSON.stringify(b.client_payload))).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(bodies.flatMap((b) => b.client_payload.alerts as unknown[])).toEqual(alerts);
    expect(dropped).toEqual([]);
  });

  it('sends an alert too large alone without its annotations', () => {
    const huge = alert('Huge', { annotations: { description: 'x'.repeat(MAX_PAYLOAD_BYTES) } });
    const { group, alerts } = parseWebhook(JSON.stringify(alertmanagerWebhook([huge])));
    const { bodies } = dispatchBodies(group, alerts);
    const [sent] = bodies[0]!.client_payload.alerts as Record<string, unknown>[];
    expect(sent).toMatchObject({ labels: huge.labels, startsAt: huge.startsAt });
    expect(sent).not.toHaveProperty('annotations');
  });

  it('takes the secret as a bearer token or as the basic-auth password, and nothing else', () => {
    const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    expect(authorized({ authorization: `Bearer ${SECRET}` }, SECRET)).toBe(true);
    expect(authorized({ authorization: basic('alertmanager', SECRET) }, SECRET)).toBe(true);
    expect(authorized({ authorization: `Bearer ${SECRET}x` }, SECRET)).toBe(false);
    expect(authorized({ authorization: basic(SECRET, 'nope') }, SECRET)).toBe(false);
    expect(authorized({}, SECRET)).toBe(false);
  });
});

describe('the relay against the GitHub emulator', () => {
  const fx = useEmulator();
  let repo: string;
  let relay: HttpServer;
  const errors: string[] = [];
  const options = (o: Partial<RelayOptions> = {}): RelayOptions => ({
    host: '127.0.0.1',
    port: 0,
    repo: `${OWNER}/${repo}`,
    apiUrl: fx.emulator.url,
    token: TOKEN,
    secret: SECRET,
    userAgent: 'rollouts-test',
    log: () => {},
    logError: (line) => errors.push(line),
    ...o,
  });
  const post = (url: string, body: unknown, auth = `Bearer ${SECRET}`) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      body: JSON.stringify(body),
    });
  const sent = () => fx.emulator.repositoryDispatches.filter((d) => d.repo === repo);

  beforeAll(async () => {
    const r = await fx.setupRepo();
    repo = r.repo;
    await r.clone.commit('alerts workflow', { '.github/workflows/rollouts.yml': WORKFLOW });
    await r.clone.push('main');
    relay = await startAlertRelay(options());
  });
  afterAll(() => relay?.close());

  it('relays firing and resolved alerts as one rollouts-alert dispatch that starts the workflow', async () => {
    const hook = alertmanagerWebhook([alert('A'), alert('B', { status: 'resolved', endsAt: '2026-11-23T09:59:00Z' })]);
    const res = await post(relay.url, hook);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ dispatched: 1, alerts: 2 });
    expect(sent()).toHaveLength(1);
    expect(sent()[0]).toMatchObject({ eventType: 'rollouts-alert', clientPayload: { alerts: hook.alerts } });
    expect(sent()[0]!.runIds).toHaveLength(1);
  });

  it('answers 401 without the secret and dispatches nothing', async () => {
    const before = sent().length;
    const hook = alertmanagerWebhook([alert('A')]);
    expect((await post(relay.url, hook, '')).status).toBe(401);
    expect((await post(relay.url, hook, 'Bearer guess')).status).toBe(401);
    expect(sent()).toHaveLength(before);
    expect(errors.join('\n')).toContain('refused a webhook without the shared secret');
  });

  it('answers 400 to a body that is not a version 4 webhook, 405 to a GET, 200 to its health check', async () => {
    const res = await post(relay.url, { version: '3', alerts: [] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.stringContaining('version "4"') });
    expect((await fetch(relay.url)).status).toBe(405);
    expect((await fetch(`${relay.url}/-/healthy`)).status).toBe(200);
  });

  it('answers 502 when GitHub refuses the dispatch, so Alertmanager retries', async () => {
    const wrongToken = await startAlertRelay(options({ token: 'ghs_wrong' }));
    try {
      const res = await post(wrongToken.url, alertmanagerWebhook([alert('A')]));
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: string }).error).toBe(
        `POST /repos/${OWNER}/${repo}/dispatches: HTTP 401: Bad credentials`,
      );
    } finally {
      await wrongToken.close();
      fx.emulator.clearLog(); // the wrong token is a recorded violation, on purpose
    }
  });
});

describe('rollouts alert-relay, the command', () => {
  const fx = useEmulator();

  it('refuses to start without a secret, a token or a repository (exit 2)', async () => {
    const run = async (args: string[], env: NodeJS.ProcessEnv) => {
      const err: string[] = [];
      const io = { out: () => {}, err: (l: string) => err.push(l), isTTY: false, cwd: '/', env };
      return { code: await runCli(['alert-relay', ...args], io), err: err.join('\n') };
    };
    const both = { GITHUB_TOKEN: 't', ROLLOUTS_RELAY_SECRET: 's' };
    expect(await run(['--repo', 'acme/x'], { GITHUB_TOKEN: 't' })).toEqual({
      code: 2,
      err: expect.stringContaining('$ROLLOUTS_RELAY_SECRET is not set'),
    });
    expect(await run(['--repo', 'acme/x', '--token-env', 'RELAY_TOKEN'], both)).toEqual({
      code: 2,
      err: expect.stringContaining('$RELAY_TOKEN is not set'),
    });
    expect(await run([], both)).toEqual({ code: 2, err: expect.stringContaining('--repo must be owner/name') });
    expect(await run(['--repo', 'acme/x', '--port', 'http'], both)).toEqual({
      code: 2,
      err: expect.stringContaining('--port http: not a port'),
    });
  });

  it('runs as a process on a free port, relays, and stops on SIGTERM with exit 0', async () => {
    const { repo, clone } = await fx.setupRepo();
    await clone.commit('alerts workflow', { '.github/workflows/rollouts.yml': WORKFLOW });
    await clone.push('main');
    const cli = startCli(
      '/',
      ['alert-relay', '--port', '0', '--repo', `${OWNER}/${repo}`, '--api-url', fx.emulator.url],
      { GITHUB_TOKEN: TOKEN, ROLLOUTS_RELAY_SECRET: SECRET },
    );
    try {
      const listening = () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stdout())?.[1];
      await waitFor('the relay to listen', () => listening() !== undefined || cli.proc.exitCode !== null);
      const url = listening();
      expect(url, cli.stderr()).toBeDefined();
      const hook = alertmanagerWebhook([alert('A')]);
      const res = await fetch(url!, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify(hook),
      });
      expect(res.status).toBe(200);
      expect(fx.emulator.repositoryDispatches.filter((d) => d.repo === repo)).toHaveLength(1);
    } finally {
      cli.proc.kill('SIGTERM');
    }
    const done = await cli.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain(`1 alert(s) (1 firing, 0 resolved) -> ${OWNER}/${repo} rollouts-alert (1 dispatch)`);
    expect(done.stdout).toContain('alert-relay: stopped (SIGTERM)');
    expect(done.stdout).not.toContain(TOKEN);
  });
});
