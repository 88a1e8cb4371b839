// Output of the CLI, injectable so commands are testable in-process.
import { secrets } from '../sys/mask.js';
import { colourEnabled, paint } from './colour.js';

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Raw writes to the error stream, for progress that redraws a line in place; defaults to `err` per line. */
  errRaw?(text: string): void;
  isTTY: boolean;
  /** Colour the error stream's progress lines (errRaw is written as given; out and err colour their own). */
  colour?: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The process's streams, masked: every secret the run learnt is `***` in what it prints. On a terminal, status words
 * are coloured (colour.ts: NO_COLOR, FORCE_COLOR, none in CI).
 */
export function processIO(): CliIO {
  const outColour = colourEnabled(process.env, !!process.stdout.isTTY);
  const errColour = colourEnabled(process.env, !!process.stderr.isTTY);
  const out = (text: string) => (outColour ? paint(secrets.mask(text)) : secrets.mask(text));
  const err = (text: string) => (errColour ? paint(secrets.mask(text)) : secrets.mask(text));
  return {
    out: (line) => process.stdout.write(`${out(line)}\n`),
    err: (line) => process.stderr.write(`${err(line)}\n`),
    errRaw: (text) => process.stderr.write(secrets.mask(text)),
    colour: errColour,
    isTTY: !!process.stderr.isTTY,
    cwd: process.cwd(),
    env: process.env,
  };
}
