#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusCommand,
  watchOption
} from "./chunk-H7HUJ3WO.js";
import "./chunk-IPV5JOTG.js";
import "./chunk-OQKK564E.js";
import "./chunk-2YLM3OPD.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UGJ4MUWN.js";
import "./chunk-KRSB2Y34.js";
import "./chunk-BQOY6O3R.js";
import "./chunk-KKDXI6BL.js";
import "./chunk-ODV7476C.js";
import "./chunk-Y2JNPTWV.js";
import "./chunk-PKJ2OM3U.js";
import "./chunk-WNP4D27T.js";
export {
  statusCommand,
  watchOption
};
