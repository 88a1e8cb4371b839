#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/cli/colour.ts
var SGR = { red: "31", green: "32", yellow: "33" };
var WORDS = [
  [/✖|\b(failed|fail)\b/g, "red"],
  [/✔|\b(healthy|complete|rolled-back|valid|pass)\b|(?<=: )ok\b/g, "green"],
  [/\b(holding|paused|applying|rolling-back|inconclusive)\b/g, "yellow"]
];
function colourEnabled(env, isTTY) {
  const force = env.FORCE_COLOR;
  if (force !== void 0) return force !== "0" && force !== "false";
  if (env.NO_COLOR) return false;
  if (env.CI || env.TERM === "dumb") return false;
  return isTTY;
}
function paint(text) {
  if (/^\s*[{[]/.test(text)) return text;
  let out = text;
  for (const [pattern, colour] of WORDS) out = out.replace(pattern, (w) => `\x1B[${SGR[colour]}m${w}\x1B[39m`);
  return out;
}

export {
  colourEnabled,
  paint
};
