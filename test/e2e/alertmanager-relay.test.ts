// Alerts end to end through real peers: a real Prometheus (Debian's `prometheus`) evaluates a rule over a gauge this
// test sets, sends the alert to a real Alertmanager (Debian's `prometheus-alertmanager`), whose webhook goes to
// `rollouts alert-relay` (the CLI from source, as a process), which sends repository_dispatch rollouts-alert to the
// GitHub emulator; each dispatch recorded there is run through the built action, as GitHub would start the workflow.
//
// The story: the canary of byok-demo holds its gate (an hour, sampled every 15 minutes, watching an `alerts` check).
// The alert fires, then resolves; the resolved notification is handled first and the firing one late: no failure
// (stale). The alert fires anew: the gate fails at once and the revert PR is merged; its resolution is handled too.
// Prometheus evaluates every second and Alertmanager groups for a second, so each step takes a few seconds.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { sampleCheck } from '../../src/checks/sample.js';
import { alertTime } from '../../src/engine/alerts.js';
import type { RolloutStatusView } from '../../src/engine/index.js';
import { GitStateStore, type LedgerEntry } from '../../src/state/index.js';
import { parseCheck, testEnv } from '../checks/env.js';
import type { RepositoryDispatchRecord } from '../github-emulator/state.js';
import { ActionHarness, describeRun, ensureActionBuilt, ROOT, type JobRun } from '../helpers/action.js';
import { findAlertmanager, startAlertmanager, type RunningAlertmanager } from '../helpers/alertmanager.js';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { isolateGitConfig, TempDirs } from '../helpers/git-repo.js';
import { findPrometheus, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { TestTarget } from '../helpers/target.js';
import { waitFor } from '../helpers/wait.js';

const PROMETHEUS = findPrometheus();
const ALERTMANAGER = findAlertmanager();
const MISSING = [
  ...(PROMETHEUS ? [] : ["`prometheus` (Debian's prometheus)"]),
  ...(ALERTMANAGER ? [] : ["`prometheus-alertmanager` (Debian's prometheus-alertmanager)"]),
];
const SKIP_REASON = `no ${MISSING.join(' or ')} on PATH: install them (.ci/run does)`;
// Skipped on a laptop without them; in CI (.ci/run installs them) a missing binary is a failure, not a silent skip.
if (MISSING.length && process.env.CI) throw new Error(`CI needs a real Prometheus and Alertmanager: ${SKIP_REASON}`);
if (MISSING.length) console.warn(`test/e2e/alertmanager-relay.test.ts skipped: ${SKIP_REASON}`);

const NAME = 'byok-demo';
const FILE = `rollouts/${NAME}.yaml`;
const ALERT = 'ByokBackfillErrors';
const SECRET = 'e2e-relay-secret';

type RelayedAlert = {
  status: string;
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
};

/** The demo manifest with an `alerts` check on its canary gate, held an hour, sampled every 15 minutes. */
async function alertingManifest(): Promise<(phase: string) => string> {
  const text = await readFile(join(ROOT, 'examples/demo/byok-demo.yaml'), 'utf8');
  const withCheck = text
    .replace(
      /^checks:\n/m,
      `checks:\n  backfill-alerts:\n    alerts: { labels: { alertname: ${ALERT}, rollout: ${NAME} } }\n    severity: critical\n`,
    )
    .replace(
      'gate: { hold: 2s, every: 1s, checks: [probe] }',
      'gate: { hold: 1h, every: 15m, checks: [probe, backfill-alerts] }',
    );
  if (!withCheck.includes('backfill-alerts:\n') || !withCheck.includes('checks: [probe, backfill-alerts]'))
    throw new Error('examples/demo/byok-demo.yaml changed: adapt alertingManifest');
  return (phase) => withCheck.replace(/^phase: none$/m, `phase: ${phase}`);
}

/** A scrape target with one gauge, `byok_backfill_errors`, that the test sets. */
async function startGauge(): Promise<{ address: string; set: (v: number) => void; close: () => Promise<void> }> {
  let value = 0;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE byok_backfill_errors gauge\nbyok_backfill_errors ${value}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (v) => {
      value = v;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const statusOf = (r: JobRun) =>
  r.json<{ rollouts: RolloutStatusView[] }>('status').rollouts.find((v) => v.name === NAME)!;

describe.skipIf(MISSING.length > 0)('Prometheus -> Alertmanager -> rollouts alert-relay -> the action', () => {
  const dirs = new TempDirs();
  let h: ActionHarness;
  let target: TestTarget;
  let gauge: Awaited<ReturnType<typeof startGauge>>;
  let relay: RunningCli;
  let am: RunningAlertmanager;
  let prom: RunningPrometheus;
  let env: Record<string, string>;
  let seen = 0;
  const dispatches: { record: RepositoryDispatchRecord; alert: RelayedAlert }[] = [];

  const logs = () =>
    `relay stdout:\n${relay?.stdout()}\nrelay stderr:\n${relay?.stderr()}\nalertmanager:\n${am?.log()}\nprometheus:\n${prom?.log()}`;
  /** The next relayed dispatch with an alert of ours for which `want` holds (dispatches before it are passed over). */
  const nextDispatch = async (what: string, want: (a: RelayedAlert) => boolean) => {
    let found: { record: RepositoryDispatchRecord; alert: RelayedAlert } | undefined;
    await waitFor(
      what,
      () => {
        const all = h.emulator.repositoryDispatches;
        for (; seen < all.length && !found; seen++) {
          const alerts = (all[seen]!.clientPayload.alerts ?? []) as RelayedAlert[];
          const alert = alerts.find((a) => a.labels.alertname === ALERT && want(a));
          if (alert) found = { record: all[seen]!, alert };
        }
        return found !== undefined;
      },
      { everyMs: 100, limitMs: 30_000 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${logs()}`);
    });
    dispatches.push(found!);
    return found!;
  };
  const ledger = async (): Promise<LedgerEntry[]> => {
    const out: LedgerEntry[] = [];
    for await (const e of new GitStateStore({ repo: h.remote }).readLedger(NAME)) out.push(e);
    return out;
  };
  const fromAlertmanager = async () =>
    (await ledger()).filter((e) => e.kind === 'sample' && (e as { source?: string }).source === 'alertmanager');

  beforeAll(async () => {
    await isolateGitConfig();
    await ensureActionBuilt();
    const manifest = await alertingManifest();
    target = await TestTarget.start(dirs, { orgs: 20 });
    gauge = await startGauge();
    h = await ActionHarness.start({
      files: {
        [FILE]: manifest('none'),
        '.github/workflows/rollouts.yml': await readFile(join(ROOT, 'examples/workflows/rollouts.yml'), 'utf8'),
      },
      stepEnv: { TARGET_URL: target.url },
    });
    relay = startCli(
      ROOT,
      ['alert-relay', '--port', '0', '--repo', `${h.owner}/${h.repo}`, '--api-url', h.emulator.url],
      { GITHUB_TOKEN: h.token, ROLLOUTS_RELAY_SECRET: SECRET },
    );
    const listening = () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(relay.stdout())?.[1];
    await waitFor('the relay to listen', () => listening() !== undefined || relay.proc.exitCode !== null);
    if (!listening()) throw new Error(`the relay did not start:\n${relay.stderr()}`);
    am = await startAlertmanager(
      ALERTMANAGER!,
      dirs,
      stringify({
        route: {
          receiver: 'rollouts',
          group_by: ['alertname'],
          group_wait: '1s',
          group_interval: '1s',
          repeat_interval: '1h',
        },
        receivers: [
          {
            name: 'rollouts',
            webhook_configs: [
              {
                url: `${listening()}/`,
                send_resolved: true,
                http_config: { authorization: { type: 'Bearer', credentials: SECRET } },
              },
            ],
          },
        ],
      }),
    );
    prom = await startPrometheus(PROMETHEUS!, dirs, {
      targets: [gauge.address],
      alertmanagers: [am.address],
      externalLabels: { cluster: 'e2e' },
      rules: stringify({
        groups: [
          {
            name: 'byok',
            rules: [
              {
                alert: ALERT,
                expr: 'byok_backfill_errors > 0',
                for: '0s',
                labels: { severity: 'critical', rollout: NAME },
                annotations: { summary: 'the BYOK backfill fails items' },
              },
            ],
          },
        ],
      }),
    });
    env = { PROMETHEUS_URL: prom.url };
    const before = await h.mainSha();
    await h.commitOnBranch('byok-canary', { [FILE]: manifest('canary') }, `${NAME}: canary`);
    await h.merge((await h.openPull('byok-canary', 'Canary', 'Runbook 000.')).number);
    const applied = await h.pushJob(before, { env });
    expect(applied.code, describeRun(applied)).toBe(0);
    expect(statusOf(applied)).toMatchObject({ applied: 'canary', status: 'holding' });
  }, 120_000);

  afterEach(() => h.assertContractAndClear());

  afterAll(async () => {
    await prom?.stop();
    await am?.stop();
    relay?.proc.kill('SIGTERM');
    await relay?.done;
    await h?.close();
    await gauge?.close();
    await target?.close();
    await dirs.cleanup();
  });

  it('relays the firing alert with the external labels that Prometheus itself, and so the alerts check, does not see', async () => {
    gauge.set(1);
    const { record, alert } = await nextDispatch('the firing alert relayed', (a) => a.status === 'firing');
    expect(record).toMatchObject({ eventType: 'rollouts-alert', runIds: [expect.any(Number)] });
    expect(Object.keys(record.clientPayload).length).toBeLessThanOrEqual(10);
    const ruleLabels = { alertname: ALERT, severity: 'critical', rollout: NAME, job: 'target' };
    expect(alert.labels).toEqual({ ...ruleLabels, instance: gauge.address, cluster: 'e2e' });
    // Prometheus' own API: the same alert, without the external label.
    const { alerts } = await prom.api<{ alerts: { labels: Record<string, string>; state: string }[] }>('alerts');
    expect(alerts).toEqual([
      expect.objectContaining({ state: 'firing', labels: { ...ruleLabels, instance: gauge.address } }),
    ]);
    // So the `alerts` check, which samples Prometheus' API, matches the rule's labels and never the external one.
    const sample = (labels: Record<string, string>) =>
      sampleCheck('x', parseCheck({ alerts: { url: prom.url, labels }, severity: 'critical' }), testEnv());
    expect(await sample({ alertname: ALERT, rollout: NAME })).toMatchObject({ outcome: 'fail', value: 1 });
    expect(await sample({ alertname: ALERT, cluster: 'e2e' })).toMatchObject({ outcome: 'pass', value: 0 });
    // Alertmanager sends a firing alert's endsAt as Go's zero time (not Prometheus' resend horizon): no end known.
    expect(alert.endsAt).toBe('0001-01-01T00:00:00Z');
    expect(alertTime(alert.endsAt)).toBeNull();
    // The relay logs once GitHub has answered, a moment after the emulator recorded the dispatch.
    const line = `-> ${h.owner}/${h.repo} rollouts-alert (1 dispatch)`;
    await waitFor('the relay to log the dispatch', () => relay.stdout().includes(line));
  });

  it('handles the resolved notification first and then the late firing one: the gate still holds', async () => {
    const [firing] = dispatches;
    gauge.set(0);
    const resolved = await nextDispatch(
      'the resolution relayed',
      (a) => a.status === 'resolved' && a.fingerprint === firing!.alert.fingerprint,
    );
    expect(alertTime(resolved.alert.endsAt)).toBeLessThanOrEqual(Date.now());

    const first = await h.repositoryDispatchedJob(resolved.record, { env });
    expect(first.code, describeRun(first)).toBe(0);
    expect(statusOf(first)).toMatchObject({ applied: 'canary', status: 'holding' });
    const late = await h.repositoryDispatchedJob(firing!.record, { env });
    expect(late.code, describeRun(late)).toBe(0);
    expect(late.stdout).toMatch(new RegExp(`backfill-alerts: ${ALERT} is no failure: resolved at `));
    expect(statusOf(late)).toMatchObject({ applied: 'canary', status: 'holding' });
    expect(await fromAlertmanager()).toEqual([]);
    expect(await h.emulator.listPulls(h.owner, h.repo)).toHaveLength(1);
  });

  it('fails the holding gate at once when the alert fires anew, and merges the revert PR', async () => {
    gauge.set(1);
    const resolvedAt = alertTime(dispatches[1]!.alert.endsAt)!;
    const again = await nextDispatch(
      'the alert firing anew relayed',
      (a) => a.status === 'firing' && alertTime(a.startsAt)! > resolvedAt,
    );
    const r = await h.repositoryDispatchedJob(again.record, { env });
    expect(r.code, describeRun(r)).not.toBe(0);
    expect(r.errors().join('\n')).toContain(`${NAME}: Alertmanager: ${ALERT} firing`);
    expect(statusOf(r)).toMatchObject({ applied: 'canary', status: 'failed' });
    const samples = await fromAlertmanager();
    expect(samples.map((e) => (e.result as { outcome: string }).outcome)).toEqual(['fail', 'fail']);
    expect(samples[0]!.result).toMatchObject({
      check: 'backfill-alerts',
      at: new Date(again.alert.startsAt).toISOString(),
    });
    const reverts = (await h.emulator.listPulls(h.owner, h.repo)).filter((p) =>
      p.head.ref.startsWith(`rollouts/revert-${NAME}-`),
    );
    expect(reverts).toHaveLength(1);
    expect(await h.emulator.getPull(h.owner, h.repo, reverts[0]!.number)).toMatchObject({ merged: true });
  });

  it('relays the resolution after that, and the run handles it without changing the failed rollout', async () => {
    gauge.set(0);
    const fired = dispatches[2]!.alert;
    const resolved = await nextDispatch(
      'the second resolution relayed',
      (a) => a.status === 'resolved' && a.fingerprint === fired.fingerprint,
    );
    const r = await h.repositoryDispatchedJob(resolved.record, { env });
    expect(r.code, describeRun(r)).toBe(0);
    expect(statusOf(r)).toMatchObject({ applied: 'canary', status: 'failed' });
    expect(r.apiCalls.filter((c) => c.method !== 'GET')).toEqual([]);
  });
});
