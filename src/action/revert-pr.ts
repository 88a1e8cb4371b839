// The revert PR of a failed phase: a revert of the commit that entered the phase on branch
// rollouts/revert-<name>-<sha7>, its body the failing samples, the gate's charts of the minutes before the failure
// and the incident timeline from the ledger (github/pull-bodies.ts); merged at once when `auto-rollback` names the
// severity.
import * as core from '@actions/core';
import type { Manifest } from '../manifest/index.js';
import type { RolloutState } from '../state/index.js';
import { pushRevert } from '../github/branches.js';
import type { SampleLike } from '../github/markdown.js';
import { revertBody } from '../github/pull-bodies.js';
import { digestLedger } from '../report/markdown.js';
import { gateEvidence } from './gate-evidence.js';
import { upsertPullRequest } from '../github/pulls.js';
import type { ActionContext } from './context.js';
import { mergeAndDispatch, type OpenedPull } from './opened.js';

export interface RevertRequest {
  manifest: Manifest;
  /** The manifest's file, relative to the repository root. */
  file: string;
  /** The phase that failed. */
  phase: string;
  severity: string;
  reason: string;
  failing: SampleLike[];
  state: RolloutState;
}

/** Null when the revert would change nothing (the default branch already left the phase). */
export async function openRevertPr(ctx: ActionContext, req: RevertRequest): Promise<OpenedPull | null> {
  const { cfg, octokit } = ctx;
  const { manifest, phase, severity, reason, failing } = req;
  const entered = typeof req.state.enteredBy === 'string' ? req.state.enteredBy : undefined;
  const commit = entered ?? cfg.sha;
  const branch = `rollouts/revert-${manifest.name}-${commit.slice(0, 7)}`;
  const title = `rollouts: revert ${manifest.name} ${phase} (${severity})`;
  const below = manifest.phases[manifest.phases.findIndex((p) => p.name === phase) - 1]?.name ?? 'none';
  const pushed = await pushRevert(
    { repo: cfg.cwd, remote: 'origin', defaultBranch: cfg.defaultBranch, env: ctx.gitEnv },
    { commit: entered, file: req.file, phase, fallbackPhase: below, branch, title },
  );
  if (pushed?.refused)
    core.warning(
      `${manifest.name}: refused to revert ${commit.slice(0, 12)}: ${pushed.refused}; the revert PR sets phase: ${below} instead`,
    );
  if (!pushed) return null;
  const story = await digestLedger(ctx.store.readLedger(manifest.name, { fetch: false }));
  const failure = req.state.failure as { at?: string } | null | undefined;
  const failedAt = Date.parse(failure?.at ?? '') || Date.now();
  const gate = gateEvidence(manifest, req.state);
  const merged = cfg.autoRollback.has(severity);
  const pr = await upsertPullRequest(octokit, cfg.repo, {
    branch,
    base: cfg.defaultBranch,
    title,
    body: revertBody({
      rollout: manifest.name,
      phase,
      severity,
      reason,
      commit,
      ...(pushed.reverted ? {} : { setsPhase: { phase: below, ...(pushed.refused ? { why: pushed.refused } : {}) } }),
      failing,
      merged,
      story,
      gate,
      failedAt,
    }),
    labels: ['rollouts:rollback'],
  });
  if (merged) await mergeAndDispatch(ctx, pr.number, title);
  core.info(`${manifest.name}: revert PR #${pr.number}${merged ? ' merged' : ''}`);
  return { number: pr.number, url: pr.url, kind: 'rollback', rollout: manifest.name, merged };
}
