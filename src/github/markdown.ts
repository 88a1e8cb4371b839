// What the action writes for people: the plan comment (with the phases drawn), sample tables, the incident timeline
// as a list. Pure functions over plans, samples and ledger entries; the PR bodies are in pull-bodies.ts.
import type { RolloutPlan } from '../plan/index.js';
import type { ChecklistResult } from '../plan/index.js';
import type { LedgerEntry } from '../state/index.js';
import { isNotable } from '../report/markdown.js';
import { mermaidBlock } from '../report/mermaid.js';
import { inert } from '../report/inert.js';

export interface SampleLike {
  check: string;
  at: string;
  outcome: string;
  value: number | null;
  severity?: string;
  reason?: string;
  error?: string;
}

export interface AuditLine {
  step: string;
  outcome: string;
  detail: string;
  result?: Record<string, unknown>;
}

/** Target text in a body: inert Markdown (report/inert.ts). */
const esc = inert;

export function planCommentBody(
  p: RolloutPlan,
  opts: {
    audit?: AuditLine[] | null;
    auditNote?: string;
    checklist?: { phase: string; result: ChecklistResult } | null;
    /** The rollout's phases (Mermaid flowchart source), where the plan moves it. */
    flow?: string;
  },
): string {
  const lines = [`### Rollout \`${p.name}\`: ${p.desired.before} → ${p.desired.after} (${p.direction})`, ''];
  if (p.applied !== null) lines.push(`Applied now: \`${p.applied}\``, '');
  if (p.drift) lines.push(`> [!WARNING]\n> **Drift:** ${p.drift}`, '');
  if (opts.flow) lines.push(mermaidBlock(opts.flow), '');
  for (const e of p.errors) lines.push(`> [!CAUTION]\n> ${e}`, '');
  for (const a of p.actions) {
    lines.push(
      `**${a.kind === 'verify' ? 'verify' : `${a.kind} \`${a.phase}\``}**${a.cohort ? ` — cohort: ${a.cohort}` : ''}`,
    );
    for (const s of a.steps) {
      const traits = [s.driver, s.readOnly ? 'read-only' : 'writes', s.paginated ? 'paged' : ''].filter(Boolean);
      lines.push(`- \`${s.name}\` (${traits.join(', ')})`);
    }
    if (a.gate) lines.push(`- gate: ${a.gate}`);
    lines.push('');
  }
  if (opts.checklist) {
    const { phase, result } = opts.checklist;
    lines.push(`**Checklist for \`${phase}\`** ${result.ok ? '✅' : '❌ tick every item in the PR description'}`);
    for (const i of result.ticked) lines.push(`- [x] ${i}`);
    for (const i of [...result.unticked, ...result.missing]) lines.push(`- [ ] ${i}`);
    lines.push('');
  }
  if (opts.audit?.length) {
    lines.push('**Read-only audit** (`run.dryRun = true`)', '', '| step | outcome | detail |', '|---|---|---|');
    for (const a of opts.audit) {
      const result = a.result ? ` <code>${esc(JSON.stringify(a.result)).slice(0, 300)}</code>` : '';
      lines.push(`| \`${a.step}\` | ${a.outcome} | ${esc(a.detail)}${result} |`);
    }
    lines.push('');
  } else if (opts.auditNote) lines.push(`_${opts.auditNote}_`, '');
  if (p.fieldChanges.length) {
    lines.push('<details><summary>Field changes</summary>', '', '```');
    for (const c of p.fieldChanges.slice(0, 100))
      lines.push(`${c.path}: ${JSON.stringify(c.before) ?? '(absent)'} -> ${JSON.stringify(c.after) ?? '(absent)'}`);
    lines.push('```', '</details>');
  }
  return lines.join('\n');
}

export function samplesTable(samples: SampleLike[]): string {
  if (!samples.length) return '_no samples_';
  const rows = samples.map(
    (s) =>
      `| ${s.at} | \`${s.check}\` | ${s.outcome} | ${s.value ?? ''} | ${s.severity ?? ''} | ${esc(s.reason ?? s.error ?? '')} |`,
  );
  return ['| at | check | outcome | value | severity | reason |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** The incident timeline of seed 004, rendered from the ledger: transitions, failures, samples that failed. */
export function incidentTimeline(entries: readonly LedgerEntry[], limit = 40): string {
  const notable = entries.filter(isNotable);
  const lines = notable.slice(-limit).map((e) => {
    const r = e.result as Record<string, unknown> | undefined;
    const what =
      e.kind === 'sample'
        ? `sample \`${String(r?.check)}\`: ${String(r?.outcome)}${r?.reason ? ` — ${esc(String(r.reason))}` : ''}`
        : e.kind === 'transition'
          ? `status ${String(r?.status ?? '')}${r?.to ? ` (entered ${String(r.to)})` : ''}`
          : `${e.kind}${e.step ? ` \`${e.step}\`` : ''}` +
            (e.error ? `: ${esc(e.error)}` : r?.reason ? `: ${esc(String(r.reason))}` : '');
    return `- **${e.time}** ${e.phase ? `[${e.phase}] ` : ''}${what.replace(/[\r\n]+/g, ' ')}`;
  });
  return lines.length ? lines.join('\n') : '_no entries_';
}
