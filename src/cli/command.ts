// What a CLI command is: a name, a one-line summary, examples, its arguments and options (commander's API), and a
// function from the parsed arguments to an exit code. commands/index.ts lists them; program.ts turns them into
// commander commands, help text and shell completion.
import { Option, type Command } from 'commander';
import type { CliIO } from './io.js';

export interface RunContext<O> {
  io: CliIO;
  /** The positional arguments, in order; a variadic argument's values are spread in. */
  args: string[];
  /** This command's options (camelCase, as commander names them), and the program's (`debug`). */
  opts: O & { debug?: boolean };
  /** The whole program, for commands that describe it (help, completion). */
  program: Command;
}

export interface CliCommand<O = Record<string, unknown>> {
  name: string;
  /** One line, shown in `rollouts help`. */
  summary: string;
  /** Shown under "Examples:" in `rollouts NAME --help`: a command line, optionally `  # what it does`. */
  examples: string[];
  /** Declares arguments and options on the commander command (`.argument()`, `.addOption()`). */
  configure?(cmd: Command): Command;
  /** Returns the exit code (errors.ts `EXIT`); throw UsageError (2) or CliFailure for a user's mistake. */
  run(ctx: RunContext<O>): Promise<number> | number;
}

/** Identity, for type inference of a command's options. */
export function defineCommand<O>(command: CliCommand<O>): CliCommand<O> {
  return command;
}

// Options more than one command takes. Functions: a commander Option belongs to one command.
export const jsonOption = () => new Option('--json', 'print JSON on stdout instead of lines for people');
export const dirOption = () => new Option('--dir <dir>', 'the directory of the rollout manifests').default('rollouts');

/** Where the engine's commands find manifests and state. */
export interface EngineOptions {
  dir: string;
  stateBranch: string;
  remote?: string;
  json: boolean;
}

export function engineOptions(cmd: Command): Command {
  return cmd
    .addOption(jsonOption())
    .addOption(dirOption())
    .addOption(new Option('--state-branch <branch>', 'the branch that holds the state').default('rollouts-state'))
    .addOption(new Option('--remote <remote>', 'push the state to this remote (compare-and-swap); default: none'));
}
