// `rollouts status --json`: per rollout, the keys of DESIGN §5.
import type { Manifest } from '../manifest/index.js';
import type { GitStateStore, RolloutState, StepProgress } from '../state/index.js';

export interface RolloutStatusView {
  name: string;
  desired: string;
  applied: string;
  status: string;
  step: string | null;
  progress: { batches: number; items: number; cursor: unknown } | null;
  gate: {
    phase: string;
    samples: unknown[];
    started: string;
    passesAt: string;
    baseline?: Record<string, number>;
  } | null;
  lease: RolloutState['lease'] | null;
  failure?: unknown;
  updatedAt?: string;
}

function currentProgress(s: RolloutState): StepProgress | null {
  if (!s.step || !s.progress) return null;
  const key = Object.keys(s.progress)
    .reverse()
    .find((k) => k.startsWith(`${s.applied}/`) && k.endsWith(`/${s.step}`));
  return key ? s.progress[key]! : null;
}

export function statusView(
  name: string,
  m: Manifest | null,
  s: RolloutState | null,
  lastSamples = 10,
): RolloutStatusView {
  const p = s ? currentProgress(s) : null;
  return {
    name,
    desired: m?.phase ?? '(manifest removed)',
    applied: s?.applied ?? 'none',
    status: s?.status ?? 'none',
    step: s?.step ?? null,
    progress: p ? { batches: p.batches, items: p.items, cursor: p.cursor } : null,
    gate: s?.gate
      ? {
          phase: s.gate.phase,
          samples: s.gate.samples.slice(-lastSamples),
          started: s.gate.startedAt,
          passesAt: s.gate.passesAt,
          baseline: s.gate.baseline,
        }
      : null,
    lease: s?.lease ?? null,
    failure: s?.failure ?? undefined,
    updatedAt: s?.updatedAt,
  };
}

export async function statusOf(
  store: GitStateStore,
  manifests: Manifest[],
  name?: string,
): Promise<RolloutStatusView[]> {
  await store.tip();
  const names = new Set([...manifests.map((m) => m.name), ...(await store.listRollouts({ fetch: false }))]);
  const out: RolloutStatusView[] = [];
  for (const n of [...names].sort()) {
    if (name && n !== name) continue;
    const { state } = await store.readState(n, { fetch: false });
    out.push(statusView(n, manifests.find((m) => m.name === n) ?? null, state));
  }
  return out;
}
