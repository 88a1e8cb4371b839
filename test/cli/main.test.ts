import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandsFor, runCli, VERSION } from '../../src/cli/program.js';
import { COMMANDS as ENTRIES, loadCommands } from '../../src/cli/commands/index.js';
import type { CliIO } from '../../src/cli/io.js';

const COMMANDS = await loadCommands();

function capture(cwd = process.cwd()): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), isTTY: false, cwd, env: {} };
}

async function run(...argv: string[]) {
  const io = capture();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr };
}

/** A usage error is exactly one line on stderr, nothing on stdout, exit 2. */
async function usageError(...argv: string[]): Promise<string> {
  const r = await run(...argv);
  expect(r.code, argv.join(' ')).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toHaveLength(1);
  expect(r.stderr[0]).not.toContain('\n');
  return r.stderr[0]!;
}

describe('rollouts start-up', () => {
  it('loads the module of the command it runs only; none for --version; all to describe the program', () => {
    expect(commandsFor(['--version'])).toEqual([]);
    expect(commandsFor(['-V'])).toEqual([]);
    expect(commandsFor(['validate', 'rollouts/a.yaml'])).toEqual(['validate']);
    expect(commandsFor(['--debug', 'apply', '--json'])).toEqual(['apply']);
    expect(commandsFor(['help', 'plan'])).toEqual(['plan']);
    for (const argv of [[], ['help'], ['--help'], ['valdate'], ['completion', 'bash']])
      expect(commandsFor(argv), argv.join(' ')).toBeUndefined();
  });

  it('lists each command under the name its module gives it', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(ENTRIES.map((e) => e.name));
  });
});

describe('rollouts help', () => {
  it('lists every command with its summary, and the exit codes, for --help, -h and help (exit 0, stdout)', async () => {
    const outputs = new Set<string>();
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await run(...argv);
      expect(r.code).toBe(0);
      expect(r.stderr).toEqual([]);
      outputs.add(r.stdout);
    }
    expect(outputs.size).toBe(1);
    const [help] = [...outputs];
    for (const c of COMMANDS) expect(help).toMatch(new RegExp(`^  ${c.name}\\b.*${c.summary.slice(0, 20)}`, 'm'));
    expect(help).toContain('help [command]');
    expect(help).toContain('Exit codes: 0 done, 1 a failure (validation, step, gate), 2 usage');
  });

  it('prints the help on stderr and exits 2 when no command is given', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.join('\n')).toMatch(/^Usage: rollouts \[options\] \[command\]/);
  });

  it("shows a command's arguments, options and examples for `help CMD`, `CMD --help` and `CMD -h`", async () => {
    const outputs = new Set<string>();
    for (const argv of [
      ['help', 'plan'],
      ['plan', '--help'],
      ['plan', '-h'],
      ['plan', '--base', 'x', '--help'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(0);
      outputs.add(r.stdout);
    }
    expect(outputs.size).toBe(1);
    const [help] = [...outputs];
    expect(help).toMatch(/^Usage: rollouts plan \[options\]/);
    for (const flag of [
      '--base <ref>',
      '--json',
      '--dir <dir>',
      '--state-branch <branch>',
      '--remote <remote>',
      '--debug',
    ])
      expect(help).toContain(flag);
    expect(help).toContain('Examples:\n  $ rollouts plan');
  });

  it('gives every command a summary and at least one example of itself', async () => {
    for (const c of COMMANDS) {
      const r = await run(c.name, '--help');
      expect(r.code, c.name).toBe(0);
      expect(r.stdout).toContain(c.summary);
      expect(r.stdout).toMatch(new RegExp(`^Examples:\\n  \\$ .*rollouts ${c.name}\\b`, 'm'));
    }
  });

  it('prints the version of package.json for --version and -V', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    for (const flag of ['--version', '-V'])
      expect(await run(flag)).toEqual({ code: 0, stdout: pkg.version, stderr: [] });
  });
});

describe('rollouts usage errors exit 2 with one line', () => {
  it('names an unknown command and suggests the nearest one', async () => {
    expect(await usageError('valdate')).toBe(
      "rollouts: unknown command 'valdate'; did you mean validate? — see `rollouts --help`",
    );
    expect(await usageError('rolback', 'x')).toContain('did you mean rollback?');
  });

  it('names an unknown command without a near one, also when help is asked for it', async () => {
    const line = "rollouts: unknown command 'frobnicate' — see `rollouts --help`";
    expect(await usageError('frobnicate')).toBe(line);
    expect(await usageError('frobnicate', '--help')).toBe(line);
    expect(await usageError('help', 'frobnicate')).toBe(line);
    expect(await usageError('help', 'valdate')).toContain('did you mean validate?');
  });

  it('names an unknown option and suggests the nearest one of that command', async () => {
    expect(await usageError('validate', '--jsn')).toBe(
      "rollouts validate: unknown option '--jsn'; did you mean --json? — see `rollouts validate --help`",
    );
    expect(await usageError('validate', '--frobnicate')).toBe(
      "rollouts validate: unknown option '--frobnicate' — see `rollouts validate --help`",
    );
    expect(await usageError('--frobnicate')).toBe("rollouts: unknown option '--frobnicate' — see `rollouts --help`");
  });

  it('rejects a missing option value, a missing or extra argument and a value not among the choices', async () => {
    expect(await usageError('plan', '--base')).toBe(
      "rollouts plan: option '--base <ref>' argument missing — see `rollouts plan --help`",
    );
    expect(await usageError('plan', 'byok')).toBe(
      "rollouts plan: too many arguments for 'plan'. Expected 0 arguments but got 1 — see `rollouts plan --help`",
    );
    expect(await usageError('drill')).toBe(
      "rollouts drill: missing required argument 'name' — see `rollouts drill --help`",
    );
    expect(await usageError('completion', 'tcsh')).toMatch(/^rollouts completion: .*'tcsh'.*bash, zsh, fish/);
  });
});

describe('rollouts internal errors', () => {
  const failingIO = (): CliIO & { stderr: string[] } => {
    const stderr: string[] = [];
    return {
      stderr,
      out: () => {
        throw new TypeError('cannot read the thing');
      },
      err: (l) => stderr.push(l),
      isTTY: false,
      cwd: process.cwd(),
      env: {},
    };
  };

  it('print one line and where to report it, exit 1, and no stack trace', async () => {
    const io = failingIO();
    expect(await runCli(['schema'], io)).toBe(1);
    expect(io.stderr).toEqual([
      'rollouts: internal error: cannot read the thing',
      `this is a bug in rollouts ${VERSION}: please report it at https://github.com/acme/gitops-rollouts/issues; run again with --debug for the stack trace`,
    ]);
  });

  it('print the stack trace with --debug, before or after the command', async () => {
    for (const argv of [
      ['--debug', 'schema'],
      ['schema', '--debug'],
    ]) {
      const io = failingIO();
      expect(await runCli(argv, io)).toBe(1);
      expect(io.stderr[0]).toMatch(/^rollouts: internal error: TypeError: cannot read the thing\n\s+at /);
    }
  });
});
