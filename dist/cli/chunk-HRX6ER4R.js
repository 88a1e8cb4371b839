#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  actorOf
} from "./chunk-HAEXPT67.js";
import {
  exitFor,
  findRollout,
  localEngine,
  printOutcomes,
  raceAware
} from "./chunk-YNZP7WRO.js";
import {
  defineCommand,
  engineOptions
} from "./chunk-EWS5QH4S.js";

// src/cli/control-command.ts
function controlCommand(def) {
  return defineCommand({
    name: def.name,
    summary: def.summary,
    examples: def.examples,
    configure: (cmd) => {
      const withName = engineOptions(cmd.argument("<name>", "the rollout"));
      return def.options ? def.options(withName) : withName;
    },
    run: ({ io, args: [name], opts }) => raceAware(async () => {
      const { root, deps, manifests } = await localEngine(io, opts);
      const m = findRollout(manifests, name);
      const outcome = await def.control(deps, m, await actorOf(root, io.env), opts);
      printOutcomes(io, [outcome], opts.json);
      return exitFor([outcome]);
    })
  });
}

export {
  controlCommand
};
