// The job summary: each rollout's phase, status, step, progress, last gate samples, and the PRs this run opened.
import * as core from '@actions/core';
import type { RolloutOutcome, RolloutStatusView } from '../engine/index.js';
import { samplesTable, type SampleLike } from '../github/markdown.js';
import type { ActionResults } from './events.js';

export async function writeSummary(
  title: string,
  outcomes: RolloutOutcome[],
  views: RolloutStatusView[],
  results: ActionResults,
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
  if (results.pullRequests.length) {
    lines.push('', '### Pull requests');
    for (const pr of results.pullRequests)
      lines.push(`- ${pr.kind} of \`${pr.rollout}\`: [#${pr.number}](${pr.url})${pr.merged ? ' (merged)' : ''}`);
  }
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(lines.join('\n'), true).write();
}
