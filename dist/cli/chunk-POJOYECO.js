#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  colourEnabled,
  paint
} from "./chunk-AAA3FYCY.js";
import {
  secrets
} from "./chunk-G3Q7ZTPS.js";

// src/cli/io.ts
function processIO() {
  const outColour = colourEnabled(process.env, !!process.stdout.isTTY);
  const errColour = colourEnabled(process.env, !!process.stderr.isTTY);
  const out = (text) => outColour ? paint(secrets.mask(text)) : secrets.mask(text);
  const err = (text) => errColour ? paint(secrets.mask(text)) : secrets.mask(text);
  return {
    out: (line) => process.stdout.write(`${out(line)}
`),
    err: (line) => process.stderr.write(`${err(line)}
`),
    errRaw: (text) => process.stderr.write(secrets.mask(text)),
    colour: errColour,
    isTTY: !!process.stderr.isTTY,
    cwd: process.cwd(),
    env: process.env
  };
}

export {
  processIO
};
