#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  processIO
} from "./chunk-4OHFRJYJ.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-KKDXI6BL.js";
import "./chunk-WNP4D27T.js";
export {
  processIO
};
