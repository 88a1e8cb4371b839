// What every part of a run shares: the configuration, the GitHub client, git's scoped auth, the state store.
import * as core from '@actions/core';
import { GitStateStore } from '../state/index.js';
import { createOctokit, type Octokit } from '../github/client.js';
import { gitAuthEnv } from '../github/git-auth.js';
import type { ActionConfig } from './config.js';

export interface ActionContext {
  cfg: ActionConfig;
  octokit: Octokit;
  /** Environment for git commands that reach `origin` (the token as an http.extraheader, never on disk). */
  gitEnv: NodeJS.ProcessEnv;
  store: GitStateStore;
}

export function actionContext(cfg: ActionConfig): ActionContext {
  const octokit = createOctokit({ token: cfg.token, baseUrl: cfg.apiUrl, log: (l) => core.info(l) });
  const gitEnv = gitAuthEnv(cfg.token, cfg.serverUrl);
  // Only the tip of the state branch is fetched: a compare-and-swap needs nothing older.
  const store = new GitStateStore({
    repo: cfg.cwd,
    branch: cfg.stateBranch,
    remote: 'origin',
    env: gitEnv,
    fetchDepth: 1,
  });
  return { cfg, octokit, gitEnv, store };
}
