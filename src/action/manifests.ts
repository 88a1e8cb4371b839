// The rollouts of the checkout, and their validation errors as annotations at file and line.
import { join, relative } from 'node:path';
import * as core from '@actions/core';
import { loadRollouts, type LoadResult, type Manifest } from '../manifest/index.js';
import type { ActionConfig } from './config.js';

export interface LoadedRollouts {
  loaded: LoadResult[];
  manifests: Manifest[];
  /** Rollout name -> its file, relative to the repository root. */
  files: Map<string, string>;
}

export async function loadManifests(cfg: ActionConfig): Promise<LoadedRollouts> {
  const loaded = await loadRollouts(join(cfg.cwd, cfg.dir));
  const files = new Map<string, string>();
  for (const r of loaded) if (r.manifest) files.set(r.manifest.name, relative(cfg.cwd, r.file));
  return { loaded, manifests: loaded.flatMap((r) => (r.manifest ? [r.manifest] : [])), files };
}

/** Reports validation errors as annotations at file and line; true when there were any. */
export function annotateIssues(cfg: ActionConfig, loaded: LoadResult[]): boolean {
  let any = false;
  for (const r of loaded)
    for (const i of r.issues) {
      any = true;
      core.error(`${i.path === '(root)' ? '' : `${i.path}: `}${i.message}`, {
        file: relative(cfg.cwd, i.file),
        startLine: i.line,
        startColumn: i.col,
        title: 'rollouts: invalid manifest',
      });
    }
  return any;
}

/** The manifest's file, relative to the repository root. */
export function fileOf(cfg: ActionConfig, files: Map<string, string>, m: Manifest): string {
  return files.get(m.name) ?? `${cfg.dir}/${m.name}.yaml`;
}
