#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  drill,
  findRollout,
  localEngine,
  raceAware
} from "./chunk-YNZP7WRO.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-JX3KUFU7.js";
import "./chunk-IW25GJ3B.js";
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
  CliFailure,
  EXIT
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/commands/drill.ts
var drillCommand = defineCommand({
  name: "drill",
  summary: "run the rollback with writes disabled (run.dryRun = true); records the RTO",
  examples: ["rollouts drill convex-revision", "rollouts drill convex-revision --json"],
  configure: (cmd) => engineOptions(cmd.argument("<name>", "the rollout")),
  run: ({ io, args: [name], opts }) => raceAware(async () => {
    const { deps, manifests } = await localEngine(io, opts);
    const result = await drill(deps, findRollout(manifests, name));
    if (!result) throw new CliFailure("another reconciler holds the lease; retry", EXIT.lostRace);
    if (opts.json) io.out(JSON.stringify(result, null, 2));
    else {
      const over = result.phases.join(", ") || "no applied phase";
      const drilled = `${result.drillable}/${result.total} rollback steps drilled`;
      const skipped = result.skipped.length && result.drillable ? `; not drillable: ${result.skipped.join(", ")}` : "";
      const error = result.error ? `; ${result.error}` : "";
      const rto = `RTO ${(result.rtoMs / 1e3).toFixed(1)}s`;
      io.out(`${name}: drill ${result.ok ? "ok" : "failed"}, ${rto} over ${over}, ${drilled}${skipped}${error}`);
    }
    return result.ok ? EXIT.ok : EXIT.failure;
  })
});
export {
  drillCommand
};
