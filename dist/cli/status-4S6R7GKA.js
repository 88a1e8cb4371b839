#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-ZBH3GEUG.js";
import "./chunk-GHS2BQE3.js";
import "./chunk-6NNBTYB7.js";
import "./chunk-LZ3TJCZH.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UGJ4MUWN.js";
import "./chunk-I4JUKYZI.js";
import "./chunk-TNIJ4PNG.js";
import "./chunk-KKDXI6BL.js";
import "./chunk-Y2JNPTWV.js";
import "./chunk-ODV7476C.js";
import "./chunk-PKJ2OM3U.js";
import "./chunk-WNP4D27T.js";
export {
  statusCommand,
  watchOption
};
