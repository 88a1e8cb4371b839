// What templates and steps may see: the manifest's vars, the env names it lists, the phase's cohort, the run.
import { hash } from 'node:crypto';
import { isDeniedEnvName, type Manifest } from '../manifest/index.js';
import type { CohortState } from '../state/index.js';
import { secrets, type Masker } from './mask.js';

export type StepKind = 'apply' | 'rollback' | 'drill' | 'cohort' | 'audit';

/** The job environment restricted to the names the manifest lists in `env:`; their values are masked. */
function allowedEnv(m: Manifest, source: NodeJS.ProcessEnv, masker: Masker): Record<string, string> {
  const env: Record<string, string> = {};
  // The deny-list holds for every step, not only audits: never the action's inputs, ACTIONS_* or GITHUB_TOKEN, nor
  // a value that is the action's token under another name.
  const tokens = new Set([source.INPUT_TOKEN, source.GITHUB_TOKEN].filter((t): t is string => !!t));
  for (const name of m.env) {
    const v = source[name];
    if (isDeniedEnvName(name) || (v !== undefined && tokens.has(v))) continue;
    if (v !== undefined) {
      env[name] = v;
      masker.add(v);
    }
  }
  return env;
}

export interface RunContext {
  manifest: Manifest;
  env: Record<string, string>;
  masker: Masker;
  cwd: string;
  dryRun: boolean;
  signal?: AbortSignal;
}

/** The run context of one rollout: its allowed env (its values masked), the repository, whether writes are off. */
export function runContext(deps: { env: NodeJS.ProcessEnv; cwd: string }, m: Manifest, dryRun = false): RunContext {
  // The process's masker: a value one rollout reads is masked wherever any of them writes (state, GitHub, logs).
  const masker = secrets;
  return { manifest: m, env: allowedEnv(m, deps.env, masker), masker, cwd: deps.cwd, dryRun };
}

export function templateContext(rc: RunContext, phase: string, cohort: CohortState | null): Record<string, unknown> {
  return {
    rollout: { name: rc.manifest.name },
    phase: { name: phase },
    vars: rc.manifest.vars,
    env: rc.env,
    cohort: { ids: cohort?.ids ?? null, added: cohort?.added ?? null, percent: cohort?.percent ?? null },
    run: { dryRun: rc.dryRun },
  };
}

/**
 * `batch.key` / ROLLOUTS_IDEMPOTENCY_KEY: stable for the same rollout, phase, step and cursor, so a target can drop a
 * batch it already applied. The phase's generation (how many times it was entered) and dry runs are part of the key,
 * so re-applying a phase after its rollback, or a drill, is never mistaken for a replay of the earlier batches.
 */
export function batchKey(parts: {
  rollout: string;
  phase: string;
  kind: StepKind;
  step: string;
  generation: number;
  dryRun: boolean;
  cursor: unknown;
}): string {
  const text = JSON.stringify([
    parts.rollout,
    parts.phase,
    parts.kind,
    parts.step,
    parts.generation,
    parts.dryRun,
    parts.cursor ?? null,
  ]);
  return `${parts.rollout}-${hash('sha256', text, 'hex').slice(0, 32)}`;
}
