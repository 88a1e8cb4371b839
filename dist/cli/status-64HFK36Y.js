#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-WLPGD2PF.js";
import "./chunk-RSQSCBX4.js";
import "./chunk-JD6EX23A.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-ZZIUW7GV.js";
import "./chunk-ULG2JUYI.js";
import "./chunk-P63JFGUD.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-NVJPLR5L.js";
import "./chunk-OMDRDTD2.js";
import "./chunk-EWS5QH4S.js";
import "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";
export {
  statusCommand,
  watchOption
};
