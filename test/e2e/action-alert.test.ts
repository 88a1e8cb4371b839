// An Alertmanager alert relayed as `repository_dispatch` (type rollouts-alert) through the built action: a canary gate
// that holds for an hour with a sample every 15 minutes, watching an `alerts` check, fails at once when a matching
// alert fires, and its revert PR is opened and merged; an alert the gate does not watch changes nothing.
// The gate's own samples read Prometheus' /api/v1/alerts from a stand-in that lists no alert: the alert reaches the
// gate only through the dispatch, which is the point (no waiting 15 minutes for the next scheduled sample).
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_CONTRACT, PROVIDER_AGNOSTIC_CONTRACT } from '../../examples/target/db.js';
import type { RolloutStatusView } from '../../src/engine/index.js';
import { GitStateStore, type LedgerEntry } from '../../src/state/index.js';
import { ActionHarness, describeRun, ensureActionBuilt, ROOT, type JobRun } from '../helpers/action.js';
import { isolateGitConfig, TempDirs } from '../helpers/git-repo.js';
import { alertmanagerWebhook } from '../helpers/payloads.js';
import { TestTarget } from '../helpers/target.js';

const NAME = 'byok-demo';
const FILE = `rollouts/${NAME}.yaml`;
const CANARY_IDS = ['org_0001', 'org_0002', 'org_0003'];

/** The demo manifest with an `alerts` check on its canary gate, held an hour, sampled every 15 minutes. */
async function alertingManifest(): Promise<(phase: string) => string> {
  const text = await readFile(join(ROOT, 'examples/demo/byok-demo.yaml'), 'utf8');
  const withCheck = text
    .replace(
      /^checks:\n/m,
      'checks:\n  backfill-alerts:\n    alerts: { labels: { alertname: ByokBackfillErrors, rollout: byok-demo } }\n    severity: critical\n',
    )
    .replace(
      'gate: { hold: 2s, every: 1s, checks: [probe] }',
      'gate: { hold: 1h, every: 15m, checks: [probe, backfill-alerts] }',
    );
  if (!withCheck.includes('backfill-alerts:\n') || !withCheck.includes('checks: [probe, backfill-alerts]'))
    throw new Error('examples/demo/byok-demo.yaml changed: adapt alertingManifest');
  return (phase) => withCheck.replace(/^phase: none$/m, `phase: ${phase}`);
}

