// The action's logs leave the process through stdout and stderr: both are masked once, here, for every line any
// part of the run writes (core.info, step output, stack traces). The runner's own `::add-mask::` commands pass as
// they are: they are how the runner learns the same secrets for what it prints itself.
import * as core from '@actions/core';
import { secrets } from '../sys/mask.js';

type Write = typeof process.stdout.write;

function maskText(text: string): string {
  if (!text.includes('::add-mask::')) return secrets.mask(text);
  return text
    .split('\n')
    .map((line) => (line.startsWith('::add-mask::') ? line : secrets.mask(line)))
    .join('\n');
}

function wrap(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (secrets.empty) return write(chunk, ...rest);
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : null;
    return write(text === null ? chunk : maskText(text), ...rest);
  }) as Write;
}

let installed = false;

/** Masks the process's stdout and stderr, and registers every secret with the runner (core.setSecret). */
export function maskProcessOutput(): void {
  if (installed) return;
  installed = true;
  secrets.onAdd((v) => core.setSecret(v));
  wrap(process.stdout);
  wrap(process.stderr);
}
