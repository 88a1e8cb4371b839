// `drill`: the most recent rollback drill in the ledger within `maxAge` must have succeeded within `maxRto`.
// value = that drill's RTO in seconds; no drill in the window fails, saying how to record one. Only drills that ran
// rollback steps count (`drillable` > 0): a drill whose steps were all skipped proved nothing.
import { durationMs } from '../manifest/index.js';
import type { CheckKindImpl, DrillRecord } from './types.js';

export interface DrillResult {
  drill: DrillRecord | null;
  maxRtoSeconds: number;
  maxAge: string;
}

export const drillKind: CheckKindImpl<'drill'> = {
  kind: 'drill',
  async measure(spec, env) {
    const now = env.now().getTime();
    const oldest = now - durationMs(spec.maxAge);
    let latest: DrillRecord | null = null;
    for (const d of await env.drills()) {
      const t = Date.parse(d.time);
      if (Number.isNaN(t) || t < oldest || t > now || d.drillable <= 0) continue;
      if (!latest || t > Date.parse(latest.time)) latest = d;
    }
    const result: DrillResult = { drill: latest, maxRtoSeconds: durationMs(spec.maxRto) / 1000, maxAge: spec.maxAge };
    if (!latest)
      return {
        value: null,
        result,
        note: `no rollback drill that ran steps recorded in the last ${spec.maxAge}; run \`rollouts drill\``,
      };
    return { value: latest.rtoMs / 1000, result };
  },
  decide(m, check) {
    const { drill, maxRtoSeconds } = m.result as DrillResult;
    if (!drill || m.value === null) return { outcome: 'fail', reason: m.note ?? 'no rollback drill recorded' };
    if (!drill.ok) return { outcome: 'fail', reason: `the latest rollback drill (${drill.time}) failed` };
    if (m.value > maxRtoSeconds)
      return {
        outcome: 'fail',
        reason: `the latest rollback drill (${drill.time}) took ${m.value}s, more than maxRto ${check.drill!.maxRto}`,
      };
    return { outcome: 'pass' };
  },
};
