// `apply --dry-run` for people: per rollout, what the pass would do, then its steps and cohort, one phase a line.
import type { DryRunView } from '../engine/index.js';

export function dryRunLines(v: DryRunView): string[] {
  const head = `${v.name}: would ${v.action === 'none' ? 'do nothing' : v.action} — applied ${v.applied} (${v.status}), desired ${v.desired}`;
  const lines = [`${head}${v.message ? ` (${v.message})` : ''}`];
  for (const p of v.phases) lines.push(`  ${p.phase}: steps ${p.steps.join(', ') || '(none)'}; cohort ${p.cohort}`);
  if (v.gate) lines.push(`  gate: ${v.gate}`);
  if (v.verify?.length) lines.push(`  verify: ${v.verify.join(', ')}`);
  return lines;
}
