// `rollouts status --json`: per rollout, the keys of DESIGN §5.
import type { Manifest } from '../manifest/index.js';
import { checkStateFits } from './pass.js';
import {
  StateFileError,
  type GateSample,
  type GitStateStore,
  type Lease,
  type PauseRequest,
  type RolloutFailure,
  type RolloutState,
  type StepProgress,
} from '../state/index.js';

export interface RolloutStatusView {
  name: string;
  desired: string;
  applied: string;
  status: string;
  step: string | null;
  progress: { batches: number; items: number; cursor: unknown } | null;
  gate: {
    phase: string;
    samples: GateSample[];
    started: string;
    passesAt: string;
    baseline?: Record<string, number>;
  } | null;
  lease: Lease | null;
  failure?: RolloutFailure;
  /** A pause an operator asked for (`rollouts pause`): who, when, why; `from` once a pass honoured it. */
  pause?: PauseRequest;
  updatedAt?: string;
  /** The state file cannot be read (corrupt, wrong shape): what is wrong and how to repair it. */
  error?: string;
}

/** The progress of the step the rollout is in, if it is paged. */
export function currentProgress(s: RolloutState): StepProgress | null {
  if (!s.step || !s.progress) return null;
  const key = Object.keys(s.progress)
    .reverse()
    .find((k) => k.startsWith(`${s.applied}/`) && k.endsWith(`/${s.step}`));
  return key ? s.progress[key]! : null;
}

function statusView(name: string, m: Manifest | null, s: RolloutState | null, lastSamples = 10): RolloutStatusView {
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
    ...(s?.pause ? { pause: s.pause } : {}),
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
    const m = manifests.find((x) => x.name === n) ?? null;
    let state: RolloutState | null = null;
    try {
      const read = await store.readState(n, { fetch: false });
      state = read.state;
      if (m) checkStateFits(store, m, state, read.version);
      out.push(statusView(n, m, state));
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      const view = statusView(n, m, state);
      out.push(
        state
          ? { ...view, error: err.message }
          : { ...view, applied: '?', status: 'invalid-state', error: err.message },
      );
    }
  }
  return out;
}
