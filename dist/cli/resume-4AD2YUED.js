#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  actorOf
} from "./chunk-AY2JFL43.js";
import {
  exitFor,
  findRollout,
  localEngine,
  printOutcomes,
  raceAware
} from "./chunk-OQKK564E.js";
import {
  operatorControl
} from "./chunk-2YLM3OPD.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UGJ4MUWN.js";
import "./chunk-KRSB2Y34.js";
import "./chunk-BQOY6O3R.js";
import "./chunk-KKDXI6BL.js";
import "./chunk-ODV7476C.js";
import {
  defineCommand,
  engineOptions
} from "./chunk-Y2JNPTWV.js";
import "./chunk-PKJ2OM3U.js";
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
