#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-V2BRZZPW.js";
import "./chunk-UFDEFMSD.js";
import "./chunk-X6F4B6VA.js";
import "./chunk-5ISSPTOS.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UGJ4MUWN.js";
import "./chunk-3SPPL2C2.js";
import "./chunk-IQHKIYKM.js";
import "./chunk-KKDXI6BL.js";
import "./chunk-ODV7476C.js";
import "./chunk-EWS5QH4S.js";
import "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";
export {
  statusCommand,
  watchOption
};
