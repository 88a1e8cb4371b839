// The `rollouts` bin (bundled to dist/cli.js). Only an entry point, so that it runs however it is started (a bin
// symlink, npx, a global install, `node dist/cli.js`) and importing the CLI (program.ts) never runs it. The program is
// imported only when there is more to do than print the version, so a cold `rollouts --version` stays near `node`'s.
import module from 'node:module';
import { VERSION } from './version.js';

// `rollouts schema | head -1`: a closed pipe ends the output, not the process with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // As commander prints it, without loading commander or any command (the bundle's other chunks).
  process.stdout.write(`${VERSION}\n`);
} else {
  // Node >= 22.1 keeps the chunks' compiled code on disk (the OS temp dir, or NODE_COMPILE_CACHE), so the next start
  // skips compiling the ~1 MB the manifest commands load; older Nodes have no such call.
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  const [{ runCli }, { processIO }] = await Promise.all([import('./program.js'), import('./io.js')]);
  process.exitCode = await runCli(argv, processIO());
}
