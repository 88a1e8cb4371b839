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

// src/cli/commands/resume.ts
var resumeCommand = defineCommand({
  name: "resume",
  summary: "open a paused gate afresh, after you have looked; recorded with your name",
  examples: [
    "rollouts resume byok-backfill          # a paused gate: a new hold starts, sampled at once",
    "ROLLOUTS_ACTOR=alice rollouts resume byok-backfill --json"
  ],
  configure: (cmd) => engineOptions(cmd.argument("<name>", "the rollout")),
  run: ({ io, args: [name], opts }) => raceAware(async () => {
    const { root, deps, manifests } = await localEngine(io, opts);
    const m = findRollout(manifests, name);
    const outcome = await operatorControl(deps, m, "resume", await actorOf(root, io.env));
    printOutcomes(io, [outcome], opts.json);
    return exitFor([outcome]);
  })
});
export {
  resumeCommand
};
