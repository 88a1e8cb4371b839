// The engine's events, GitHub's side: deployments, promotion PRs, revert PRs (merged at once per auto-rollback).
import * as core from '@actions/core';
import type { RolloutEvents } from '../engine/index.js';
import type { Manifest } from '../manifest/index.js';
import type { RolloutState } from '../state/index.js';
import { pushPhaseChange, pushRevert, type BranchContext } from '../github/branches.js';
import { createPhaseDeployment, latestDeployment, setDeploymentState } from '../github/deployments.js';
import { promotionBody, revertBody, type SampleLike } from '../github/markdown.js';
import { dispatchWorkflow, mergePullRequest, upsertPullRequest } from '../github/pulls.js';
import type { ActionContext } from './deps.js';

export interface ActionResults {
  pullRequests: { number: number; url: string; kind: 'promotion' | 'rollback'; rollout: string; merged: boolean }[];
}

/** A failure on GitHub's side is reported and does not undo the engine's recorded transition. */
async function reported<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    core.warning(`${what}: ${(err as Error).message}`);
    return undefined;
  }
}

export function githubEvents(ctx: ActionContext, files: Map<string, string>): RolloutEvents {
  const { cfg, octokit } = ctx;
  const branches: BranchContext = {
    repo: cfg.cwd,
    remote: 'origin',
    defaultBranch: cfg.defaultBranch,
    env: ctx.gitEnv,
  };
  const fileOf = (m: Manifest) => files.get(m.name) ?? `${cfg.dir}/${m.name}.yaml`;
  const setLatest = (m: Manifest, state: 'success' | 'failure' | 'inactive', text: string) =>
    reported(`deployment status of ${m.name}`, async () => {
      const id = await latestDeployment(octokit, cfg.repo, m.name);
      if (id) await setDeploymentState(octokit, cfg.repo, id, state, text, cfg.runUrl);
    });
  const mergeAndDispatch = async (number: number, title: string) => {
    await mergePullRequest(octokit, cfg.repo, number, title);
    // Merges made with GITHUB_TOKEN start no workflow; workflow_dispatch is exempt.
    await reported('workflow dispatch', () => dispatchWorkflow(octokit, cfg.repo, cfg.workflow, cfg.defaultBranch));
  };

  return {
    async phaseApplied({ manifest, phase }) {
      await reported(`deployment of ${manifest.name}`, () =>
        createPhaseDeployment(octokit, cfg.repo, manifest.name, phase, cfg.sha, cfg.runUrl),
      );
    },

    async gateHealthy({ manifest, phase, next, state }) {
      await setLatest(manifest, 'success', `${phase} healthy`);
      const p = manifest.phases.find((x) => x.name === phase);
      if (!next || !p || p.promote === 'manual') return;
      const nextPhase = manifest.phases.find((x) => x.name === next)!;
      await reported(`promotion PR of ${manifest.name}`, async () => {
        const branch = `rollouts/promote-${manifest.name}-${next}`;
        const title = `rollouts: promote ${manifest.name} to ${next}`;
        const pushed = await pushPhaseChange(branches, fileOf(manifest), next, branch, title);
        if (!pushed) return;
        const pr = await upsertPullRequest(octokit, cfg.repo, {
          branch,
          base: cfg.defaultBranch,
          title,
          body: promotionBody({
            rollout: manifest.name,
            phase,
            next,
            samples: (state.gate?.samples ?? []) as SampleLike[],
            checklist: nextPhase.checklist ?? [],
          }),
          labels: ['rollouts:promotion'],
        });
        const merged = p.promote === 'auto';
        if (merged) await mergeAndDispatch(pr.number, title);
        ctx.results.pullRequests.push({
          number: pr.number,
          url: pr.url,
          kind: 'promotion',
          rollout: manifest.name,
          merged,
        });
        core.info(`${manifest.name}: promotion PR #${pr.number}${merged ? ' merged' : ''}`);
      });
    },

    async rollbackRequested({ manifest, phase, severity, reason, failing, state }) {
      await setLatest(manifest, 'failure', `${phase} failed: ${reason}`);
      await reported(`revert PR of ${manifest.name}`, () =>
        openRevert(manifest, phase, severity, reason, failing, state),
      );
    },

    async rollbackDone({ manifest, applied, ok }) {
      await setLatest(
        manifest,
        ok ? 'inactive' : 'failure',
        ok ? `rolled back to ${applied}` : `rolled back to ${applied}; verify failed`,
      );
    },
  };

  async function openRevert(
    manifest: Manifest,
    phase: string,
    severity: string,
    reason: string,
    failing: SampleLike[],
    state: RolloutState,
  ): Promise<void> {
    const commit = typeof state.enteredBy === 'string' ? state.enteredBy : cfg.sha;
    const branch = `rollouts/revert-${manifest.name}-${commit.slice(0, 7)}`;
    const title = `rollouts: revert ${manifest.name} ${phase} (${severity})`;
    const idx = manifest.phases.findIndex((p) => p.name === phase);
    const below = manifest.phases[idx - 1]?.name ?? 'none';
    const pushed = await pushRevert(
      branches,
      commit,
      fileOf(manifest),
      below,
      branch,
      `${title}\n\nThis reverts commit ${commit}.`,
    );
    if (!pushed) return;
    const timeline = await ctx.store.tailLedger(manifest.name, 300, { fetch: false });
    const merged = ctx.cfg.autoRollback.has(severity);
    const pr = await upsertPullRequest(octokit, cfg.repo, {
      branch,
      base: cfg.defaultBranch,
      title,
      body: revertBody({ rollout: manifest.name, phase, severity, reason, commit, failing, timeline, merged }),
      labels: ['rollouts:rollback'],
    });
    if (merged) await mergeAndDispatch(pr.number, title);
    ctx.results.pullRequests.push({ number: pr.number, url: pr.url, kind: 'rollback', rollout: manifest.name, merged });
    core.info(`${manifest.name}: revert PR #${pr.number}${merged ? ' merged' : ''}`);
  }
}
