import { describe, expect, it } from 'vitest';
import { runCli, USAGE } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

function capture(cwd = process.cwd()): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), isTTY: false, cwd, env: {} };
}

describe('runCli exit codes', () => {
  it('exits 2 with the usage on stderr when no command is given', async () => {
    const io = capture();
    expect(await runCli([], io)).toBe(2);
    expect(io.stderr).toEqual([USAGE]);
    expect(io.stdout).toEqual([]);
  });

  it('exits 0 with the usage on stdout for --help', async () => {
    for (const argv of [['--help'], ['-h'], ['plan', '--help']]) {
      const io = capture();
      expect(await runCli(argv, io)).toBe(0);
      expect(io.stdout).toEqual([USAGE]);
    }
  });

  it('exits 2 on an unknown command, naming it', async () => {
    const io = capture();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.stderr).toEqual([`rollouts: unknown command \`frobnicate\`\n${USAGE}`]);
  });

  it('exits 2 on an unknown flag and on a flag missing its value', async () => {
    const unknown = capture();
    expect(await runCli(['validate', '--frobnicate'], unknown)).toBe(2);
    expect(unknown.stderr[0]).toMatch(/^rollouts: Unknown option '--frobnicate'/);
    const missing = capture();
    expect(await runCli(['plan', '--base'], missing)).toBe(2);
    expect(missing.stderr[0]).toMatch(/^rollouts: Option '--base <value>' argument missing/);
  });

  it('exits 2 when plan is given positional arguments', async () => {
    const io = capture();
    expect(await runCli(['plan', 'byok'], io)).toBe(2);
    expect(io.stderr[0]).toBe(`rollouts: plan takes no positional arguments\n${USAGE}`);
  });
});
