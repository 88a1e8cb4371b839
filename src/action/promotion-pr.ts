// The promotion PR of a healthy gate: `phase:` moved to the next phase on branch rollouts/promote-<name>-<next>,
// its body the gate's checks drawn against their thresholds and the next phase's checklist; merged at once for
// `promote: auto`.
import * as core from '@actions/core';
import type { Manifest } from '../manifest/index.js';
import type { RolloutState } from '../state/index.js';
import { pushPhaseChange } from '../github/branches.js';
import { promotionBody } from '../github/pull-bodies.js';
import { gateEvidence } from './gate-evidence.js';
import { upsertPullRequest } from '../github/pulls.js';
import type { ActionContext } from './context.js';
import { mergeAndDispatch, type OpenedPull } from './opened.js';

export interface PromotionRequest {
  manifest: Manifest;
  /** The manifest's file, relative to the repository root. */
  file: string;
  /** The phase whose gate held healthy. */
  phase: string;
  next: string;
  state: RolloutState;
}

/** Null when there is nothing to open: `promote: manual`, or the default branch already says `next`. */
export async function openPromotionPr(ctx: ActionContext, req: PromotionRequest): Promise<OpenedPull | null> {
  const { cfg, octokit } = ctx;
  const { manifest, phase, next } = req;
  const current = manifest.phases.find((x) => x.name === phase);
  const nextPhase = manifest.phases.find((x) => x.name === next);
  if (!current || !nextPhase || current.promote === 'manual') return null;
  const branch = `rollouts/promote-${manifest.name}-${next}`;
  const title = `rollouts: promote ${manifest.name} to ${next}`;
  const pushed = await pushPhaseChange(
    { repo: cfg.cwd, remote: 'origin', defaultBranch: cfg.defaultBranch, env: ctx.gitEnv },
    req.file,
    next,
    branch,
    title,
  );
  if (!pushed) return null;
  const pr = await upsertPullRequest(octokit, cfg.repo, {
    branch,
    base: cfg.defaultBranch,
    title,
    body: promotionBody({
      rollout: manifest.name,
      phase,
      next,
      checks: gateEvidence(manifest, req.state)?.checks ?? [],
      checklist: nextPhase.checklist ?? [],
    }),
    labels: ['rollouts:promotion'],
  });
  const merged = current.promote === 'auto';
  if (merged) await mergeAndDispatch(ctx, pr.number, title);
  core.info(`${manifest.name}: promotion PR #${pr.number}${merged ? ' merged' : ''}`);
  return { number: pr.number, url: pr.url, kind: 'promotion', rollout: manifest.name, merged };
}
