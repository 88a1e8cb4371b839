// `rollouts`: the command line (DESIGN §7). Same engine as the action, on a local git repository.
import { parseArgs } from 'node:util';
import { CliFailure, EXIT, UsageError } from './errors.js';
import { processIO, type CliIO } from './io.js';
import { validateCommand } from './commands/validate.js';
import { schemaCommand } from './commands/schema.js';
import { planCommand } from './commands/plan.js';
import { engineCommands } from './commands/engine.js';
import { GitError } from '../engine/index.js';

export const USAGE = `usage:
  rollouts validate [PATH...]            file:line:col: message; exit 1 on any error
  rollouts plan [--base REF] [--json]    what a change of the manifests would do
  rollouts apply [NAME...] [--json]      one reconcile pass (apply, sample gates, roll back)
  rollouts status [NAME] [--json]        applied phase, status, progress, last samples
  rollouts rollback NAME [--to PHASE]    emergency rollback now; recorded in the ledger
  rollouts drill NAME                    rollback with writes disabled; records the RTO
  rollouts schema                        JSON Schema of the manifest
options: --dir DIR (rollouts), --state-branch NAME (rollouts-state), --remote NAME
exit codes: 0 done, 1 failure, 2 usage, 3 lost a race for the state (retry)`;

const OPTIONS = {
  base: { type: 'string' },
  json: { type: 'boolean', default: false },
  dir: { type: 'string', default: 'rollouts' },
  to: { type: 'string' },
  'state-branch': { type: 'string', default: 'rollouts-state' },
  remote: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export type ParsedOptions = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export type CommandRunner = (io: CliIO, args: string[], opts: ParsedOptions) => Promise<number>;

export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    const [command, ...args] = positionals;
    if (values.help || !command) {
      (values.help ? io.out : io.err)(USAGE);
      return values.help ? EXIT.ok : EXIT.usage;
    }
    switch (command) {
      case 'validate':
        return await validateCommand(io, args, { dir: values.dir, json: values.json });
      case 'schema':
        return schemaCommand(io);
      case 'plan':
        if (args.length) throw new UsageError('plan takes no positional arguments');
        return await planCommand(io, {
          base: values.base ?? 'HEAD',
          json: values.json,
          dir: values.dir,
          stateBranch: values['state-branch'],
          remote: values.remote,
        });
      default: {
        const runner = Object.hasOwn(engineCommands, command) ? engineCommands[command] : undefined;
        if (!runner) throw new UsageError(`unknown command \`${command}\``);
        return await runner(io, args, values);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`rollouts: ${err.message}\n${USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof GitError) {
      io.err(`rollouts: ${err.message}`);
      return EXIT.failure;
    }
    if (err instanceof CliFailure) {
      io.err(`rollouts: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/dist/cli.js');
if (isMain) {
  runCli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(
        `rollouts: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = EXIT.failure;
    },
  );
}
