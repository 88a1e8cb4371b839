// An Alertmanager webhook relayed as `repository_dispatch` (type rollouts-alert): fail the gates that watch those
// alerts now, instead of waiting for the next scheduled sample.
import type { Manifest } from '../manifest/index.js';
import type { Sample } from '../checks/types.js';
import { runContext, withSession, type RolloutOutcome } from './reconcile.js';
import { sampleGate } from './gate.js';
import type { EngineDeps } from './deps.js';

/** One alert of an Alertmanager webhook (version 4). */
export interface AlertmanagerAlert {
  status: 'firing' | 'resolved' | string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  fingerprint?: string;
}

function matches(labels: Record<string, string>, want: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

/** The alert checks of a rollout's open gate that the firing alerts match, as failing samples. */
export function alertSamples(m: Manifest, gateChecks: string[], alerts: AlertmanagerAlert[], now: Date): Sample[] {
  const firing = alerts.filter((a) => a.status === 'firing');
  const out: Sample[] = [];
  for (const name of gateChecks) {
    const check = m.checks[name];
    if (!check?.alerts) continue;
    const hits = firing.filter((a) => matches(a.labels, check.alerts!.labels));
    if (!hits.length) continue;
    const started = hits.map((a) => Date.parse(a.startsAt ?? '')).filter(Number.isFinite);
    const at = started.length ? new Date(Math.min(...started)) : now;
    const reason = `Alertmanager: ${hits.map((a) => a.labels.alertname ?? 'alert').join(', ')} firing`;
    // Two samples: one when the alert started firing, one now, so `for:` is measured from the alert's start.
    for (const t of at.getTime() < now.getTime() ? [at, now] : [now])
      out.push({
        check: name,
        at: t.toISOString(),
        outcome: 'fail',
        value: hits.length,
        severity: check.severity,
        durationMs: 0,
        reason,
        detail: { alerts: hits.map((a) => ({ labels: a.labels, startsAt: a.startsAt })) },
      });
  }
  return out;
}

export async function failGatesForAlerts(
  deps: EngineDeps,
  manifests: Manifest[],
  alerts: AlertmanagerAlert[],
): Promise<RolloutOutcome[]> {
  const outcomes: RolloutOutcome[] = [];
  for (const m of manifests) {
    const { state } = await deps.store.readState(m.name);
    if (state?.status !== 'holding' || !state.gate) continue;
    const phase = m.phases.find((p) => p.name === state.gate!.phase);
    const samples = alertSamples(m, phase?.gate?.checks ?? [], alerts, deps.now?.() ?? new Date());
    if (!samples.length) continue;
    const rc = runContext(deps, m);
    const out = await withSession(deps, m, rc.masker, async (session) => {
      if (session.state.status !== 'holding' || !session.state.gate) return null;
      await session.commit(
        (s) => {
          if (s.gate) s.gate.samples = [...s.gate.samples, ...samples];
        },
        samples.map((sample) =>
          session.entry({ kind: 'sample', phase: session.state.gate!.phase, result: sample, source: 'alertmanager' }),
        ),
        'alert samples',
      );
      const kind = await sampleGate(deps, session, rc, m);
      return {
        name: m.name,
        outcome: kind,
        desired: m.phase,
        applied: session.state.applied,
        status: session.state.status,
        message: samples[0]!.reason,
      };
    });
    outcomes.push(
      out ?? { name: m.name, outcome: 'busy', desired: m.phase, applied: state.applied, status: state.status },
    );
  }
  return outcomes;
}
