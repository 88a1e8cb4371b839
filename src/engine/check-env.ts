// What a check measures with (checks/ CheckEnv): the pass's template context and env, the Prometheus to ask, the
// drills recorded (in state.json's `drills`, or in the ledger for a rollout whose last drill was before that field).
import { checkKind, prometheusUrlOf, renderText, type Manifest } from '../manifest/index.js';
import type { CheckEnv, DrillRecord } from '../checks/types.js';
import type { RolloutState } from '../state/index.js';
import type { EngineDeps } from './deps.js';
import { templateContext, type RunContext } from './context.js';

/** What a check env is made from: a pass (scope.ts PassScope), also as the step runner sees it. */
export interface CheckEnvSource {
  deps: EngineDeps;
  rc: RunContext;
  manifest: Manifest;
  readonly state: RolloutState;
  now(): Date;
}

/** The Prometheus a check without `url` asks: another check's url in the same manifest, else $PROMETHEUS_URL. */
function defaultPrometheus(m: Manifest, vars: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  for (const c of Object.values(m.checks)) {
    const kind = checkKind(c);
    const url = prometheusUrlOf(kind, c[kind]);
    if (url) {
      try {
        return renderText(url, vars);
      } catch {
        continue;
      }
    }
  }
  return env.PROMETHEUS_URL;
}

export function checkEnv(pass: CheckEnvSource, phase: string): CheckEnv {
  const { deps, rc, manifest: m } = pass;
  const vars = templateContext(rc, phase, pass.state.cohorts?.[phase] ?? null);
  return {
    vars,
    env: rc.env,
    prometheusUrl: defaultPrometheus(m, vars, deps.env),
    drills: () => (pass.state.drills ? Promise.resolve(pass.state.drills) : drillRecords(deps, m.name)),
    now: () => pass.now(),
    signal: rc.signal ?? new AbortController().signal,
    cwd: rc.cwd,
  };
}

/** The drills of the rollout's whole ledger: a gate's sample reads state.json's `drills` instead, once it has them. */
export async function drillRecords(deps: EngineDeps, name: string): Promise<DrillRecord[]> {
  const out: DrillRecord[] = [];
  for await (const e of deps.store.readLedger(name, { fetch: false })) {
    if (e.kind !== 'drill') continue;
    const r = e.result as { rtoMs?: number; ok?: boolean; drillable?: number; skipped?: unknown[] } | undefined;
    if (typeof r?.rtoMs !== 'number') continue;
    // A drill recorded before drills counted their steps ran steps when it skipped none.
    const legacy = Array.isArray(r.skipped) && r.skipped.length === 0 ? 1 : 0;
    const drillable = typeof r.drillable === 'number' ? r.drillable : legacy;
    out.push({ time: e.time, rtoMs: r.rtoMs, ok: r.ok !== false, drillable });
  }
  return out;
}
