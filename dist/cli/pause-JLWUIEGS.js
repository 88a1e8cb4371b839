#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  controlCommand
} from "./chunk-OQXG6M7K.js";
import "./chunk-HN2YTLJ6.js";
import {
  requestPause
} from "./chunk-GJOGPKR2.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-JX3KUFU7.js";
import "./chunk-MOIGGMKT.js";
import "./chunk-LHEJOLSN.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-3RNW43B6.js";
import "./chunk-CHKCJYMJ.js";
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
