#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  VERSION
} from "./cli/chunk-Z7YXPZ6N.js";
import "./cli/chunk-TE77CD4D.js";
import "./cli/chunk-WNP4D27T.js";

// src/cli/main.ts
process.stdout.on("error", (err) => {
  if (err.code !== "EPIPE") throw err;
  process.exit(process.exitCode ?? 0);
});
var argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${VERSION}
`);
} else {
  const [{ runCli }, { processIO }] = await Promise.all([import("./cli/program-IPM43GYS.js"), import("./cli/io-W4W4YCAK.js")]);
  process.exitCode = await runCli(argv, processIO());
}
