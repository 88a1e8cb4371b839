// The engine as a bench child: `rollouts apply --json` run in this process (so that its peak RSS is the engine's),
// timed around the command. Run: node --import tsx bench/lib/apply-child.ts   (cwd: the rollouts repository;
// TARGET_URL and the ROLLOUTS_CHECKPOINT_* knobs from the environment)
import { performance } from 'node:perf_hooks';
import { runCli } from '../../src/cli/program.js';
import { childrenCpuMs, cpuMs, peakRssKb, report } from './child.js';

export interface ApplyFigures {
  exitCode: number;
  commandMs: number;
  maxRssKb: number;
  cpuMs: number;
  gitCpuMs: number | null;
  output: string;
}

const out: string[] = [];
const t0 = performance.now();
const exitCode = await runCli(['apply', '--json'], {
  out: (line) => out.push(line),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: false,
  cwd: process.cwd(),
  env: process.env,
});
const commandMs = performance.now() - t0;
report({
  exitCode,
  commandMs,
  maxRssKb: peakRssKb(),
  cpuMs: cpuMs(),
  gitCpuMs: childrenCpuMs(),
  output: out.join('\n'),
} satisfies ApplyFigures);
