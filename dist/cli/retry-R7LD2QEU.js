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
