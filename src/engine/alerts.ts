// An Alertmanager webhook relayed as `repository_dispatch` (type rollouts-alert): fail the gates that watch those
// alerts now, instead of waiting for the next scheduled sample. Relayed alerts can be stale by the time a run handles
// them (runs queue; a resolved notification can be handled before the firing one it follows): a firing alert whose
// `endsAt` has passed, that was resolved since (by fingerprint), or that started before the gate opened and has
// already ended, is no failure. Resolved alerts a gate watches are remembered in its state for that.
import type { Manifest } from '../manifest/index.js';
import type { Sample } from '../checks/types.js';
import { StateFileError, type GateState } from '../state/index.js';
import type { EngineDeps } from './deps.js';
import { busyOutcome, invalidStateOutcome, outcomeOf, type RolloutOutcome } from './outcome.js';
import { appendSamples } from './gate.js';
import { withPass } from './pass.js';

/** One alert of an Alertmanager webhook (version 4). */
export interface AlertmanagerAlert {
  status: 'firing' | 'resolved' | string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  /** Firing: when the alert expires unless Prometheus sends it again; resolved: when it was resolved. */
  endsAt?: string;
  fingerprint?: string;
}

/** A gate remembers this many resolved fingerprints (the newest). */
export const RESOLVED_ALERTS_KEPT = 200;

