// The job summary: each rollout's phase, status, step and progress; for the rollouts this run moved, its gate's checks
// drawn against their thresholds and its timeline from the ledger; and what this run opened.
import * as core from '@actions/core';
import { secrets } from '../sys/mask.js';
import { inert } from '../report/inert.js';
import type { RolloutOutcome, RolloutStatusView } from '../engine/index.js';
import type { Manifest } from '../manifest/index.js';
import type { GitStateStore } from '../state/index.js';
import { digestLedger, gateSection, timelineSection, type LedgerDigest } from '../report/markdown.js';
import type { GateEvidence } from '../github/pull-bodies.js';
import { gateEvidence } from './gate-evidence.js';
import type { Opened } from './opened.js';

/** GitHub takes up to 1 MiB of summary a step; each rollout's pictures get a share well inside it. */
const SUMMARY_BUDGET = 400_000;
const PER_ROLLOUT_MAX = 60_000;

export interface RolloutPictures {
  name: string;
  gate: (GateEvidence & { phase: string; passesAt: string }) | null;
  story: LedgerDigest | null;
}

const cell = inert;

export function summaryMarkdown(
  title: string,
  outcomes: RolloutOutcome[],
  views: RolloutStatusView[],
  opened: Opened,
  pictures: RolloutPictures[],
): string {
  const lines = [
    `## gitops-rollouts: ${title}`,
    '',
    '| rollout | desired | applied | status | this run | step | progress |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const v of views) {
    const o = outcomes.find((x) => x.name === v.name);
    const progress = v.progress ? `${v.progress.batches} batches, ${v.progress.items} items` : '';
    const thisRun = `${o?.outcome ?? ''}${o?.message ? `: ${cell(o.message)}` : ''}`;
    lines.push(
      `| \`${v.name}\` | ${v.desired} | ${v.applied} | ${v.status} | ${thisRun} | ${v.step ?? ''} | ${progress} |`,
    );
  }
  const share = Math.min(PER_ROLLOUT_MAX, Math.floor(SUMMARY_BUDGET / Math.max(1, pictures.length)));
  for (const p of pictures) {
    if (p.gate?.checks.some((c) => c.samples.length))
      lines.push(
        '',
        `### \`${p.name}\`: gate of ${p.gate.phase} (passes at ${p.gate.passesAt})`,
        gateSection(p.gate.phase, p.gate.checks, { maxChars: Math.floor(share * 0.7) }),
      );
    const gantt = p.story
      ? timelineSection(p.story.spans, { title: `${p.name} timeline (UTC)`, maxChars: Math.floor(share * 0.3) })
      : '';
    if (gantt) lines.push('', `### \`${p.name}\`: timeline`, gantt);
  }
  if (opened.pullRequests.length) {
    lines.push('', '### Pull requests');
    for (const pr of opened.pullRequests)
      lines.push(`- ${pr.kind} of \`${pr.rollout}\`: [#${pr.number}](${pr.url})${pr.merged ? ' (merged)' : ''}`);
  }
  if (opened.deployments.length) {
    lines.push('', '### Deployments');
    for (const d of opened.deployments) lines.push(`- \`${d.environment}\`: phase \`${d.phase}\` (deployment ${d.id})`);
  }
  return lines.join('\n');
}

/** Outcomes with nothing new to draw. */
const NOTHING_NEW = new Set<RolloutOutcome['outcome']>(['unchanged', 'busy', 'orphan']);

/**
 * The pictures of one rollout this run acted on: its gate against the thresholds, its timeline from the ledger. A run
 * that only sampled a gate draws the gate alone: the timeline needs the whole ledger, whose archive such a run (every
 * few minutes) does not fetch.
 */
async function picturesOf(
  store: GitStateStore,
  name: string,
  m: Manifest | null,
  withStory: boolean,
): Promise<RolloutPictures> {
  const { state } = await store.readState(name, { fetch: false });
  const evidence = gateEvidence(m, state);
  return {
    name,
    gate: evidence && state?.gate ? { ...evidence, phase: state.gate.phase, passesAt: state.gate.passesAt } : null,
    story: withStory ? await digestLedger(store.readLedger(name, { fetch: false })) : null,
  };
}

export async function writeSummary(
  title: string,
  outcomes: RolloutOutcome[],
  views: RolloutStatusView[],
  opened: Opened,
  store: GitStateStore,
  manifests: Manifest[],
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const pictures: RolloutPictures[] = [];
  for (const o of outcomes.filter((x) => !NOTHING_NEW.has(x.outcome)))
    pictures.push(
      await picturesOf(store, o.name, manifests.find((x) => x.name === o.name) ?? null, o.outcome !== 'sampled'),
    );
  // Masked before it is written: the summary is a file the runner publishes with the run.
  await core.summary.addRaw(secrets.mask(summaryMarkdown(title, outcomes, views, opened, pictures)), true).write();
}
