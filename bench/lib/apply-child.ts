// The engine as a bench child: the built CLI (dist/cli.js, what users run) doing `rollouts apply --json` in this
// process, so that its CPU and peak RSS are the engine's, timed around the command. The bench's own TypeScript loader
// leaves dist's JavaScript as it is. Run: node --import tsx bench/lib/apply-child.ts [CLI]   (cwd: the rollouts
// repository; CLI: another build's cli.js, default this tree's; TARGET_URL and the ROLLOUTS_CHECKPOINT_* knobs from
// the environment)
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childrenCpuMs, cpuMs, peakRssKb, report } from './child.js';

export interface ApplyFigures {
  exitCode: number;
  commandMs: number;
  maxRssKb: number;
  cpuMs: number;
  gitCpuMs: number | null;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUILT_CLI = join(ROOT, 'dist', 'cli.js');

function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Throws unless dist/cli.js is built from the sources as they are now: a bench of a stale build measures old code. */
export function assertBuilt(): void {
  if (!existsSync(BUILT_CLI) || statSync(BUILT_CLI).mtimeMs < newestUnder(join(ROOT, 'src')))
    throw new Error('dist/cli.js is older than src/: run `npm run build` first');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cli = process.argv[2] ? resolve(process.argv[2]) : BUILT_CLI;
  process.argv = [process.argv[0]!, cli, 'apply', '--json'];
  const t0 = performance.now();
  await import(pathToFileURL(cli).href);
  const commandMs = performance.now() - t0;
  report({
    exitCode: Number(process.exitCode ?? 0),
    commandMs,
    maxRssKb: peakRssKb(),
    cpuMs: cpuMs(),
    gitCpuMs: childrenCpuMs(),
  } satisfies ApplyFigures);
}
