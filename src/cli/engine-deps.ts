// Builds what the engine is handed, for a local repository (no GitHub).
import { join, relative } from 'node:path';
import { formatIssue, loadCommittedRollouts, type LoadResult, type Manifest } from '../manifest/index.js';
import { phaseCommit } from '../plan/index.js';
import { paint } from './colour.js';
import { DEFAULT_CHECKPOINTS, streamReporter, type EngineDeps, type RolloutEvents } from '../engine/index.js';
import { currentHolder, GitStateStore } from '../state/index.js';
import { Git } from '../sys/git.js';
import { CliFailure } from './errors.js';
import type { EngineOptions } from './command.js';
import type { CliIO } from './io.js';

export interface LocalEngine {
  root: string;
  deps: EngineDeps;
  loaded: LoadResult[];
  manifests: Manifest[];
  /** Rollout name -> its manifest file, relative to the root. */
  files: Map<string, string>;
}

function localEvents(io: CliIO): RolloutEvents {
  return {
    gateHealthy({ manifest, next }) {
      if (next) io.err(`${manifest.name}: promote by setting \`phase: ${next}\` in ${manifest.name}.yaml`);
    },
    rollbackRequested({ manifest, phase, state, reason }) {
      const commit = typeof state.enteredBy === 'string' ? state.enteredBy : undefined;
      const undo = commit ? `git revert ${commit.slice(0, 12)}` : `set \`phase:\` below ${phase}`;
      io.err(
        `${manifest.name}: rollback requested for ${phase} (${reason}): ${undo}, ` +
          `then run \`rollouts apply\` (or \`rollouts rollback ${manifest.name}\` now)`,
      );
    },
  };
}

/**
 * Loads every manifest of the directory as HEAD holds it (desired state is the commit, never an uncommitted edit);
 * a dirty directory is named in a warning. Any invalid manifest stops everything before a step runs.
 */
export async function localEngine(io: CliIO, opts: EngineOptions): Promise<LocalEngine> {
  const root = await new Git(io.cwd).root();
  const dir = opts.dir;
  const { loaded, dirty } = await loadCommittedRollouts(root, dir);
  if (dirty.length)
    io.err(
      `rollouts: warning: uncommitted changes are not acted on, the manifests at HEAD are: ${dirty.join(', ')} (commit them first)`,
    );
  const issues = loaded.flatMap((r) => r.issues);
  if (issues.length) {
    for (const i of issues) io.err(formatIssue({ ...i, file: relative(io.cwd, i.file) }));
    throw new CliFailure(`${issues.length} validation error${issues.length === 1 ? '' : 's'}: nothing was run`);
  }
  const files = new Map(loaded.flatMap((r) => (r.manifest ? [[r.manifest.name, relative(root, r.file)]] : [])));
  const store = new GitStateStore({ repo: root, branch: opts.stateBranch, remote: opts.remote });
  const runId = io.env.GITHUB_RUN_ID ? `${io.env.GITHUB_RUN_ID}/${io.env.GITHUB_RUN_ATTEMPT ?? '1'}` : undefined;
  const deps: EngineDeps = {
    store,
    cwd: root,
    env: io.env,
    me: currentHolder(runId),
    leaseTtlMs: Number(io.env.ROLLOUTS_LEASE_TTL_MS ?? 120_000),
    leaseSkewMs: io.env.ROLLOUTS_LEASE_SKEW_MS ? Number(io.env.ROLLOUTS_LEASE_SKEW_MS) : undefined,
    reporter: io.errRaw
      ? streamReporter(io.colour ? (text) => io.errRaw!(paint(text)) : io.errRaw, io.isTTY)
      : streamReporter((t) => io.err(t.replace(/\n$/, '')), false),
    checkpoints: {
      maxBatches: Number(io.env.ROLLOUTS_CHECKPOINT_BATCHES ?? DEFAULT_CHECKPOINTS.maxBatches),
      maxMs: Number(io.env.ROLLOUTS_CHECKPOINT_MS ?? DEFAULT_CHECKPOINTS.maxMs),
    },
    events: localEvents(io),
    enteredBy: (m) => phaseCommit(root, files.get(m.name) ?? join(dir, `${m.name}.yaml`)),
  };
  return { root, deps, loaded, files, manifests: loaded.flatMap((r) => (r.manifest ? [r.manifest] : [])) };
}
