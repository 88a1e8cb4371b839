// The phases of a rollout as a Mermaid flowchart, for the plan comment: where the rollout is (applied), where the
// change takes it (desired), and the gate each phase must hold before the next.
import type { Manifest } from '../manifest/schema.js';
import { quoted } from './mermaid.js';

export function phaseFlow(m: Pick<Manifest, 'phases'>, applied: string | null, desired: string): string {
  const lines = ['flowchart LR', `  none(["none"])`];
  const idx = (name: string | null) =>
    name === null || name === 'none' ? -1 : m.phases.findIndex((p) => p.name === name);
  const a = idx(applied);
  const d = idx(desired);
  m.phases.forEach((p, i) => {
    const gate = p.gate
      ? `hold ${p.gate.hold}${p.gate.checks.length ? `, ${p.gate.checks.length} checks` : ''}`
      : 'no gate';
    lines.push(`  p${i}[${quoted(`${p.name}<br/>${gate}`, 80)}]`);
  });
  const nodes = ['none', ...m.phases.map((_, i) => `p${i}`)];
  lines.push(`  ${nodes.join(' --> ')}`);
  const node = (i: number) => (i < 0 ? 'none' : `p${i}`);
  lines.push(
    '  classDef applied fill:#dcfce7,stroke:#16a34a,color:#14532d',
    '  classDef desired fill:#dbeafe,stroke:#2563eb,stroke-width:3px,color:#1e3a8a',
    '  classDef leaving fill:#fee2e2,stroke:#dc2626,color:#7f1d1d',
  );
  // Forward: applied phases green, the target blue. Backward: the phases to roll back red, the target blue.
  const rolled = d < a ? [...Array(a - d).keys()].map((k) => d + 1 + k) : [];
  const green = [...Array(a + 1).keys()].filter((i) => i !== d && !rolled.includes(i));
  if (green.length) lines.push(`  class ${green.map(node).join(',')} applied`);
  if (rolled.length) lines.push(`  class ${rolled.map(node).join(',')} leaving`);
  lines.push(`  class ${node(d)} desired`);
  return lines.join('\n');
}
