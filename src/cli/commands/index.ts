// Every command of `rollouts`, in the order `rollouts help` lists them.
//
// Adding a command is one file and one line:
//   1. src/cli/commands/NAME.ts: `export const nameCommand = defineCommand<Options>({ name, summary, examples,
//      configure: (cmd) => cmd.argument(...).addOption(...), run: async ({ io, args, opts }) => EXIT.ok })`
//      (see status.ts for a small one; `engineOptions` adds --json, --dir, --state-branch, --remote).
//   2. its place in COMMANDS below, with its loader (a dynamic import: a command's module, and what it pulls in, is
//      loaded only when that command runs or the whole program is described, so `rollouts --version` loads none).
// Help, `CMD --help` with its examples, did-you-mean, exit codes and shell completion then know it. An argument named
// `name`/`names` completes to the rollouts' names; one with `.choices()` to its choices; others to file names.
// Test it in-process with runCli (test/cli/), as a user would through the installed bin in test/e2e/package.test.ts.
import type { CliCommand } from '../command.js';

export interface CommandEntry {
  name: string;
  load(): Promise<CliCommand<any>>;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'validate', load: async () => (await import('./validate.js')).validateCommand },
  { name: 'plan', load: async () => (await import('./plan.js')).planCommand },
  { name: 'apply', load: async () => (await import('./apply.js')).applyCommand },
  { name: 'status', load: async () => (await import('./status.js')).statusCommand },
  { name: 'rollback', load: async () => (await import('./rollback.js')).rollbackCommand },
  { name: 'pause', load: async () => (await import('./pause.js')).pauseCommand },
  { name: 'resume', load: async () => (await import('./resume.js')).resumeCommand },
  { name: 'retry', load: async () => (await import('./retry.js')).retryCommand },
  { name: 'promote', load: async () => (await import('./promote.js')).promoteCommand },
  { name: 'log', load: async () => (await import('./log.js')).logCommand },
  { name: 'drill', load: async () => (await import('./drill.js')).drillCommand },
  { name: 'report', load: async () => (await import('./report.js')).reportCommand },
  { name: 'alert-relay', load: async () => (await import('./alert-relay.js')).alertRelayCommand },
  { name: 'schema', load: async () => (await import('./schema.js')).schemaCommand },
  { name: 'init', load: async () => (await import('./init.js')).initCommand },
  { name: 'completion', load: async () => (await import('./completion.js')).completionCommand },
];

/** The commands named (all of them without names), in COMMANDS order; an unknown name is left out. */
export function loadCommands(names?: readonly string[]): Promise<CliCommand<any>[]> {
  return Promise.all(COMMANDS.filter((c) => !names || names.includes(c.name)).map((c) => c.load()));
}
