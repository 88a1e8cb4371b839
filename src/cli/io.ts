// Output of the CLI, injectable so commands are testable in-process.
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Raw writes to the error stream, for progress that redraws a line in place; defaults to `err` per line. */
  errRaw?(text: string): void;
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIO(): CliIO {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    errRaw: (text) => process.stderr.write(text),
    isTTY: !!process.stderr.isTTY,
    cwd: process.cwd(),
    env: process.env,
  };
}
