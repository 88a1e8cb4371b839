#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  emergencyRollback,
  exitFor,
  findRollout,
  localEngine,
  printOutcomes,
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
  Option
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/commands/rollback.ts
var rollbackCommand = defineCommand({
  name: "rollback",
  summary: "emergency rollback now, without waiting for a revert PR; recorded in the ledger",
  examples: [
    "rollouts rollback byok-backfill               # roll back every applied phase",
    "rollouts rollback byok-backfill --to canary   # keep canary, roll back the phases above it"
  ],
  configure: (cmd) => engineOptions(
    cmd.argument("<name>", "the rollout").addOption(new Option("--to <phase>", "the phase to keep (`none`: roll back everything)").default("none"))
  ),
  run: ({ io, args: [name], opts }) => raceAware(async () => {
    const { deps, manifests } = await localEngine(io, opts);
    const outcome = await emergencyRollback(deps, findRollout(manifests, name), opts.to);
    printOutcomes(io, [outcome], opts.json);
    return exitFor([outcome]);
  })
});
export {
  rollbackCommand
};
