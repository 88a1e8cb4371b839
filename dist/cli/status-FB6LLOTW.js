#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-4WBVKJGG.js";
import "./chunk-CRRIIGMH.js";
import "./chunk-3P5F6ABR.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-T3JOMGZ2.js";
import "./chunk-WPTF6AY3.js";
import "./chunk-SX5YIS25.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-O33SYYNR.js";
import "./chunk-OMDRDTD2.js";
import "./chunk-EWS5QH4S.js";
import "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";
export {
  statusCommand,
  watchOption
};
