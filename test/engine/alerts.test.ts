import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertSamples, alertTime, judgeAlerts, staleReason, type AlertmanagerAlert } from '../../src/engine/alerts.js';
import { parseManifest } from '../../src/manifest/index.js';
import { startPrometheusFixture, type PrometheusFixture } from '../checks/prometheus-fixture.js';
import { InProcessEngine } from '../helpers/engine.js';
import { TempDirs, TempRepo } from '../helpers/git-repo.js';

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

// Alertmanager sends Go's zero time as the endsAt of a firing alert that Prometheus gave no end.
const ZERO_TIME = '0001-01-01T00:00:00Z';

describe('alerts relayed from Alertmanager', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const gate = { startedAt: '2026-11-23T09:40:00Z' };
  const firing = (extra: Partial<AlertmanagerAlert> = {}): AlertmanagerAlert => ({
    status: 'firing',
    labels: { alertname: 'HighErrors', severity: 'critical' },
    startsAt: '2026-11-23T09:50:00Z',
    endsAt: '2026-11-23T10:04:00Z',
    fingerprint: 'f1',
    ...extra,
  });

  it('turns firing alerts that match a gate check into failing samples from when they started', () => {
    const samples = alertSamples(
      m,
      ['crit', 'other'],
      [firing(), { status: 'resolved', labels: { alertname: 'Old', team: 'x' } }],
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

  it("reads Go's zero time and missing or unparsable times as unset", () => {
    expect(alertTime(ZERO_TIME)).toBeNull();
    expect(alertTime(undefined)).toBeNull();
    expect(alertTime('soon')).toBeNull();
    expect(alertTime('2026-11-23T10:04:00.123456789Z')).toBe(Date.parse('2026-11-23T10:04:00.123Z'));
  });

  it('counts a firing alert whose endsAt is still ahead, or unset, as a failure', () => {
    expect(staleReason(firing(), gate, now)).toBeNull();
    expect(staleReason(firing({ endsAt: ZERO_TIME }), gate, now)).toBeNull();
    expect(staleReason(firing({ endsAt: undefined }), gate, now)).toBeNull();
    // Firing since before the gate opened and still firing: a failure of this gate too.
    expect(staleReason(firing({ startsAt: '2026-11-23T09:00:00Z' }), gate, now)).toBeNull();
  });

  it('is no failure when its endsAt has passed: the notification came late', () => {
    expect(staleReason(firing({ endsAt: '2026-11-23T09:58:00Z' }), gate, now)).toBe(
      'ended at 2026-11-23T09:58:00.000Z',
    );
  });

  it('is no failure when it started before the gate opened and has already ended', () => {
    const old = firing({ startsAt: '2026-11-23T09:00:00Z', endsAt: '2026-11-23T09:45:00Z' });
    expect(staleReason(old, gate, now)).toBe(
      'started 2026-11-23T09:00:00.000Z, before the gate opened, and ended at 2026-11-23T09:45:00.000Z',
    );
  });

  it('is no failure when its fingerprint was resolved since it started, and is again when it fires anew', () => {
    const resolved = { ...gate, resolvedAlerts: { f1: '2026-11-23T09:55:00Z' } };
    expect(staleReason(firing(), resolved, now)).toBe('resolved at 2026-11-23T09:55:00.000Z');
    expect(staleReason(firing({ fingerprint: 'f2' }), resolved, now)).toBeNull();
    expect(staleReason(firing({ startsAt: '2026-11-23T09:57:00Z' }), resolved, now)).toBeNull();
  });

  it('sets stale alerts aside with why, and remembers the resolved ones a check watches (same batch included)', () => {
    const v = judgeAlerts(
      m,
      ['crit', 'other'],
      [
        firing(),
        firing({
          fingerprint: 'f3',
          labels: { alertname: 'Late', severity: 'critical' },
          endsAt: '2026-11-23T09:59:00Z',
        }),
        { status: 'resolved', labels: { severity: 'critical' }, fingerprint: 'f1', endsAt: '2026-11-23T09:56:00Z' },
        { status: 'resolved', labels: { severity: 'warning' }, fingerprint: 'f9', endsAt: '2026-11-23T09:56:00Z' },
      ],
      gate,
      now,
    );
    expect(v.samples).toEqual([]);
    expect(v.stale).toEqual([
      { check: 'crit', alert: 'HighErrors', reason: 'resolved at 2026-11-23T09:56:00.000Z' },
      { check: 'crit', alert: 'Late', reason: 'ended at 2026-11-23T09:59:00.000Z' },
    ]);
    expect(v.resolved).toEqual({ f1: '2026-11-23T09:56:00.000Z' });
  });
});

describe('relayed alerts against a holding gate in a real repository', () => {
  const dirs = new TempDirs();
  let prom: PrometheusFixture;
  let repo: TempRepo;
  let engine: InProcessEngine;
  const labels = { alertname: 'BackfillErrors', rollout: 'r' };
  const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

  beforeAll(async () => {
    prom = await startPrometheusFixture({ alerts: [] });
    repo = await TempRepo.create(dirs, {
      r: `apiVersion: rollouts/v1
kind: Rollout
name: r
phase: none
checks:
  backfill:
    alerts: { url: "${prom.url}", labels: { alertname: BackfillErrors } }
    severity: critical
phases:
  - name: canary
    gate: { hold: 1h, every: 15m, checks: [backfill] }
`,
    });
    engine = new InProcessEngine(repo.dir);
    await repo.setPhase('r', 'canary');
    expect((await engine.applyOne('r')).result).toMatchObject({ status: 'holding' });
  });
  afterAll(async () => {
    await prom.close();
    await dirs.cleanup();
  });

  it('a resolved notification handled first makes the late firing one of the same alert no failure', async () => {
    const resolved = await engine.alerts([
      { status: 'resolved', labels, fingerprint: 'fp1', startsAt: at(-3), endsAt: at(-1) },
    ]);
    expect(resolved.result).toEqual([expect.objectContaining({ name: 'r', outcome: 'unchanged', status: 'holding' })]);
    expect((await repo.state('r'))!.gate!.resolvedAlerts).toEqual({ fp1: expect.any(String) });

    const late = await engine.alerts([
      { status: 'firing', labels, fingerprint: 'fp1', startsAt: at(-3), endsAt: at(3) },
    ]);
    expect(late.result).toEqual([]);
    expect(late.lines.join('\n')).toMatch(/r: backfill: BackfillErrors is no failure: resolved at /);
    expect(await repo.state('r')).toMatchObject({ status: 'holding' });
    expect((await repo.ledger('r')).filter((e) => e.kind === 'sample' && e.source === 'alertmanager')).toEqual([]);
  });

  it('a firing notification from before the gate whose endsAt has passed changes nothing', async () => {
    const r = await engine.alerts([{ status: 'firing', labels, fingerprint: 'fp2', startsAt: at(-9), endsAt: at(-2) }]);
    expect(r.result).toEqual([]);
    expect(r.lines.join('\n')).toMatch(
      /BackfillErrors is no failure: started .*, before the gate opened, and ended at /,
    );
    expect(await repo.state('r')).toMatchObject({ status: 'holding' });
  });

  it('the same alert firing anew after it was resolved fails the gate', async () => {
    const r = await engine.alerts([{ status: 'firing', labels, fingerprint: 'fp1', startsAt: at(0), endsAt: at(4) }]);
    expect(r.result).toEqual([expect.objectContaining({ outcome: 'failed', status: 'failed' })]);
    const samples = (await repo.ledger('r')).filter((e) => e.kind === 'sample' && e.source === 'alertmanager');
    expect(samples.map((e) => (e.result as { outcome: string }).outcome)).toContain('fail');
  });
});
