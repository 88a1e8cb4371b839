// Preflight (DESIGN §4): before a run calls anything, every env name it uses must be set and non-empty in the job
// (GitHub gives an unset secret as an empty string): the names its templates read (manifest/env-use.ts) and, for a
// native `convex:` step, the deployment names the driver reads itself (drivers/convex-http.ts). Applying a phase,
// rolling back (a pass or an emergency rollback, with its verify) and a drill pass it on the plain read, so a run
// that would fail it runs nothing and writes no state.
import { CONVEX_DEPLOYMENT_ENV, convexDeployment } from '../drivers/convex-http.js';
import { envNamesOf, phaseScope, rollbackScope, type Manifest, type RunScope } from '../manifest/index.js';
import { phaseIndex } from './scope.js';
import { isDrillable } from './steps.js';

/** A run preflight looks at: applying a phase, rolling phases back (then verify), or drilling their rollback. */
export type PreflightRun = { apply: string } | { rollBack: readonly string[] } | { drill: readonly string[] };

/** The phases a rollback from `applied` to `target` undoes, highest first. */
export function phasesRolledBack(m: Manifest, applied: string, target: string): string[] {
  return m.phases
    .slice(phaseIndex(m, target) + 1, phaseIndex(m, applied) + 1)
    .map((p) => p.name)
    .reverse();
}

function scopeOf(m: Manifest, run: PreflightRun): { what: string; scope: RunScope } {
  if ('apply' in run) return { what: `phase ${run.apply}`, scope: phaseScope(m, run.apply) };
  if ('rollBack' in run)
    return { what: `the rollback of ${run.rollBack.join(', ')}`, scope: rollbackScope(m, run.rollBack) };
  // A drill runs only the drillable rollback steps, and no verify.
  const steps = rollbackScope(m, run.drill).steps.filter(isDrillable);
  return { what: `the drill of ${run.drill.join(', ')}`, scope: { steps, checks: [] } };
}

/**
 * The native convex driver's own names the job lacks (those the manifest lists in `env:`, the only ones a step
 * sees), or the driver's own refusal when none of them is missing; null when the deployment resolves.
 */
function convexShortfall(m: Manifest, scope: RunScope, env: NodeJS.ProcessEnv): { names: string[] } | string | null {
  if (!scope.steps.some((s) => s.convex && s.convex.via !== 'cli')) return null;
  const seen: Record<string, string> = {};
  for (const name of m.env) if (env[name]) seen[name] = env[name];
  try {
    convexDeployment(seen);
    return null;
  } catch (err) {
    const keySet = !!(seen.CONVEX_DEPLOY_KEY || seen.CONVEX_DEPLOYMENT_TOKEN);
    const names = CONVEX_DEPLOYMENT_ENV.filter(
      (n) =>
        m.env.includes(n) && !env[n] && !(keySet && (n === 'CONVEX_DEPLOY_KEY' || n === 'CONVEX_DEPLOYMENT_TOKEN')),
    );
    return names.length ? { names } : (err as Error).message;
  }
}

/** The env names `run` uses that are unset or empty in `env`. */
export function missingEnv(m: Manifest, run: PreflightRun, env: NodeJS.ProcessEnv): string[] {
  const { scope } = scopeOf(m, run);
  const missing = envNamesOf(m, scope).filter((name) => !env[name]);
  const convex = convexShortfall(m, scope, env);
  if (convex && typeof convex === 'object') missing.push(...convex.names.filter((n) => !missing.includes(n)));
  return missing;
}

/** Why `run` may not start in this job, or null when every env name it uses is set. */
export function preflightError(m: Manifest, run: PreflightRun, env: NodeJS.ProcessEnv): string | null {
  const { what, scope } = scopeOf(m, run);
  const missing = missingEnv(m, run, env);
  if (!missing.length) {
    const refused = convexShortfall(m, scope, env);
    return typeof refused === 'string' ? `preflight: ${what}: ${refused}; nothing was run` : null;
  }
  const one = missing.length === 1;
  return (
    `preflight: ${what} uses ${missing.join(', ')}, ${one ? 'which is' : 'which are'} unset or empty in ` +
    `this job; set ${one ? 'it' : 'them'} (a GitHub secret that does not exist is empty) and run again; ` +
    'nothing was run'
  );
}
