#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  processIO
} from "./chunk-XDRJKXBF.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-UZMJUSQS.js";
import "./chunk-WNP4D27T.js";
export {
  processIO
};
