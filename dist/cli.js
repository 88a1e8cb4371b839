#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  VERSION
} from "./cli/chunk-L4QF3IOO.js";
import "./cli/chunk-ZPLU3SY3.js";
import "./cli/chunk-WNP4D27T.js";

// src/cli/main.ts
import module from "node:module";
process.stdout.on("error", (err) => {
  if (err.code !== "EPIPE") throw err;
  process.exit(process.exitCode ?? 0);
});
var argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${VERSION}
`);
} else {
  module.enableCompileCache?.();
  const [{ runCli }, { processIO }] = await Promise.all([import("./cli/program-NBFYDGHO.js"), import("./cli/io-6GGBIQVY.js")]);
  process.exitCode = await runCli(argv, processIO());
}
