#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-2WOQVRP2.js";
import "./chunk-YP57YBJ5.js";
import "./chunk-W62CDLVR.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-ZOGWTCT2.js";
import "./chunk-XBAIGFXF.js";
import "./chunk-X4CNZKKC.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-I6S4M2B2.js";
import "./chunk-OMDRDTD2.js";
import "./chunk-EWS5QH4S.js";
import "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";
export {
  statusCommand,
  watchOption
};
