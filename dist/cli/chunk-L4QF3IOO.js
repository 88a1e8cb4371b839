#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  package_default
} from "./chunk-ZPLU3SY3.js";

// src/cli/version.ts
var VERSION = package_default.version;
var REPORT_TO = package_default.bugs.url;

export {
  VERSION,
  REPORT_TO
};
