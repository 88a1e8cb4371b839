// The job summary: each rollout's phase, status, step, progress, last gate samples, and what this run opened.
import * as core from '@actions/core';
import type { RolloutOutcome, RolloutStatusView } from '../engine/index.js';
import { samplesTable, type SampleLike } from '../github/markdown.js';
import type { Opened } from './opened.js';

export async function writeSummary(
  title: string,
  outcomes: RolloutOutcome[],
  views: RolloutStatusView[],
  opened: Opened,
): Promise<void> {
  const lines = [
    `## gitops-rollouts: ${title}`,
    '',
    '| rollout | desired | applied | status | this run | step | progress |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const v of views) {
    const o = outcomes.find((x) => x.name === v.name);
    const progress = v.progress ? `${v.progress.batches} batches, ${v.progress.items} items` : '';
    lines.push(
      `| \`${v.name}\` | ${v.desired} | ${v.applied} | ${v.status} | ${o?.outcome ?? ''}${o?.message ? `: ${o.message.replace(/\|/g, '\\|')}` : ''} | ${v.step ?? ''} | ${progress} |`,
    );
  }
  for (const v of views)
    if (v.gate?.samples.length)
      lines.push(
        '',
        `### \`${v.name}\` gate of ${v.gate.phase} (passes at ${v.gate.passesAt})`,
        samplesTable(v.gate.samples as SampleLike[]),
      );
  if (opened.pullRequests.length) {
    lines.push('', '### Pull requests');
    for (const pr of opened.pullRequests)
      lines.push(`- ${pr.kind} of \`${pr.rollout}\`: [#${pr.number}](${pr.url})${pr.merged ? ' (merged)' : ''}`);
  }
  if (opened.deployments.length) {
    lines.push('', '### Deployments');
    for (const d of opened.deployments) lines.push(`- \`${d.environment}\`: phase \`${d.phase}\` (deployment ${d.id})`);
  }
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(lines.join('\n'), true).write();
}
