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

// src/cli/commands/retry.ts
var retryCommand = controlCommand({
  name: "retry",
  summary: "retry a failed phase from its failed step, or reopen a failed gate; recorded",
  examples: [
    "rollouts retry byok-backfill           # a failed step: resumes at its checkpoint, never re-sends a batch",
    "rollouts retry byok-backfill           # a failed gate whose cause you fixed: a new hold starts"
  ],
  control: (deps, m, actor) => operatorControl(deps, m, "retry", actor)
});
export {
  retryCommand
};
