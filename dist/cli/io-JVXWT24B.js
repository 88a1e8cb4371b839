#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  processIO
} from "./chunk-FGF4I74J.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-CHKCJYMJ.js";
import "./chunk-WNP4D27T.js";
export {
  processIO
};
