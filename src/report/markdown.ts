// The pictures as Markdown sections for GitHub's surfaces (PR bodies, comments, job summaries), each within the
// characters it is given: GitHub refuses a body past 65,536 characters.
import type { Manifest } from '../manifest/schema.js';
import type { LedgerEntry } from '../state/types.js';
import { gateCharts, type CheckSeries } from './gate-chart.js';
import { mermaidBlock } from './mermaid.js';
import type { SamplePoint } from './series.js';
import { TimelineBuilder, timelineGantt, type TimelineSpan } from './timeline.js';

/** GitHub's limit on an issue, PR or comment body (and what a job summary should stay under). */
export const GITHUB_BODY_LIMIT = 65_536;

/** The series of a gate's checks: the gate's own list when the manifest has the phase, else the sampled names. */
export function gateSeries(
  m: Pick<Manifest, 'phases' | 'checks'> | null,
  phase: string,
  samples: readonly SamplePoint[],
  baseline: Record<string, number> | undefined,
): CheckSeries[] {
  const gate = m?.phases.find((p) => p.name === phase)?.gate;
  const names = [...new Set([...(gate?.checks ?? []), ...samples.map((s) => s.check)])];
  return names.map((name) => ({
    name,
    check: m?.checks[name],
    samples: samples.filter((s) => s.check === name),
    baseline: baseline?.[name] ?? null,
  }));
}

/** The stretch of a gate a revert PR shows: the minutes before the failure (30, or 40 samples, whichever is longer). */
export function failureWindow(failedAt: number, everyMs: number): { from: number; to: number } {
  return { from: failedAt - Math.max(30 * 60_000, 40 * everyMs), to: failedAt };
}

export function gateSection(
  phase: string,
  checks: readonly CheckSeries[],
  opts: { maxChars: number; from?: number; to?: number },
): string {
  return gateCharts({ phase, checks }, opts);
}

/** The ledger's story as a gantt (the latest tasks when there are many); empty when there is nothing to draw. */
export function timelineSection(
  spans: readonly TimelineSpan[],
  opts: { title: string; from?: number; to?: number; maxChars: number },
): string {
  for (let maxTasks = 40; maxTasks >= 5; maxTasks = Math.floor(maxTasks / 2)) {
    const g = timelineGantt(spans, { title: opts.title, maxTasks, from: opts.from, to: opts.to });
    if (!g) return '';
    const text = [
      mermaidBlock(g.source),
      ...(g.dropped ? ['', `_${g.dropped} earlier events are not drawn; \`rollouts log\` lists them all._`] : []),
    ].join('\n');
    if (text.length <= opts.maxChars) return text;
  }
  return '';
}

/** Cuts a body that is still too long at a line boundary, saying so (a last resort: the sections fit their budgets). */
export function clampBody(body: string, limit = GITHUB_BODY_LIMIT): string {
  if (body.length <= limit) return body;
  const note = '\n\n_(cut to fit GitHub’s size limit)_';
  const cut = body.lastIndexOf('\n', limit - note.length);
  let head = body.slice(0, cut > 0 ? cut : limit - note.length);
  // Never leave a code fence open: an unclosed ```mermaid would swallow the rest of the body.
  if ((head.match(/^```/gm)?.length ?? 0) % 2 === 1) head = head.slice(0, head.lastIndexOf('\n```'));
  return `${head}${note}`;
}

/**
 * The ledger entries a person reads in an incident: transitions, failures, rollbacks, and samples that did not pass.
 */
const NOTABLE_KINDS = new Set([
  'transition',
  'gate-open',
  'gate-failed',
  'gate-paused',
  'step-failed',
  'rollback-start',
  'phase-rolled-back',
  'lease-takeover',
  'emergency-rollback',
]);

export function isNotable(e: LedgerEntry): boolean {
  if (NOTABLE_KINDS.has(e.kind)) return true;
  return e.kind === 'sample' && (e.result as { outcome?: string } | undefined)?.outcome !== 'pass';
}

export interface LedgerDigest {
  spans: TimelineSpan[];
  /** The latest notable entries, oldest first. */
  notable: LedgerEntry[];
  entries: number;
}

/** One pass over a ledger (streamed: a 48 h gate at 1 s is half a million lines): the timeline and the notable tail. */
export async function digestLedger(
  entries: AsyncIterable<LedgerEntry> | Iterable<LedgerEntry>,
  opts: { now?: number; keepNotable?: number } = {},
): Promise<LedgerDigest> {
  const keep = opts.keepNotable ?? 40;
  const builder = new TimelineBuilder();
  const notable: LedgerEntry[] = [];
  let n = 0;
  for await (const e of entries) {
    n++;
    builder.add(e);
    if (isNotable(e)) {
      notable.push(e);
      if (notable.length > keep * 2) notable.splice(0, notable.length - keep);
    }
  }
  return { spans: builder.spans(opts.now ?? Date.now()), notable: notable.slice(-keep), entries: n };
}
