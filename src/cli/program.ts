// `rollouts`: the command line (DESIGN §7), the same engine as the action on a local git repository. commander parses;
// this file turns the command list into commander commands and every way a run can end into an exit code.
import { Command, CommanderError, Option } from 'commander';
import { ControlRefused } from '../engine/control-refused.js';
import { OperationError } from '../engine/errors.js';
import { GitError } from '../sys/git-error.js';
import type { CliCommand } from './command.js';
import { COMMANDS, loadCommands } from './commands/index.js';
import { CliFailure, EXIT, UsageError } from './errors.js';
import { processIO, type CliIO } from './io.js';
import { REPORT_TO, VERSION } from './version.js';

export { VERSION } from './version.js';

const EPILOG = `
Exit codes: 0 done, 1 a failure (validation, step, gate), 2 usage,
            3 lost a race for the state or a lease (retry).
Run \`rollouts help COMMAND\` for a command's options and examples.`;

/** Where an action leaves its exit code for runCli (commander ignores what an action returns). */
interface Outcome {
  code: number;
}

function addCommand(program: Command, io: CliIO, spec: CliCommand, outcome: Outcome): void {
  const cmd = program.command(spec.name).description(spec.summary);
  spec.configure?.(cmd);
  cmd.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}`);
  cmd.action(async (...params: unknown[]) => {
    const self = params.at(-1) as Command;
    const args = self.processedArgs.flat().filter((a): a is string => typeof a === 'string');
    outcome.code = await spec.run({ io, args, opts: self.optsWithGlobals(), program });
  });
}

/**
 * The commands a command line needs loaded: the one it runs (or asks help for), none for `--version`, all of them
 * when the whole program is described (help, completion, a name that is no command, for its did-you-mean).
 */
export function commandsFor(argv: readonly string[]): string[] | undefined {
  const names = new Set(COMMANDS.map((c) => c.name));
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at < 0) return argv.length > 0 && argv.some((a) => a === '-V' || a === '--version') ? [] : undefined;
  const word = argv[at]!;
  const target = word === 'help' ? argv[at + 1] : word;
  if (target === undefined || !names.has(target) || target === 'completion') return undefined;
  return [target];
}

export function buildProgram(io: CliIO, specs: readonly CliCommand[], outcome: Outcome = { code: EXIT.ok }): Command {
  const program = new Command('rollouts')
    .description(
      'A git repository as the control plane of risky rollouts: phases, paged batches, health gates, rollback.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', "show a command's options and examples")
    .addOption(new Option('--debug', 'on an internal error, print the stack trace'))
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', EPILOG)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
      outputError: () => {}, // runCli prints the error, on one line
    });
  for (const spec of specs) addCommand(program, io, spec, outcome);
  for (const cmd of program.commands) cmd.exitOverride().helpOption('-h, --help', 'show help for this command');
  return program;
}

/**
 * `help CMD` is `CMD --help`. For a name that is no command, help is dropped so commander reports the unknown command
 * with its did-you-mean, rather than showing the program's help. The first word without a dash is the command: the
 * program's own options take no values.
 */
function helpAsFlag(argv: string[], program: Command): string[] {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at < 0) return argv;
  const names = new Set(program.commands.map((c) => c.name()));
  if (argv[at] === 'help' && argv[at + 1] !== undefined) {
    const target = argv[at + 1]!;
    return names.has(target) ? [target, '--help'] : [target];
  }
  if (argv[at] !== 'help' && !names.has(argv[at]!)) return argv.filter((a) => a !== '--help' && a !== '-h');
  return argv;
}

/**
 * commander's "error: unknown option '--jsn'\n(Did you mean --json?)" as "unknown option '--jsn'; did you mean
 * --json?".
 */
function oneLine(message: string): string {
  return message
    .replace(/^error: /, '')
    .replace(/\.?\n\(Did you mean (.*)\?\)/, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\.$/, '');
}

export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const outcome: Outcome = { code: EXIT.ok };
  const program = buildProgram(io, await loadCommands(commandsFor(argv)), outcome);
  const command = () => {
    const name = argv.find((a) => !a.startsWith('-'));
    return program.commands.some((c) => c.name() === name) ? `rollouts ${name}` : 'rollouts';
  };
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync(helpAsFlag(argv, program), { from: 'user' });
    return outcome.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      io.err(`${command()}: ${oneLine(err.message)} — see \`${command()} --help\``);
      return EXIT.usage;
    }
    if (err instanceof UsageError || err instanceof OperationError) {
      io.err(`${command()}: ${err.message} — see \`${command()} --help\``);
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
    const detail = err instanceof Error ? (debug ? (err.stack ?? err.message) : err.message) : String(err);
    io.err(`rollouts: internal error: ${detail}`);
    io.err(
      debug
        ? `this is a bug in rollouts ${VERSION}: please report it at ${REPORT_TO} with the output above`
        : `this is a bug in rollouts ${VERSION}: please report it at ${REPORT_TO}; run again with --debug for the stack trace`,
    );
    return EXIT.failure;
  }
}
