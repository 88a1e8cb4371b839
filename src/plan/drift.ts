// Drift: a rollout whose manifest this change leaves alone, but whose applied phase is not the one it desires (an
// emergency rollback left `canary` applied while the manifest still says `full`; a merge whose pass has not run yet).
import { join } from 'node:path';
import { parseManifest, readManifestText, type Manifest } from '../manifest/index.js';
import { Git } from '../sys/git.js';
import { planRollout, type RolloutPlan } from './plan.js';

/** What the state says of a rollout, as far as drift needs it. */
export interface AppliedState {
  applied: string;
  status: string;
  /** The desired phase an emergency rollback holds back (state's `hold.desired`), when there is one. */
  heldDesired?: string;
}

/** The plan of the next pass over `m` from the applied phase, marked as drift; null when state and manifest agree. */
export function driftPlan(file: string, m: Manifest, s: AppliedState): RolloutPlan | null {
  if (s.applied === m.phase) return null;
  const plan = planRollout({ file, before: m, after: m, applied: s.applied });
  const drift =
    s.heldDesired === m.phase
      ? `an emergency rollback left \`${s.applied}\` applied and holds \`${m.phase}\` back: ` +
        `set \`phase: ${s.applied}\` to match the state, then move forward again by a PR`
      : `the state has \`${s.applied}\` applied (${s.status}) while the manifest says \`${m.phase}\`: ` +
        'the next pass does what follows';
  return { ...plan, actions: s.heldDesired === m.phase ? [] : plan.actions, drift };
}

/** Drift plans of the valid manifests under `dir` in the working tree, except those in `skip` (planned as changed). */
export async function driftPlans(
  root: string,
  dir: string,
  skip: ReadonlySet<string>,
  stateOf: (name: string) => Promise<AppliedState | null>,
): Promise<RolloutPlan[]> {
  const files = (await new Git(root).ok(['ls-files', '--', dir])).split('\n').filter((f) => /\.ya?ml$/.test(f));
  const out: RolloutPlan[] = [];
  for (const file of files.filter((f) => !skip.has(f)).sort()) {
    const read = await readManifestText(join(root, file));
    if (!('text' in read)) continue;
    const m = parseManifest(file, read.text).manifest;
    const s = m ? await stateOf(m.name) : null;
    const plan = m && s ? driftPlan(file, m, s) : null;
    if (plan) out.push(plan);
  }
  return out;
}
