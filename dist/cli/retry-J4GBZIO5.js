#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  controlCommand
} from "./chunk-OQXG6M7K.js";
import "./chunk-HN2YTLJ6.js";
import {
  operatorControl
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
