#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  controlCommand
} from "./chunk-J26UZ4W2.js";
import "./chunk-NGD6L2EV.js";
import {
  operatorControl
} from "./chunk-P665T7PB.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-T3JOMGZ2.js";
import "./chunk-5VGXUGZQ.js";
import "./chunk-YOZCZYZT.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-MTI236FJ.js";
import "./chunk-UZMJUSQS.js";
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
