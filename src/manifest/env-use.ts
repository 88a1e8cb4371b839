// The `env.*` names a run uses through its templates. Applying a phase: its steps (and its cohort's `from:`), the
// checks its gate samples, the rollback it would run (its own, else the manifest's) and `verify:`. Rolling phases
// back: their rollback steps and `verify:`. The engine's preflight refuses to start such a run while one of them is
// unset or empty (GitHub gives an unset secret as an empty string).
import { checkKind, stepDriver, type Check, type Manifest, type Step, type VerifyCheck } from './schema.js';
import { templatedStrings, templatesIn } from './templates.js';

const ENV_PATH = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** What one run may call: the steps it may run and the checks it may sample. */
export interface RunScope {
  steps: Step[];
  checks: (Check | VerifyCheck)[];
}

/** Applying phase `phaseName`: its cohort listing, steps and rollback, its gate's checks, and verify. */
export function phaseScope(m: Manifest, phaseName: string): RunScope {
  const p = m.phases.find((x) => x.name === phaseName);
  if (!p) return { steps: [], checks: [] };
  const gateChecks = (p.gate?.checks ?? []).flatMap((name) => m.checks[name] ?? []);
  return {
    steps: [...(p.cohort?.from ? [p.cohort.from] : []), ...p.steps, ...(p.rollback ?? m.rollback)],
    checks: [...gateChecks, ...m.verify],
  };
}

/** Rolling back `phaseNames` (each its own rollback, else the manifest's), then verify. */
export function rollbackScope(m: Manifest, phaseNames: readonly string[]): RunScope {
  const phases = m.phases.filter((p) => phaseNames.includes(p.name));
  return { steps: phases.flatMap((p) => p.rollback ?? m.rollback), checks: [...m.verify] };
}

/** The env names the templates of `scope` read, in the order of `m.env` (then any others, sorted). */
export function envNamesOf(m: Manifest, scope: RunScope): string[] {
  const used = new Set<string>();
  const add = (value: unknown) => {
    for (const [text] of templatedStrings(value))
      for (const ref of templatesIn(text)) {
        const hit = ENV_PATH.exec(ref.path);
        if (hit) used.add(hit[1]!);
      }
  };
  for (const s of scope.steps) add(s[stepDriver(s)]);
  for (const c of scope.checks) add(c[checkKind(c)]);
  const listed = m.env.filter((n) => used.has(n));
  return [...listed, ...[...used].filter((n) => !m.env.includes(n)).sort()];
}

/** The env names applying phase `phaseName` of `m` uses. */
export function envNamesOfPhase(m: Manifest, phaseName: string): string[] {
  return envNamesOf(m, phaseScope(m, phaseName));
}
