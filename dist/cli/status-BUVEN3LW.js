#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-TU2AETI6.js";
import "./chunk-UFDEFMSD.js";
import "./chunk-I5VFGKGV.js";
import "./chunk-7LF7ESFW.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UGJ4MUWN.js";
import "./chunk-OFE4SJXG.js";
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
