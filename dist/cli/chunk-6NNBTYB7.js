#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DEFAULT_CHECKPOINTS,
  streamReporter
} from "./chunk-LZ3TJCZH.js";
import {
  paint
} from "./chunk-AAA3FYCY.js";
import {
  GitStateStore,
  LeaseLostError,
  LostRaceError,
  currentHolder,
  phaseCommit
} from "./chunk-I4JUKYZI.js";
import {
  Git,
  formatIssue,
  loadCommittedRollouts
} from "./chunk-TNIJ4PNG.js";
import {
  CliFailure,
  EXIT,
  UsageError
} from "./chunk-PKJ2OM3U.js";

// src/cli/engine-deps.ts
import { join, relative } from "node:path";
function localEvents(io) {
  return {
    gateHealthy({ manifest, next }) {
      if (next) io.err(`${manifest.name}: promote by setting \`phase: ${next}\` in ${manifest.name}.yaml`);
    },
    rollbackRequested({ manifest, phase, state, reason }) {
      const commit = typeof state.enteredBy === "string" ? state.enteredBy : void 0;
      const undo = commit ? `git revert ${commit.slice(0, 12)}` : `set \`phase:\` below ${phase}`;
      io.err(
        `${manifest.name}: rollback requested for ${phase} (${reason}): ${undo}, then run \`rollouts apply\` (or \`rollouts rollback ${manifest.name}\` now)`
      );
    }
  };
}
async function localEngine(io, opts) {
  const root = await new Git(io.cwd).root();
  const dir = opts.dir;
  const { loaded, dirty } = await loadCommittedRollouts(root, dir);
  if (dirty.length)
    io.err(
      `rollouts: warning: uncommitted changes are not acted on, the manifests at HEAD are: ${dirty.join(", ")} (commit them first)`
    );
  const issues = loaded.flatMap((r) => r.issues);
  if (issues.length) {
    for (const i of issues) io.err(formatIssue({ ...i, file: relative(io.cwd, i.file) }));
    throw new CliFailure(`${issues.length} validation error${issues.length === 1 ? "" : "s"}: nothing was run`);
  }
  const files = new Map(loaded.flatMap((r) => r.manifest ? [[r.manifest.name, relative(root, r.file)]] : []));
  const store = new GitStateStore({ repo: root, branch: opts.stateBranch, remote: opts.remote });
  const runId = io.env.GITHUB_RUN_ID ? `${io.env.GITHUB_RUN_ID}/${io.env.GITHUB_RUN_ATTEMPT ?? "1"}` : void 0;
  const deps = {
    store,
    cwd: root,
    env: io.env,
    me: currentHolder(runId),
    leaseTtlMs: Number(io.env.ROLLOUTS_LEASE_TTL_MS ?? 12e4),
    leaseSkewMs: io.env.ROLLOUTS_LEASE_SKEW_MS ? Number(io.env.ROLLOUTS_LEASE_SKEW_MS) : void 0,
    reporter: io.errRaw ? streamReporter(io.colour ? (text) => io.errRaw(paint(text)) : io.errRaw, io.isTTY) : streamReporter((t) => io.err(t.replace(/\n$/, "")), false),
    checkpoints: {
      maxBatches: Number(io.env.ROLLOUTS_CHECKPOINT_BATCHES ?? DEFAULT_CHECKPOINTS.maxBatches),
      maxMs: Number(io.env.ROLLOUTS_CHECKPOINT_MS ?? DEFAULT_CHECKPOINTS.maxMs)
    },
    events: localEvents(io),
    enteredBy: (m) => phaseCommit(root, files.get(m.name) ?? join(dir, `${m.name}.yaml`))
  };
  return { root, deps, loaded, files, manifests: loaded.flatMap((r) => r.manifest ? [r.manifest] : []) };
}

// src/cli/outcomes.ts
function exitFor(outcomes) {
  if (outcomes.some((o) => o.outcome === "failed")) return EXIT.failure;
  const busy = outcomes.some((o) => o.outcome === "busy");
  const didSomething = outcomes.some((o) => !["busy", "unchanged", "orphan", "blocked"].includes(o.outcome));
  return busy && !didSomething ? EXIT.lostRace : EXIT.ok;
}
function printOutcomes(io, outcomes, json) {
  if (json) return io.out(JSON.stringify({ rollouts: outcomes }, null, 2));
  for (const o of outcomes)
    io.out(
      `${o.name}: ${o.outcome} \u2014 applied ${o.applied}, status ${o.status}, desired ${o.desired}${o.message ? ` (${o.message})` : ""}`
    );
  summarize(
    io,
    outcomes.map((o) => o.outcome)
  );
}
function summarize(io, words) {
  if (words.length <= 1) return;
  const counts = /* @__PURE__ */ new Map();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  io.err(`${words.length} rollouts: ${[...counts].map(([w, n]) => `${n} ${w}`).join(", ")}`);
}
async function raceAware(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LostRaceError)
      throw new CliFailure(`lost the race for the state: ${err.message}; retry`, EXIT.lostRace);
    if (err instanceof LeaseLostError)
      throw new CliFailure(`stopped: ${err.message}; the run that holds it now carries on`, EXIT.lostRace);
    throw err;
  }
}
function findRollout(manifests, name) {
  const m = manifests.find((x) => x.name === name);
  if (!m) throw new UsageError(`no rollout named ${name}${known(manifests)}`);
  return m;
}
function known(manifests) {
  return manifests.length ? ` (have: ${manifests.map((m) => m.name).join(", ")})` : " (no manifests found)";
}

export {
  localEngine,
  exitFor,
  printOutcomes,
  summarize,
  raceAware,
  findRollout,
  known
};
