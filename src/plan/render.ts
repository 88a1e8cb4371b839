// A plan as text: plain lines for the terminal, the same lines as Markdown in the PR comment.
import type { RolloutPlan } from './plan.js';

function value(v: unknown): string {
  if (v === undefined) return '(absent)';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export function renderPlan(p: RolloutPlan): string {
  const lines: string[] = [];
  const applied = p.applied !== null ? `, applied ${p.applied}` : '';
  lines.push(
    `${p.name} (${p.file}): ${p.change}; phase ${p.desired.before} -> ${p.desired.after} (${p.direction}${applied})`,
  );
  if (p.drift) lines.push(`  ⚠ drift: ${p.drift}`);
  for (const e of p.errors) lines.push(`  ✖ ${e}`);
  for (const a of p.actions) {
    const head = a.kind === 'verify' ? 'verify' : `${a.kind} ${a.phase}`;
    lines.push(`  ${head}${a.cohort ? ` — cohort: ${a.cohort}` : ''}`);
    for (const s of a.steps) {
      const tags = [s.driver, s.readOnly ? 'read-only' : 'writes', s.paginated ? 'paged' : '']
        .filter(Boolean)
        .join(', ');
      lines.push(`    - ${s.name} (${tags})`);
    }
    if (a.gate) lines.push(`    gate: ${a.gate}`);
  }
  if (p.fieldChanges.length) {
    lines.push('  changes:');
    for (const c of p.fieldChanges.slice(0, 50)) lines.push(`    ${c.path}: ${value(c.before)} -> ${value(c.after)}`);
    if (p.fieldChanges.length > 50) lines.push(`    … ${p.fieldChanges.length - 50} more`);
  }
  return lines.join('\n');
}
