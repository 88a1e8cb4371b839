// The promotion and revert PR bodies: the gate's checks drawn against their thresholds (a revert PR: the minutes
// before the failure), the incident timeline as a gantt, the numbers under <details>. Each section has a share of
// GitHub's 65,536-character limit, so a long gate is downsampled rather than refused.
import { inert } from '../report/inert.js';
import type { CheckSeries } from '../report/gate-chart.js';
import {
  clampBody,
  failureWindow,
  gateSection,
  GITHUB_BODY_LIMIT,
  timelineSection,
  type LedgerDigest,
} from '../report/markdown.js';
import { incidentTimeline, samplesTable, type SampleLike } from './markdown.js';

/** What a body keeps free of its limit: the marker comments and headings others add stay safe. */
const BUDGET = GITHUB_BODY_LIMIT - 2_000;
const MAX_TABLE_ROWS = 30;

export interface GateEvidence {
  checks: CheckSeries[];
  /** The gate's `every`, in ms (how wide "the minutes before the failure" are). */
  everyMs: number;
}

export function revertBody(o: {
  rollout: string;
  phase: string;
  severity: string;
  reason: string;
  commit: string;
  /** Set when the PR sets `phase:` instead of reverting `commit`, with why (e.g. the revert changed more). */
  setsPhase?: { phase: string; why?: string };
  failing: SampleLike[];
  merged: boolean;
  /** The ledger read once: its timeline and the notable entries. */
  story: LedgerDigest;
  gate: GateEvidence | null;
  /** When the gate failed (ms); the charts end there. */
  failedAt: number;
}): string {
  const shownFailing = o.failing.slice(-MAX_TABLE_ROWS);
  const what = o.setsPhase
    ? `This PR sets \`phase: ${o.setsPhase.phase}\`, leaving \`${o.phase}\`` +
      (o.setsPhase.why ? ` (it does not revert ${o.commit}: ${o.setsPhase.why})` : '')
    : `This PR reverts ${o.commit}, the change that entered \`${o.phase}\``;
  const head = [
    `The health gate of \`${o.rollout}\` phase \`${o.phase}\` failed (severity **${o.severity}**): ${inert(o.reason)}`,
    '',
    `${what}. Merging it rolls the phase back (its \`rollback:\` steps, highest phase first) and runs \`verify:\`.` +
      (o.merged ? ' It was merged at once (`auto-rollback`).' : ''),
    '',
    '#### Failing samples',
    samplesTable(shownFailing),
    ...(o.failing.length > shownFailing.length
      ? ['', `_The last ${shownFailing.length} of ${o.failing.length} failing samples._`]
      : []),
  ].join('\n');
  let left = BUDGET - head.length;
  const parts = [head];
  if (o.gate) {
    const window = failureWindow(o.failedAt, o.gate.everyMs);
    // Never before the gate's first sample: a gate younger than the window is shown whole.
    let first = Infinity;
    for (const c of o.gate.checks) for (const s of c.samples) first = Math.min(first, Date.parse(s.at));
    if (Number.isFinite(first)) window.from = Math.max(window.from, first);
    const minutes = Math.max(1, Math.round((window.to - window.from) / 60_000));
    const charts = gateSection(o.phase, o.gate.checks, { maxChars: Math.min(40_000, left * 0.6), ...window });
    parts.push('', `#### The ${minutes} minutes before the failure`, charts);
    left -= charts.length + 60;
  }
  const gantt = timelineSection(o.story.spans, {
    title: `${o.rollout} incident timeline (UTC)`,
    maxChars: Math.min(12_000, left * 0.5),
  });
  left -= gantt.length;
  const list = incidentTimeline(o.story.notable);
  parts.push(
    '',
    '#### Incident timeline',
    ...(gantt ? [gantt, ''] : []),
    '<details><summary>Every event</summary>\n',
    list.length < left - 200 ? list : incidentTimeline(o.story.notable, 10),
    '\n</details>',
  );
  return clampBody(parts.join('\n'));
}

export function promotionBody(o: {
  rollout: string;
  phase: string;
  next: string;
  checklist: string[];
  checks: CheckSeries[];
}): string {
  const checklist = o.checklist.length
    ? ['', `#### Checklist for \`${o.next}\` (tick before merging)`, ...o.checklist.map((i) => `- [ ] ${i}`)].join('\n')
    : '';
  const head = `The gate of \`${o.rollout}\` phase \`${o.phase}\` held healthy. Merging this PR applies \`${o.next}\`.`;
  const charts = o.checks.length
    ? gateSection(o.phase, o.checks, { maxChars: BUDGET - head.length - checklist.length - 100 })
    : '_The gate had no checks: it was a hold._';
  return clampBody([head, '', '#### The gate', charts, checklist].join('\n'));
}
