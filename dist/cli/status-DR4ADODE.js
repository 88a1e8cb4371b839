#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-TO6BLLXC.js";
import "./chunk-LHRJ5XDY.js";
import "./chunk-BXJG5VIS.js";
import "./chunk-GLQEDU7C.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UGJ4MUWN.js";
import "./chunk-KTLZNTOK.js";
import "./chunk-BQOY6O3R.js";
import "./chunk-KKDXI6BL.js";
import "./chunk-Y2JNPTWV.js";
import "./chunk-ODV7476C.js";
import "./chunk-PKJ2OM3U.js";
import "./chunk-WNP4D27T.js";
export {
  statusCommand,
  watchOption
};
