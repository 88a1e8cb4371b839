// Preflight (DESIGN §4): before a phase runs any step, every `env.*` name its steps, checks, rollback and verify use
// must be set and non-empty in the job (GitHub gives an unset secret as an empty string). Decided on the plain read,
// so a phase that would fail it runs nothing and writes no state.
import { envNamesOfPhase, type Manifest } from '../manifest/index.js';

/** The env names phase `phase` uses that are unset or empty in `env`. */
export function missingEnv(m: Manifest, phase: string, env: NodeJS.ProcessEnv): string[] {
  return envNamesOfPhase(m, phase).filter((name) => !env[name]);
}

/** Why phase `phase` may not run in this job, or null when every env name it uses is set. */
export function preflightError(m: Manifest, phase: string, env: NodeJS.ProcessEnv): string | null {
  const missing = missingEnv(m, phase, env);
  if (!missing.length) return null;
  const one = missing.length === 1;
  return (
    `preflight: phase ${phase} uses ${missing.join(', ')}, ${one ? 'which is' : 'which are'} unset or empty in ` +
    `this job; set ${one ? 'it' : 'them'} (a GitHub secret that does not exist is empty) and run again; ` +
    'nothing was run'
  );
}
