#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  controlCommand
} from "./chunk-HRX6ER4R.js";
import "./chunk-HAEXPT67.js";
import {
  operatorControl
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
import "./chunk-Q3SWWA5U.js";
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
