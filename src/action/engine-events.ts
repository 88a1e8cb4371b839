// The engine's events answered on GitHub: a deployment per applied phase and its statuses, the promotion PR of a
// healthy gate, the revert PR of a failed one. Each handler returns what it opened; `opened()` lists them for the run.
// A failure on GitHub's side is a warning: it never undoes the transition the engine has already recorded.
import * as core from '@actions/core';
import type { RolloutEvents } from '../engine/index.js';
import type { Manifest } from '../manifest/index.js';
import { createPhaseDeployment, environmentOf, latestDeployment, setDeploymentState } from '../github/deployments.js';
import type { ActionContext } from './context.js';
import { fileOf } from './manifests.js';
import type { Opened, OpenedDeployment } from './opened.js';
import { openPromotionPr } from './promotion-pr.js';
import { openRevertPr } from './revert-pr.js';

async function reported<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    core.warning(`${what}: ${(err as Error).message}`);
    return undefined;
  }
}

export interface GitHubRolloutEvents {
  events: RolloutEvents;
  /** What the handlers opened so far in this run, in order. */
  opened(): Opened;
}

export function githubRolloutEvents(ctx: ActionContext, files: Map<string, string>): GitHubRolloutEvents {
  const { cfg, octokit } = ctx;
  const opened: Opened = { pullRequests: [], deployments: [] };

  const startDeployment = async (m: Manifest, phase: string): Promise<OpenedDeployment | null> => {
    const id = await createPhaseDeployment(octokit, cfg.repo, m.name, phase, cfg.sha, cfg.runUrl);
    return id === null ? null : { id, rollout: m.name, phase, environment: environmentOf(m.name) };
  };
  const markLatestDeployment = (m: Manifest, state: 'success' | 'failure' | 'inactive', text: string) =>
    reported(`deployment status of ${m.name}`, async () => {
      const id = await latestDeployment(octokit, cfg.repo, m.name);
      if (id) await setDeploymentState(octokit, cfg.repo, id, state, text, cfg.runUrl);
    });

  const events: RolloutEvents = {
    async phaseApplied({ manifest, phase }) {
      const d = await reported(`deployment of ${manifest.name}`, () => startDeployment(manifest, phase));
      if (d) opened.deployments.push(d);
    },

    async gateHealthy({ manifest, phase, next, state }) {
      await markLatestDeployment(manifest, 'success', `${phase} healthy`);
      if (!next) return;
      const file = fileOf(cfg, files, manifest);
      const pr = await reported(`promotion PR of ${manifest.name}`, () =>
        openPromotionPr(ctx, { manifest, file, phase, next, state }),
      );
      if (pr) opened.pullRequests.push(pr);
    },

    async rollbackRequested({ manifest, phase, severity, reason, failing, state }) {
      await markLatestDeployment(manifest, 'failure', `${phase} failed: ${reason}`);
      const file = fileOf(cfg, files, manifest);
      const pr = await reported(`revert PR of ${manifest.name}`, () =>
        openRevertPr(ctx, { manifest, file, phase, severity, reason, failing, state }),
      );
      if (pr) opened.pullRequests.push(pr);
    },

    async rollbackDone({ manifest, applied, ok }) {
      await markLatestDeployment(
        manifest,
        ok ? 'inactive' : 'failure',
        ok ? `rolled back to ${applied}` : `rolled back to ${applied}; verify failed`,
      );
    },
  };
  return {
    events,
    opened: () => ({ pullRequests: [...opened.pullRequests], deployments: [...opened.deployments] }),
  };
}
