// The `rollouts` bin (bundled to dist/cli.js). Only an entry point, so that it runs however it is started (a bin
// symlink, npx, a global install, `node dist/cli.js`) and importing the CLI (program.ts) never runs it.
import { processIO } from './io.js';
import { runCli } from './program.js';

// `rollouts schema | head -1`: a closed pipe ends the output, not the process with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv.slice(2), processIO());
