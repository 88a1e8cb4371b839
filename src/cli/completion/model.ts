// What shell completion knows, read from the commander program itself, so a new command or option completes without
// touching the scripts: commands, their options (and what an option's value is), their positional arguments.
import type { Argument, Command, Option } from 'commander';

/** What a value completes to. */
export type ValueKind =
  | { kind: 'rollout' } // the stems of <dir>/*.yaml, `dir` from --dir or `rollouts`
  | { kind: 'command' }
  | { kind: 'choices'; choices: string[] }
  | { kind: 'git-ref' } // branches and tags of the repository
  | { kind: 'git-remote' }
  | { kind: 'dir' }
  | { kind: 'file' }
  | { kind: 'none' };

export interface OptionModel {
  long?: string;
  short?: string;
  description: string;
  /** undefined: a flag without a value. */
  value?: ValueKind;
  /** The value's name in the flags, `dir` of `--dir <dir>`. */
  valueName?: string;
}

export interface PositionalModel {
  name: string;
  description: string;
  variadic: boolean;
  value: ValueKind;
}

export interface CommandModel {
  name: string;
  summary: string;
  options: OptionModel[];
  positionals: PositionalModel[];
}

export interface CompletionModel {
  program: string;
  /** The program's own options, valid before and after a command. */
  global: OptionModel[];
  commands: CommandModel[];
}

/** By the name of the argument or of the option's value (`<name>`, `--dir <dir>`), or its `.choices()`. */
function valueOf(placeholder: string, choices: readonly string[] | undefined): ValueKind {
  if (choices?.length) return { kind: 'choices', choices: [...choices] };
  if (/^names?$/.test(placeholder)) return { kind: 'rollout' };
  if (placeholder === 'command') return { kind: 'command' };
  if (/^(ref|branch)$/.test(placeholder)) return { kind: 'git-ref' };
  if (placeholder === 'remote') return { kind: 'git-remote' };
  if (/^(dir|directory)$/.test(placeholder)) return { kind: 'dir' };
  if (/^(files?|paths?)$/.test(placeholder)) return { kind: 'file' };
  return { kind: 'none' };
}

function optionModel(o: Option): OptionModel {
  const placeholder = /[<[](\w+)/.exec(o.flags)?.[1];
  return {
    long: o.long,
    short: o.short,
    description: o.description,
    value: placeholder ? valueOf(placeholder, o.argChoices) : undefined,
    valueName: placeholder,
  };
}

function positionalModel(a: Argument): PositionalModel {
  return {
    name: a.name(),
    description: a.description,
    variadic: a.variadic,
    value: valueOf(a.name(), a.argChoices),
  };
}

/** The completion model of a commander program: its commands (and the help command) with their options. */
export function completionModel(program: Command): CompletionModel {
  const help = program.createHelp();
  const global = help.visibleOptions(program).map(optionModel);
  const commands = help.visibleCommands(program).map((c) => ({
    name: c.name(),
    summary: c.description(),
    options: help.visibleOptions(c).map(optionModel),
    positionals: c.registeredArguments.map(positionalModel),
  }));
  return { program: program.name(), global, commands };
}

/** Every spelling of an option: `--json`, `-V`. */
export function spellings(o: OptionModel): string[] {
  return [o.long, o.short].filter((s): s is string => !!s);
}
