// The `env.*` names a phase uses through its templates: its steps (and its cohort's `from:`), the checks its gate
// samples, the rollback it would run (its own, else the manifest's) and `verify:`. The engine's preflight refuses to
// run a phase while one of them is unset or empty (GitHub gives an unset secret as an empty string).
import { checkKind, stepDriver, type Manifest, type Step } from './schema.js';
import { templatedStrings, templatesIn } from './templates.js';

const ENV_PATH = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;

function envIn(value: unknown, out: Set<string>): void {
  for (const [text] of templatedStrings(value))
    for (const ref of templatesIn(text)) {
      const hit = ENV_PATH.exec(ref.path);
      if (hit) out.add(hit[1]!);
    }
}

/** The env names phase `phaseName` of `m` uses, in the order of `m.env` (then any others, sorted). */
export function envNamesOfPhase(m: Manifest, phaseName: string): string[] {
  const p = m.phases.find((x) => x.name === phaseName);
  if (!p) return [];
  const used = new Set<string>();
  const steps: Step[] = [...(p.cohort?.from ? [p.cohort.from] : []), ...p.steps, ...(p.rollback ?? m.rollback)];
  for (const s of steps) envIn(s[stepDriver(s)], used);
  for (const name of p.gate?.checks ?? []) {
    const c = m.checks[name];
    if (c) envIn(c[checkKind(c)], used);
  }
  for (const v of m.verify) envIn(v[checkKind(v)], used);
  const listed = m.env.filter((n) => used.has(n));
  return [...listed, ...[...used].filter((n) => !m.env.includes(n)).sort()];
}
