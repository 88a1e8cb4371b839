// Every command of `rollouts`, in the order `rollouts help` lists them.
//
// Adding a command is one file and one line:
//   1. src/cli/commands/NAME.ts: `export const nameCommand = defineCommand<Options>({ name, summary, examples,
//      configure: (cmd) => cmd.argument(...).addOption(...), run: async ({ io, args, opts }) => EXIT.ok })`
//      (see status.ts for a small one; `engineOptions` adds --json, --dir, --state-branch, --remote).
//   2. its import and its place in COMMANDS below.
// Help, `CMD --help` with its examples, did-you-mean, exit codes and shell completion then know it. An argument named
// `name`/`names` completes to the rollouts' names; one with `.choices()` to its choices; others to file names.
// Test it in-process with runCli (test/cli/), as a user would through the installed bin in test/e2e/package.test.ts.
import type { CliCommand } from '../command.js';
import { alertRelayCommand } from './alert-relay.js';
import { applyCommand } from './apply.js';
import { completionCommand } from './completion.js';
import { drillCommand } from './drill.js';
import { initCommand } from './init.js';
import { logCommand } from './log.js';
import { planCommand } from './plan.js';
import { promoteCommand } from './promote.js';
import { reportCommand } from './report.js';
import { resumeCommand } from './resume.js';
import { retryCommand } from './retry.js';
import { rollbackCommand } from './rollback.js';
import { schemaCommand } from './schema.js';
import { statusCommand } from './status.js';
import { validateCommand } from './validate.js';

export const COMMANDS: CliCommand<any>[] = [
  validateCommand,
  planCommand,
  applyCommand,
  statusCommand,
  rollbackCommand,
  resumeCommand,
  retryCommand,
  promoteCommand,
  logCommand,
  drillCommand,
  reportCommand,
  alertRelayCommand,
  schemaCommand,
  initCommand,
  completionCommand,
];