function matches(labels: Record<string, string>, want: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

/** Milliseconds of an Alertmanager time; null when absent, unparsable, or Go's zero time (0001-01-01: not set). */
export function alertTime(text: string | undefined): number | null {
  const t = Date.parse(text ?? '');
  return Number.isFinite(t) && t > 0 ? t : null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Why a firing alert is no failure of a gate opened at `gate.startedAt`, at `now`; null when it is one. */
export function staleReason(
  a: AlertmanagerAlert,
  gate: Pick<GateState, 'startedAt' | 'resolvedAlerts'>,
  now: Date,
): string | null {
  const starts = alertTime(a.startsAt);
  const ends = alertTime(a.endsAt);
  const resolved = a.fingerprint ? alertTime(gate.resolvedAlerts?.[a.fingerprint]) : null;
  if (resolved !== null && (starts === null || resolved >= starts)) return `resolved at ${iso(resolved)}`;
  if (ends === null || ends > now.getTime()) return null;
  const opened = alertTime(gate.startedAt);
  if (starts !== null && opened !== null && starts < opened)
    return `started ${iso(starts)}, before the gate opened, and ended at ${iso(ends)}`;
  return `ended at ${iso(ends)}`;
}

export interface AlertVerdict {
  samples: Sample[];
  /** Matching firing alerts that are no failure, each with why (for the job's log). */
  stale: { check: string; alert: string; reason: string }[];
  /** Fingerprint -> endsAt of the resolved alerts a check of the gate watches. */
  resolved: Record<string, string>;
}

/**
 * The relayed alerts as the gate's checks see them: failing samples for the current firing alerts that an `alerts`
 * check matches, the stale ones set aside, and the resolved ones to remember.
 */
export function judgeAlerts(
  m: Manifest,
  gateChecks: string[],
  alerts: AlertmanagerAlert[],
  gate: Pick<GateState, 'startedAt' | 'resolvedAlerts'>,
  now: Date,
): AlertVerdict {
  const out: AlertVerdict = { samples: [], stale: [], resolved: {} };
  const watched = gateChecks.flatMap((name) => {
    const labels = m.checks[name]?.alerts?.labels;
    return labels ? [{ name, labels, severity: m.checks[name]!.severity }] : [];
  });
  for (const a of alerts)
    if (a.status === 'resolved' && a.fingerprint && watched.some((c) => matches(a.labels, c.labels)))
      out.resolved[a.fingerprint] = iso(alertTime(a.endsAt) ?? now.getTime());
  // A resolved notification in the same batch counts as "since" too.
  const known = { ...gate, resolvedAlerts: { ...gate.resolvedAlerts, ...out.resolved } };
  for (const check of watched) {
    const hits: AlertmanagerAlert[] = [];
    for (const a of alerts) {
      if (a.status !== 'firing' || !matches(a.labels, check.labels)) continue;
      const reason = staleReason(a, known, now);
      if (reason) out.stale.push({ check: check.name, alert: a.labels.alertname ?? 'alert', reason });
      else hits.push(a);
    }
    if (!hits.length) continue;
    const started = hits.map((a) => alertTime(a.startsAt)).filter((t): t is number => t !== null);
    const at = started.length ? new Date(Math.min(...started)) : now;
    const reason = `Alertmanager: ${hits.map((a) => a.labels.alertname ?? 'alert').join(', ')} firing`;
    // Two samples: one when the alert started firing, one now, so `for:` is measured from the alert's start.
    for (const t of at.getTime() < now.getTime() ? [at, now] : [now])
      out.samples.push({
        check: check.name,
        at: t.toISOString(),
        outcome: 'fail',
        value: hits.length,
        severity: check.severity,
        durationMs: 0,
        reason,
        detail: {
          alerts: hits.map((a) => ({
            labels: a.labels,
            startsAt: a.startsAt,
            ...(a.fingerprint ? { fingerprint: a.fingerprint } : {}),
          })),
        },
      });
  }
  return out;
}

/** The alert checks of a rollout's open gate that the current firing alerts match, as failing samples. */
export function alertSamples(
  m: Manifest,
  gateChecks: string[],
  alerts: AlertmanagerAlert[],
  now: Date,
  gate: Pick<GateState, 'startedAt' | 'resolvedAlerts'> = { startedAt: now.toISOString() },
): Sample[] {
  return judgeAlerts(m, gateChecks, alerts, gate, now).samples;
}

/** The newest RESOLVED_ALERTS_KEPT of the gate's remembered fingerprints and `added`. */
function remember(kept: Record<string, string> | undefined, added: Record<string, string>): Record<string, string> {
  const all = Object.entries({ ...kept, ...added }).sort((x, y) => Date.parse(y[1]) - Date.parse(x[1]));
  return Object.fromEntries(all.slice(0, RESOLVED_ALERTS_KEPT));
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

const changesNothing = (v: AlertVerdict, gate: GateState) =>
  !v.samples.length && Object.entries(v.resolved).every(([fp, at]) => gate.resolvedAlerts?.[fp] === at);

/**
 * The rollout's open gate with the current matching alerts as failing samples, and the resolved ones remembered;
 * null when its gate watches none of them (or nothing changes).
 */
async function failGateForAlerts(
  deps: EngineDeps,
  m: Manifest,
  alerts: AlertmanagerAlert[],
): Promise<RolloutOutcome | null> {
  const { state } = await deps.store.readState(m.name);
  if (state?.status !== 'holding' || !state.gate) return null;
  const now = () => deps.now?.() ?? new Date();
  const checksOf = (phase: string) => m.phases.find((p) => p.name === phase)?.gate?.checks ?? [];
  const first = judgeAlerts(m, checksOf(state.gate.phase), alerts, state.gate, now());
  for (const s of first.stale) deps.reporter.info(`${m.name}: ${s.check}: ${s.alert} is no failure: ${s.reason}`);
  if (changesNothing(first, state.gate)) return null;
  const done = await withPass(deps, m, async (pass): Promise<{ outcome: RolloutOutcome | null }> => {
    const gate = pass.state.gate;
    if (pass.state.status !== 'holding' || !gate) return { outcome: null };
    // Judged again under the lease: the state may have moved since it was read.
    const v = judgeAlerts(m, checksOf(gate.phase), alerts, gate, now());
    if (changesNothing(v, gate)) return { outcome: null };
    await pass.commit(
      (s) => {
        if (!s.gate) return;
        appendSamples(m, s.gate, v.samples);
        if (Object.keys(v.resolved).length) s.gate.resolvedAlerts = remember(s.gate.resolvedAlerts, v.resolved);
      },
      v.samples.map((sample) =>
        pass.entry({ kind: 'sample', phase: gate.phase, result: sample, source: 'alertmanager' }),
      ),
      v.samples.length ? 'alert samples' : 'resolved alerts',
    );
    if (!v.samples.length)
      return { outcome: outcomeOf(m, pass.state, 'unchanged', `resolved: ${Object.keys(v.resolved).join(', ')}`) };
    const result = await pass.sampleGate();
    return { outcome: outcomeOf(m, pass.state, result.outcome, v.samples[0]!.reason) };
  });
  return done ? done.outcome : busyOutcome(m, state);
}
