#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  manifestJsonSchema
} from "./chunk-RFIB7AKY.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-HOJYLCGZ.js";
import "./chunk-G3Q7ZTPS.js";
import {
  defineCommand
} from "./chunk-EWS5QH4S.js";
import {
  EXIT
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/commands/schema.ts
var schemaCommand = defineCommand({
  name: "schema",
  summary: "print the JSON Schema of the manifest (for editors and other tools)",
  examples: ["rollouts schema > .rollouts/rollouts-v1.json   # refresh the copy `rollouts init` wrote"],
  run({ io }) {
    io.out(JSON.stringify(manifestJsonSchema(), null, 2));
    return EXIT.ok;
  }
});
export {
  schemaCommand
};
