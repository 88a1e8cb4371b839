#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  exitFor,
  findRollout,
  localEngine,
  printOutcomes,
  raceAware
} from "./chunk-6NNBTYB7.js";
import {
  emergencyRollback
} from "./chunk-LZ3TJCZH.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UGJ4MUWN.js";
import "./chunk-I4JUKYZI.js";
import "./chunk-TNIJ4PNG.js";
import "./chunk-KKDXI6BL.js";
import {
  defineCommand,
  engineOptions
} from "./chunk-Y2JNPTWV.js";
import "./chunk-ODV7476C.js";
import {
  Option
} from "./chunk-PKJ2OM3U.js";
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
