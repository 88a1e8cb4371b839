#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  processIO
} from "./chunk-POJOYECO.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-G3Q7ZTPS.js";
import "./chunk-WNP4D27T.js";
export {
  processIO
};
