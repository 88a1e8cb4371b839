// Shell completion as a shell runs it: the bash script sourced in a real bash and asked for completions through
// COMP_WORDS/COMP_CWORD, the fish script asked through `complete -C`, the zsh script loaded by compinit in an
// interactive zsh on a pty (zsh-complete.zsh) and sent a TAB.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';

const exec = promisify(execFile);
const has = (shell: string) => ['/usr/bin', '/bin'].some((d) => existsSync(join(d, shell)));
// zsh and fish: skipped on a laptop without them; .ci/run installs both, and there a missing shell is a failure.
for (const shell of ['zsh', 'fish'])
  if (!has(shell) && process.env.CI)
    throw new Error(`CI needs ${shell} for the completion tests (.ci/run installs it)`);

async function script(shell: string): Promise<string> {
  const out: string[] = [];
  const code = await runCli(['completion', shell], {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
    isTTY: false,
    cwd: process.cwd(),
    env: {},
  });
  expect(code).toBe(0);
  return `${out.join('\n')}\n`;
}

let dir: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollouts-completion-'));
  await exec('git', ['init', '-q', '-b', 'main', dir]);
  const git = (...args: string[]) =>
    exec('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args]);
  await git('commit', '-q', '--allow-empty', '-m', 'first');
  await git('tag', 'v1');
  await git('remote', 'add', 'origin', 'https://example.com/repo.git');
  for (const d of ['rollouts', 'staging', 'docs']) await mkdir(join(dir, d));
  await writeFile(join(dir, 'rollouts', 'backfill.yaml'), '');
  await writeFile(join(dir, 'rollouts', 'flag-ramp.yaml'), '');
  await writeFile(join(dir, 'staging', 'canary-only.yaml'), '');
  for (const shell of ['bash', 'zsh', 'fish']) {
    files[shell] = join(dir, `completion.${shell}`);
    await writeFile(files[shell]!, await script(shell));
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The completions bash offers for a command line whose last word is being completed, from a subdirectory. */
async function bashComplete(...words: string[]): Promise<string[]> {
  const probe = `source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}
_rollouts rollouts "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const { stdout } = await exec('bash', ['--norc', '--noprofile', '-c', probe, 'bash', files.bash!, ...words], {
    cwd: join(dir, 'docs'),
  });
  return stdout.split('\n').filter(Boolean).sort();
}

describe('bash completion', () => {
  it('registers a completion function for rollouts when sourced', async () => {
    const { stdout } = await exec('bash', ['--norc', '-c', 'source "$1" && complete -p rollouts', 'bash', files.bash!]);
    expect(stdout.trim()).toBe('complete -F _rollouts rollouts');
  });

  it('completes the commands and the global options', async () => {
    expect(await bashComplete('rollouts', '')).toEqual(
      [...COMMANDS.map((c) => c.name), 'help', '-V', '--version', '--debug', '-h', '--help'].sort(),
    );
    expect(await bashComplete('rollouts', 'dr')).toEqual(['drill']);
    expect(await bashComplete('rollouts', 'in')).toEqual(['init']);
    expect(await bashComplete('rollouts', '--debug', 'va')).toEqual(['validate']);
  });

  it("completes a command's own options", async () => {
    expect(await bashComplete('rollouts', 'validate', '--')).toEqual([
      '--debug',
      '--dir',
      '--help',
      '--json',
      '--version',
    ]);
    expect(await bashComplete('rollouts', 'rollback', '--t')).toEqual(['--to']);
    expect(await bashComplete('rollouts', 'plan', '--st')).toEqual(['--state-branch']);
  });

  it('completes rollout names from the manifests at the repository root, or in --dir', async () => {
    expect(await bashComplete('rollouts', 'drill', '')).toEqual(['backfill', 'flag-ramp']);
    expect(await bashComplete('rollouts', 'status', 'fl')).toEqual(['flag-ramp']);
    expect(await bashComplete('rollouts', 'apply', 'backfill', '')).toEqual(['backfill', 'flag-ramp']);
    expect(await bashComplete('rollouts', 'rollback', '--dir', '../staging', '')).toEqual([]);
    expect(await bashComplete('rollouts', 'rollback', '--dir', 'staging', '')).toEqual(['canary-only']);
    expect(await bashComplete('rollouts', 'drill', 'backfill', '')).toEqual([]);
  });

  it('completes choices, command names, directories and files where the argument takes them', async () => {
    expect(await bashComplete('rollouts', 'completion', '')).toEqual(['bash', 'fish', 'zsh']);
    expect(await bashComplete('rollouts', 'help', 'st')).toEqual(['status']);
    expect(await bashComplete('rollouts', 'validate', '--dir', '../st')).toEqual(['../staging']);
    expect(await bashComplete('rollouts', 'validate', '../roll')).toEqual(['../rollouts']);
    expect(await bashComplete('rollouts', 'rollback', 'backfill', '--to', '')).toEqual([]);
  });

  it('completes git refs for --base and --state-branch, remotes for --remote', async () => {
    expect(await bashComplete('rollouts', 'plan', '--base', '')).toEqual(['main', 'v1']);
    expect(await bashComplete('rollouts', 'apply', '--state-branch', 'm')).toEqual(['main']);
    expect(await bashComplete('rollouts', 'status', '--remote', '')).toEqual(['origin']);
  });
});

describe.skipIf(!has('fish'))('fish completion', () => {
  const fishComplete = async (line: string) => {
    const { stdout } = await exec(
      'fish',
      ['--no-config', '-c', `source $argv[1]; complete -C '${line}'`, files.fish!],
      {
        cwd: dir,
      },
    );
    return stdout.split('\n').filter(Boolean);
  };

  it('parses', async () => {
    await exec('fish', ['--no-execute', files.fish!]);
  });

  it('completes commands with their summaries, options, names and choices', async () => {
    expect(await fishComplete('rollouts va')).toEqual([
      'validate\tcheck manifests: file:line:col: message; exit 1 on any error',
    ]);
    expect((await fishComplete('rollouts validate --j')).map((l) => l.split('\t')[0])).toEqual(['--json']);
    expect((await fishComplete('rollouts drill ')).map((l) => l.split('\t')[0])).toEqual(['backfill', 'flag-ramp']);
    expect((await fishComplete('rollouts drill --dir staging ')).map((l) => l.split('\t')[0])).toEqual(['canary-only']);
    expect((await fishComplete('rollouts completion ')).map((l) => l.split('\t')[0]).sort()).toEqual([
      'bash',
      'fish',
      'zsh',
    ]);
    expect((await fishComplete('rollouts plan --base ')).map((l) => l.split('\t')[0])).toEqual(['main', 'v1']);
    expect((await fishComplete('rollouts status --remote ')).map((l) => l.split('\t')[0])).toEqual(['origin']);
  });
});

describe.skipIf(!has('zsh'))('zsh completion', () => {
  it('parses', async () => {
    await exec('zsh', ['-n', files.zsh!]);
  });

  /** What zsh shows after `line` and TAB, in an interactive zsh on a pty, without the terminal's escape sequences. */
  const zshComplete = async (line: string) => {
    const harness = join(import.meta.dirname, 'zsh-complete.zsh');
    const { stdout } = await exec('zsh', ['-f', harness, files.zsh!, line], { cwd: dir, timeout: 30_000 });
    // eslint-disable-next-line no-control-regex
    return stdout.replace(/\x1b\[[0-9;?]*[a-zA-Z]|[\x07\x08\r]/g, '');
  };

  it('completes a command, rollout names, choices and git refs in an interactive zsh', async () => {
    const lines = [
      'rollouts dr',
      'rollouts drill ',
      'rollouts completion ',
      'rollouts plan --base ',
      'rollouts status --remote ',
    ];
    const [command, names, choices, refs, remote] = await Promise.all(lines.map(zshComplete));
    expect(command).toContain('rollouts drill');
    expect(names).toMatch(/backfill\s+flag-ramp/);
    expect(choices).toMatch(/bash\s+fish\s+zsh/);
    expect(refs).toMatch(/main\s+v1/);
    expect(remote).toContain('rollouts status --remote origin');
  }, 60_000);

  it('registers _rollouts for rollouts when sourced after compinit', async () => {
    const { stdout } = await exec('zsh', [
      '-f',
      '-c',
      'autoload -Uz compinit && compinit -u -D && source $1 && print -r -- $_comps[rollouts]',
      'zsh',
      files.zsh!,
    ]);
    expect(stdout.trim()).toBe('_rollouts');
  });
});
