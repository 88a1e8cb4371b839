#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  actorOf
} from "./chunk-B3NGCHXT.js";
import {
  exitFor,
  findRollout,
  localEngine,
  printOutcomes,
  raceAware
} from "./chunk-X6F4B6VA.js";
import {
  operatorControl
} from "./chunk-5ISSPTOS.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UGJ4MUWN.js";
import "./chunk-3SPPL2C2.js";
import "./chunk-IQHKIYKM.js";
import "./chunk-KKDXI6BL.js";
import "./chunk-ODV7476C.js";
import {
  defineCommand,
  engineOptions
} from "./chunk-EWS5QH4S.js";
import "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/commands/retry.ts
var retryCommand = defineCommand({
  name: "retry",
  summary: "retry a failed phase from its failed step, or reopen a failed gate; recorded",
  examples: [
    "rollouts retry byok-backfill           # a failed step: resumes at its checkpoint, never re-sends a batch",
    "rollouts retry byok-backfill           # a failed gate whose cause you fixed: a new hold starts"
  ],
  configure: (cmd) => engineOptions(cmd.argument("<name>", "the rollout")),
  run: ({ io, args: [name], opts }) => raceAware(async () => {
    const { root, deps, manifests } = await localEngine(io, opts);
    const m = findRollout(manifests, name);
    const outcome = await operatorControl(deps, m, "retry", await actorOf(root, io.env));
    printOutcomes(io, [outcome], opts.json);
    return exitFor([outcome]);
  })
});
export {
  retryCommand
};
