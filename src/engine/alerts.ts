// An Alertmanager webhook relayed as `repository_dispatch` (type rollouts-alert): fail the gates that watch those
// alerts now, instead of waiting for the next scheduled sample.
import type { Manifest } from '../manifest/index.js';
import type { Sample } from '../checks/types.js';
import { StateFileError } from '../state/index.js';
import type { EngineDeps } from './deps.js';
import { busyOutcome, invalidStateOutcome, outcomeOf, type RolloutOutcome } from './outcome.js';
import { withPass } from './pass.js';

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
    try {
      const out = await failGateForAlerts(deps, m, alerts);
      if (out) outcomes.push(out);
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      outcomes.push(invalidStateOutcome(m, err));
    }
  }
  return outcomes;
}

/** The rollout's open gate with the matching alerts as failing samples; null when its gate watches none of them. */
async function failGateForAlerts(
  deps: EngineDeps,
  m: Manifest,
  alerts: AlertmanagerAlert[],
): Promise<RolloutOutcome | null> {
  const { state } = await deps.store.readState(m.name);
  if (state?.status !== 'holding' || !state.gate) return null;
  const phase = m.phases.find((p) => p.name === state.gate!.phase);
  const samples = alertSamples(m, phase?.gate?.checks ?? [], alerts, deps.now?.() ?? new Date());
  if (!samples.length) return null;
  const out = await withPass(deps, m, async (pass) => {
    const gate = pass.state.gate;
    if (pass.state.status !== 'holding' || !gate) return null;
    await pass.commit(
      (s) => {
        if (s.gate) s.gate.samples = [...s.gate.samples, ...samples];
      },
      samples.map((sample) =>
        pass.entry({ kind: 'sample', phase: gate.phase, result: sample, source: 'alertmanager' }),
      ),
      'alert samples',
    );
    const result = await pass.sampleGate();
    return outcomeOf(m, pass.state, result.outcome, samples[0]!.reason);
  });
  return out ?? busyOutcome(m, state);
}
