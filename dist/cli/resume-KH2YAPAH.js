#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  controlCommand
} from "./chunk-KSEPMC53.js";
import "./chunk-PWNXOCFD.js";
import "./chunk-6NNBTYB7.js";
import {
  operatorControl
} from "./chunk-LZ3TJCZH.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UGJ4MUWN.js";
import "./chunk-I4JUKYZI.js";
import "./chunk-TNIJ4PNG.js";
import "./chunk-KKDXI6BL.js";
import "./chunk-Y2JNPTWV.js";
import "./chunk-ODV7476C.js";
import "./chunk-PKJ2OM3U.js";
import "./chunk-WNP4D27T.js";

// src/cli/commands/resume.ts
var resumeCommand = controlCommand({
  name: "resume",
  summary: "carry on after a pause: a gate opens afresh, a step at its cursor",
  examples: [
    "rollouts resume byok-backfill          # a paused gate: a new hold starts, sampled at once",
    "rollouts resume byok-backfill          # after `rollouts pause`: the step goes on from its checkpoint",
    "ROLLOUTS_ACTOR=alice rollouts resume byok-backfill --json"
  ],
  control: (deps, m, actor) => operatorControl(deps, m, "resume", actor)
});
export {
  resumeCommand
};
