// The built bin started every way people start it: through the symlink npm puts in node_modules/.bin, by npx, by
// `node dist/cli.js` from anywhere, and as `./dist/cli.js` (its shebang and mode). The installed tarball is
// test/e2e/package.test.ts.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureActionBuilt } from '../helpers/action-run.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const exec = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(file: string, args: string[], cwd: string): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let project: string;

beforeAll(async () => {
  await ensureActionBuilt();
  // A project that depends on gitops-rollouts, laid out as npm lays it out: the package in node_modules, its bin a
  // relative symlink in node_modules/.bin.
  project = await mkdtemp(join(tmpdir(), 'rollouts-bin-'));
  await mkdir(join(project, 'node_modules', '.bin'), { recursive: true });
  await symlink(ROOT, join(project, 'node_modules', 'gitops-rollouts'), 'dir');
  await symlink('../gitops-rollouts/dist/cli.js', join(project, 'node_modules', '.bin', 'rollouts'));
}, 180_000);
afterAll(() => rm(project, { recursive: true, force: true }));

function expectHelp(r: Run): void {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^Usage: rollouts \[options\] \[command\]/);
  expect(r.stdout).toContain('validate [options] [paths...]');
}

function expectUnknown(r: Run): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe("rollouts: unknown command 'frobnicate' — see `rollouts --help`\n");
}

describe('the rollouts bin', () => {
  it('runs through the node_modules/.bin symlink', async () => {
    const bin = join(project, 'node_modules', '.bin', 'rollouts');
    expectHelp(await run(bin, ['--help'], project));
    expectUnknown(await run(bin, ['frobnicate'], project));
  });

  it('runs by npx in a project that depends on it', async () => {
    const npx = (args: string[]) => run('npx', ['--no-install', 'rollouts', ...args], project);
    expectHelp(await npx(['--help']));
    expectUnknown(await npx(['frobnicate']));
  });

  it('runs as node dist/cli.js from the repository and by its absolute path from elsewhere', async () => {
    expectHelp(await run(process.execPath, ['dist/cli.js', '--help'], ROOT));
    expectHelp(await run(process.execPath, [CLI, '--help'], project));
    expectUnknown(await run(process.execPath, [CLI, 'frobnicate'], project));
  });

  it('runs as an executable file: the build sets the mode, the shebang finds node', async () => {
    expectHelp(await run(CLI, ['--help'], project));
  });

  it('ends quietly, without a stack trace, when its reader has closed the pipe', async () => {
    // `true` exits before node has started, so every write of the schema meets a closed pipe (EPIPE).
    const r = await run(
      'bash',
      ['-c', `"${process.execPath}" "${CLI}" schema | true; exit \${PIPESTATUS[0]}`],
      project,
    );
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
