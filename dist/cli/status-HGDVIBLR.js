#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-AVIBBLRS.js";
import "./chunk-FMVR6C5K.js";
import "./chunk-P665T7PB.js";
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
export {
  statusCommand,
  watchOption
};
