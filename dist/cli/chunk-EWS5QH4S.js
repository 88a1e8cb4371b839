#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  Option
} from "./chunk-Q3SWWA5U.js";

// src/cli/command.ts
function defineCommand(command) {
  return command;
}
var jsonOption = () => new Option("--json", "print JSON on stdout instead of lines for people");
var dirOption = () => new Option("--dir <dir>", "the directory of the rollout manifests").default("rollouts");
function engineOptions(cmd) {
  return cmd.addOption(jsonOption()).addOption(dirOption()).addOption(new Option("--state-branch <branch>", "the branch that holds the state").default("rollouts-state")).addOption(new Option("--remote <remote>", "push the state to this remote (compare-and-swap); default: none"));
}

export {
  defineCommand,
  jsonOption,
  dirOption,
  engineOptions
};
