#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  watchOption,
  watchReporter,
  watchRollouts
} from "./chunk-52OEBL6B.js";
import "./chunk-QAYVKN3D.js";
import {
  dryRunAll,
  exitFor,
  known,
  localEngine,
  printOutcomes,
  raceAware,
  reconcileAll
} from "./chunk-YNZP7WRO.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-JX3KUFU7.js";
import {
  LostRaceError
} from "./chunk-IW25GJ3B.js";
import "./chunk-RFIB7AKY.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-HOJYLCGZ.js";
import "./chunk-G3Q7ZTPS.js";
import {
  defineCommand,
  engineOptions
} from "./chunk-EWS5QH4S.js";
import {
  EXIT,
  Option,
  UsageError
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/dry-run-lines.ts
function dryRunLines(v) {
  const head = `${v.name}: would ${v.action === "none" ? "do nothing" : v.action} \u2014 applied ${v.applied} (${v.status}), desired ${v.desired}`;
  const lines = [`${head}${v.message ? ` (${v.message})` : ""}`];
  for (const p of v.phases) lines.push(`  ${p.phase}: steps ${p.steps.join(", ") || "(none)"}; cohort ${p.cohort}`);
  if (v.gate) lines.push(`  gate: ${v.gate}`);
  if (v.verify?.length) lines.push(`  verify: ${v.verify.join(", ")}`);
  return lines;
}

// src/cli/commands/apply.ts
var applyCommand = defineCommand({
  name: "apply",
  summary: "one reconcile pass: apply the next phase, sample open gates, roll back",
  examples: [
    "rollouts apply                         # every rollout whose desired and applied phase differ, or whose gate is open",
    "rollouts apply byok-backfill --json",
    "rollouts apply --dry-run                # what this pass would do: steps, cohort, gate; nothing run or written",
    "rollouts apply byok-backfill --watch   # passes until it settles: samples the gate at its `every`"
  ],
  configure: (cmd) => engineOptions(cmd.argument("[names...]", "only these rollouts (default: all)")).addOption(watchOption()).addOption(
    new Option("--dry-run", "say what this pass would do (steps, cohort, gate); run nothing, write nothing")
  ),
  run: ({ io, args: names, opts }) => raceAware(async () => {
    const { deps, loaded, manifests } = await localEngine(io, opts);
    const unknown = names.filter((n) => !manifests.some((m) => m.name === n));
    if (unknown.length) throw new UsageError(`no rollout named ${unknown.join(", ")}${known(manifests)}`);
    if (opts.dryRun) {
      if (opts.watch) throw new UsageError("--dry-run and --watch do not go together");
      const views = await dryRunAll(
        deps.store,
        names.length ? manifests.filter((m) => names.includes(m.name)) : manifests
      );
      if (opts.json) io.out(JSON.stringify({ dryRun: true, rollouts: views }, null, 2));
      else for (const v of views) for (const line of dryRunLines(v)) io.out(line);
      return views.some((v) => v.action === "invalid-state") ? EXIT.failure : EXIT.ok;
    }
    if (opts.watch) {
      const view = io.isTTY && io.errRaw ? watchReporter() : null;
      if (view) deps.reporter = view.reporter;
      return await watchRollouts({
        io,
        store: deps.store,
        manifests: names.length ? manifests.filter((m) => names.includes(m.name)) : manifests,
        fetch: !!opts.remote,
        live: view?.live,
        events: view?.events,
        pass: async () => {
          try {
            await reconcileAll(deps, loaded, names);
          } catch (err) {
            if (!(err instanceof LostRaceError)) throw err;
          }
        }
      });
    }
    const outcomes = await reconcileAll(deps, loaded, names);
    printOutcomes(io, outcomes, opts.json);
    return exitFor(outcomes);
  })
});
export {
  applyCommand
};
