// Output of the CLI, injectable so commands are testable in-process.
import { secrets } from '../sys/mask.js';
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Raw writes to the error stream, for progress that redraws a line in place; defaults to `err` per line. */
  errRaw?(text: string): void;
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The process's streams, masked: every secret the run learnt is `***` in what it prints. */
export function processIO(): CliIO {
  return {
    out: (line) => process.stdout.write(`${secrets.mask(line)}\n`),
    err: (line) => process.stderr.write(`${secrets.mask(line)}\n`),
    errRaw: (text) => process.stderr.write(secrets.mask(text)),
    isTTY: !!process.stderr.isTTY,
    cwd: process.cwd(),
    env: process.env,
  };
}
