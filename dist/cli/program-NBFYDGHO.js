#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  processIO
} from "./chunk-POJOYECO.js";
import {
  REPORT_TO,
  VERSION
} from "./chunk-L4QF3IOO.js";
import "./chunk-ZPLU3SY3.js";
import {
  ControlRefused,
  OperationError
} from "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import {
  GitError
} from "./chunk-WK2IAVHB.js";
import "./chunk-G3Q7ZTPS.js";
import {
  CliFailure,
  Command,
  CommanderError,
  EXIT,
  Option,
  UsageError
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/commands/index.ts
var COMMANDS = [
  { name: "validate", load: async () => (await import("./validate-BO7OKT3Y.js")).validateCommand },
  { name: "plan", load: async () => (await import("./plan-D3VIFXIJ.js")).planCommand },
  { name: "apply", load: async () => (await import("./apply-LUNUHCZ6.js")).applyCommand },
  { name: "status", load: async () => (await import("./status-SRWYZWWO.js")).statusCommand },
  { name: "rollback", load: async () => (await import("./rollback-ZKQJSCEX.js")).rollbackCommand },
  { name: "pause", load: async () => (await import("./pause-G7UWYMFC.js")).pauseCommand },
  { name: "resume", load: async () => (await import("./resume-COSULX2P.js")).resumeCommand },
  { name: "retry", load: async () => (await import("./retry-3SWYNKGV.js")).retryCommand },
  { name: "promote", load: async () => (await import("./promote-VV263EJO.js")).promoteCommand },
  { name: "log", load: async () => (await import("./log-IFCJNFI6.js")).logCommand },
  { name: "drill", load: async () => (await import("./drill-5FM533HR.js")).drillCommand },
  { name: "report", load: async () => (await import("./report-NLCUYC4X.js")).reportCommand },
  { name: "alert-relay", load: async () => (await import("./alert-relay-HHE4GDEV.js")).alertRelayCommand },
  { name: "schema", load: async () => (await import("./schema-EQP6TC74.js")).schemaCommand },
  { name: "init", load: async () => (await import("./init-ONUNBTJU.js")).initCommand },
  { name: "completion", load: async () => (await import("./completion-ZHZX3FIH.js")).completionCommand }
];
function loadCommands(names) {
  return Promise.all(COMMANDS.filter((c) => !names || names.includes(c.name)).map((c) => c.load()));
}

// src/cli/program.ts
var EPILOG = `
Exit codes: 0 done, 1 a failure (validation, step, gate), 2 usage,
            3 lost a race for the state or a lease (retry).
Run \`rollouts help COMMAND\` for a command's options and examples.`;
function addCommand(program, io, spec, outcome) {
  const cmd = program.command(spec.name).description(spec.summary);
  spec.configure?.(cmd);
  cmd.addHelpText("after", `
Examples:
${spec.examples.map((e) => `  $ ${e}`).join("\n")}`);
  cmd.action(async (...params) => {
    const self = params.at(-1);
    const args = self.processedArgs.flat().filter((a) => typeof a === "string");
    outcome.code = await spec.run({ io, args, opts: self.optsWithGlobals(), program });
  });
}
function commandsFor(argv) {
  const names = new Set(COMMANDS.map((c) => c.name));
  const at = argv.findIndex((a) => !a.startsWith("-"));
  if (at < 0) return argv.length > 0 && argv.some((a) => a === "-V" || a === "--version") ? [] : void 0;
  const word = argv[at];
  const target = word === "help" ? argv[at + 1] : word;
  if (target === void 0 || !names.has(target) || target === "completion") return void 0;
  return [target];
}
function buildProgram(io, specs, outcome = { code: EXIT.ok }) {
  const program = new Command("rollouts").description(
    "A git repository as the control plane of risky rollouts: phases, paged batches, health gates, rollback."
  ).version(VERSION, "-V, --version", "print the version").helpOption("-h, --help", "show help").helpCommand("help [command]", "show a command's options and examples").addOption(new Option("--debug", "on an internal error, print the stack trace")).configureHelp({ showGlobalOptions: true }).addHelpText("after", EPILOG).exitOverride().configureOutput({
    writeOut: (text) => io.out(text.replace(/\n$/, "")),
    writeErr: (text) => io.err(text.replace(/\n$/, "")),
    outputError: () => {
    }
    // runCli prints the error, on one line
  });
  for (const spec of specs) addCommand(program, io, spec, outcome);
  for (const cmd of program.commands) cmd.exitOverride().helpOption("-h, --help", "show help for this command");
  return program;
}
function helpAsFlag(argv, program) {
  const at = argv.findIndex((a) => !a.startsWith("-"));
  if (at < 0) return argv;
  const names = new Set(program.commands.map((c) => c.name()));
  if (argv[at] === "help" && argv[at + 1] !== void 0) {
    const target = argv[at + 1];
    return names.has(target) ? [target, "--help"] : [target];
  }
  if (argv[at] !== "help" && !names.has(argv[at])) return argv.filter((a) => a !== "--help" && a !== "-h");
  return argv;
}
function oneLine(message) {
  return message.replace(/^error: /, "").replace(/\.?\n\(Did you mean (.*)\?\)/, "; did you mean $1?").replace(/\s*\n\s*/g, " ").replace(/\.$/, "");
}
async function runCli(argv, io = processIO()) {
  const outcome = { code: EXIT.ok };
  const program = buildProgram(io, await loadCommands(commandsFor(argv)), outcome);
  const command = () => {
    const name = argv.find((a) => !a.startsWith("-"));
    return program.commands.some((c) => c.name() === name) ? `rollouts ${name}` : "rollouts";
  };
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync(helpAsFlag(argv, program), { from: "user" });
    return outcome.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return EXIT.ok;
      if (err.code === "commander.help") return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      io.err(`${command()}: ${oneLine(err.message)} \u2014 see \`${command()} --help\``);
      return EXIT.usage;
    }
    if (err instanceof UsageError || err instanceof OperationError) {
      io.err(`${command()}: ${err.message} \u2014 see \`${command()} --help\``);
      return EXIT.usage;
    }
    if (err instanceof CliFailure) {
      io.err(`rollouts: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof GitError || err instanceof ControlRefused) {
      io.err(`rollouts: ${err.message}`);
      return EXIT.failure;
    }
    const debug = program.opts().debug === true;
    const detail = err instanceof Error ? debug ? err.stack ?? err.message : err.message : String(err);
    io.err(`rollouts: internal error: ${detail}`);
    io.err(
      debug ? `this is a bug in rollouts ${VERSION}: please report it at ${REPORT_TO} with the output above` : `this is a bug in rollouts ${VERSION}: please report it at ${REPORT_TO}; run again with --debug for the stack trace`
    );
    return EXIT.failure;
  }
}
export {
  VERSION,
  buildProgram,
  commandsFor,
  runCli
};
