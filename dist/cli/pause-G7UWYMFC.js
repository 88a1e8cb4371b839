#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  controlCommand
} from "./chunk-HRX6ER4R.js";
import "./chunk-HAEXPT67.js";
import {
  requestPause
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
import "./chunk-EWS5QH4S.js";
import {
  Option,
  UsageError
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/commands/pause.ts
var pauseCommand = controlCommand({
  name: "pause",
  summary: "stop a rollout between batches, also one another run is applying",
  examples: [
    'rollouts pause byok-backfill --reason "replica lag"   # the running step stops before its next batch',
    "rollouts pause byok-backfill          # nothing running: the next pass pauses it (no sample, no phase)"
  ],
  options: (cmd) => cmd.addOption(new Option("--reason <text>", "why: kept with the pause and in the ledger")),
  control: (deps, m, actor, opts) => {
    if (opts.reason !== void 0 && !opts.reason.trim()) throw new UsageError("--reason needs a text: say why");
    return requestPause(deps, m, actor, opts.reason?.trim());
  }
});
export {
  pauseCommand
};