/** Prometheus' alerts API, listing no alert; counts the requests it answered. */
async function startAlertsApi(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    const ok = req.method === 'GET' && req.url?.split('?')[0] === '/api/v1/alerts';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        ok
          ? { status: 'success', data: { alerts: [] } }
          : { status: 'error', errorType: 'not_found', error: 'not found' },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const statusOf = (r: JobRun) =>
  r.json<{ rollouts: RolloutStatusView[] }>('status').rollouts.find((v) => v.name === NAME)!;

describe('an Alertmanager alert relayed as repository_dispatch', () => {
  const dirs = new TempDirs();
  let h: ActionHarness;
  let target: TestTarget;
  let alertsApi: Awaited<ReturnType<typeof startAlertsApi>>;
  let enteredCanary: string;
  const ledger = async (): Promise<LedgerEntry[]> => {
    const out: LedgerEntry[] = [];
    for await (const e of new GitStateStore({ repo: h.remote }).readLedger(NAME)) out.push(e);
    return out;
  };
  const firing = (alertname: string, minutesAgo: number) => ({
    labels: { alertname, rollout: NAME, severity: 'critical', namespace: 'byok' },
    annotations: { summary: `${alertname} on the BYOK backfill` },
    startsAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  });

  beforeAll(async () => {
    await isolateGitConfig();
    await ensureActionBuilt();
    const manifest = await alertingManifest();
    target = await TestTarget.start(dirs, { orgs: 20 });
    alertsApi = await startAlertsApi();
    h = await ActionHarness.start({
      files: {
        [FILE]: manifest('none'),
        '.github/workflows/rollouts.yml': await readFile(join(ROOT, 'examples/workflows/rollouts.yml'), 'utf8'),
      },
      stepEnv: { TARGET_URL: target.url, PROMETHEUS_URL: alertsApi.url },
    });
    const before = await h.mainSha();
    enteredCanary = await h.commitOnBranch('byok-canary', { [FILE]: manifest('canary') }, `${NAME}: canary`);
    await h.merge((await h.openPull('byok-canary', 'Canary', 'Runbook 000.')).number);
    const applied = await h.pushJob(before);
    expect(applied.code, describeRun(applied)).toBe(0);
    expect(statusOf(applied)).toMatchObject({ applied: 'canary', status: 'holding' });
  });

  afterEach(() => h.assertContractAndClear());

  afterAll(async () => {
    await h?.close();
    await alertsApi?.close();
    await target?.close();
    await dirs.cleanup();
  });

  it('leaves the gate holding when the firing alert is not one it watches', async () => {
    expect(alertsApi.requests()).toBeGreaterThan(0);
    const webhook = alertmanagerWebhook([firing('DiskAlmostFull', 3)]);
    const r = await h.repositoryDispatchJob('rollouts-alert', { alerts: webhook.alerts });
    expect(r.code, describeRun(r)).toBe(0);
    expect(statusOf(r)).toMatchObject({ applied: 'canary', status: 'holding' });
    expect(await h.emulator.listPulls(h.owner, h.repo)).toHaveLength(1);
    expect(r.apiCalls.filter((c) => c.method !== 'GET')).toEqual([]);
  });

  it('fails the holding gate at once on a matching alert and merges the revert PR of the canary', async () => {
    const webhook = alertmanagerWebhook([firing('ByokBackfillErrors', 2), firing('DiskAlmostFull', 3)]);
    const r = await h.repositoryDispatchJob('rollouts-alert', { alerts: webhook.alerts });
    expect(r.code, describeRun(r)).not.toBe(0);
    expect(r.errors().join('\n')).toContain(`${NAME}: Alertmanager: ByokBackfillErrors firing`);
    expect(statusOf(r)).toMatchObject({ applied: 'canary', status: 'failed' });

    const fromAlertmanager = (await ledger()).filter(
      (e) => e.kind === 'sample' && (e as { source?: string }).source === 'alertmanager',
    );
    expect(fromAlertmanager.map((e) => (e.result as { check: string; outcome: string }).outcome)).toEqual([
      'fail',
      'fail',
    ]);
    expect(fromAlertmanager[0]!.result).toMatchObject({ check: 'backfill-alerts', at: webhook.alerts[0]!.startsAt });

    const reverts = (await h.emulator.listPulls(h.owner, h.repo)).filter(
      (p) => p.head.ref === `rollouts/revert-${NAME}-${enteredCanary.slice(0, 7)}`,
    );
    expect(reverts).toHaveLength(1);
    const revert = await h.emulator.getPull(h.owner, h.repo, reverts[0]!.number);
    expect(revert).toMatchObject({ merged: true, title: `rollouts: revert ${NAME} canary (critical)` });
    expect(revert.labels.map((l) => l.name)).toEqual(['rollouts:rollback']);
    expect(revert.body).toMatch(/\| `backfill-alerts` \| fail \|.*Alertmanager: ByokBackfillErrors firing/);
    expect(revert.body).not.toContain('DiskAlmostFull');
    expect(h.emulator.dispatches).toEqual([
      expect.objectContaining({ workflowPath: '.github/workflows/rollouts.yml', inputs: { command: 'reconcile' } }),
    ]);
  });

  it('rolls the canary back in the dispatched run: its cohort is on the legacy contract again', async () => {
    for (const id of CANARY_IDS) expect((await target.org(id)).contract).toBe(PROVIDER_AGNOSTIC_CONTRACT);
    const r = await h.dispatchedJob(h.emulator.dispatches[0]!);
    expect(r.code, describeRun(r)).toBe(0);
    expect(statusOf(r)).toMatchObject({ desired: 'none', applied: 'none', status: 'rolled-back' });
    for (const id of CANARY_IDS) expect((await target.org(id)).contract).toBe(LEGACY_CONTRACT);
    expect(await target.integrity()).toMatchObject({ mixed: 0 });
  });
});
