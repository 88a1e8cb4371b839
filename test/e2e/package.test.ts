// The package as a user gets it: `npm pack`, the tarball installed into an empty prefix with --omit=dev
// --ignore-scripts (and globally into another), and the INSTALLED bin run through its symlink in a fresh repository.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureActionBuilt } from '../helpers/action-run.js';

const ROOT = join(import.meta.dirname, '..', '..');
const execP = promisify(execFile);
const VERSION = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let tmp: string;

async function run(file: string, args: string[], cwd: string): Promise<Run> {
  // As on a fresh machine: an empty home (no git or npm config, an empty npm cache), no npm_config_* of the runner.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: join(tmp, 'home'), GIT_CONFIG_NOSYSTEM: '1' };
  try {
    const { stdout, stderr } = await execP(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Every file under dir, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

let tarball: string;
let packed: { path: string }[];
let prefix: string;
let install: Run;

beforeAll(async () => {
  await ensureActionBuilt();
  tmp = await mkdtemp(join(tmpdir(), 'rollouts-package-'));
  await mkdir(join(tmp, 'home'));
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
  expect(pack.code, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(tmp, info!.filename);
  packed = info!.files;
  prefix = join(tmp, 'prefix');
  await mkdir(prefix);
  // --offline with an empty cache: the tarball is all there is to install.
  install = await run(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball],
    tmp,
  );
}, 180_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('the packed package', () => {
  it('holds the bundles, schema, templates, workflow, action, README and LICENSE, and no sources or tests', () => {
    const paths = packed.map((f) => f.path).sort();
    for (const p of [
      'LICENSE',
      'README.md',
      'action.yml',
      'dist/cli.js',
      'dist/index.js',
      'examples/workflows/rollouts.yml',
      'package.json',
      'schema/rollouts-v1.json',
      'templates/backfill.yaml',
    ])
      expect(paths).toContain(p);
    expect(paths.filter((p) => /^(src|test|bench|scripts|node_modules|examples\/(target|demo))\//.test(p))).toEqual([]);
  });

  it('installs offline from the tarball alone: no dependency fetched, nothing compiled', async () => {
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/added 1 package/);
    expect(install.stderr).not.toMatch(/EBADENGINE|gyp|install-scripts/);
    expect((await readdir(join(prefix, 'node_modules'))).filter((n) => !n.startsWith('.'))).toEqual([
      'gitops-rollouts',
    ]);
    const files = await filesUnder(join(prefix, 'node_modules'));
    expect(files.filter((f) => f.endsWith('.node') || f.includes('/build/'))).toEqual([]);
  });
});

describe('the installed rollouts bin, through its node_modules/.bin symlink', () => {
  const bin = () => join(prefix, 'node_modules', '.bin', 'rollouts');

  it('prints its version and its help', async () => {
    expect(await run(bin(), ['--version'], tmp)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    const help = await run(bin(), ['--help'], tmp);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: rollouts \[options\] \[command\]/);
    for (const c of ['validate', 'plan', 'apply', 'status', 'rollback', 'drill', 'schema', 'init', 'completion'])
      expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('scaffolds a rollout with init in a fresh git repository, and validate accepts it', async () => {
    const repo = join(tmp, 'repo');
    await mkdir(repo);
    expect((await run('git', ['init', '-q'], repo)).code).toBe(0);
    const init = await run(bin(), ['init', 'first-rollout', '--template', 'provider-switch'], repo);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('wrote rollouts/first-rollout.yaml (from the provider-switch template)');
    expect((await filesUnder(repo)).filter((f) => !f.startsWith('.git/')).sort()).toEqual([
      '.github/workflows/rollouts.yml',
      '.rollouts/rollouts-v1.json',
      'rollouts/first-rollout.yaml',
    ]);
    expect(await run(bin(), ['validate'], repo)).toEqual({ code: 0, stdout: '', stderr: '1 manifest valid\n' });
    const again = await run(bin(), ['init', 'first-rollout'], repo);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('rollouts/first-rollout.yaml exists');
  });

  it('exits 2 on an unknown command with a did-you-mean', async () => {
    expect(await run(bin(), ['valdate'], tmp)).toEqual({
      code: 2,
      stdout: '',
      stderr: "rollouts: unknown command 'valdate'; did you mean validate? — see `rollouts --help`\n",
    });
  });

  it('runs by npx in the prefix, and exports its schema to require.resolve', async () => {
    const npx = await run('npx', ['--no-install', 'rollouts', '--version'], prefix);
    expect(npx).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const resolved = await run(
      process.execPath,
      ['-p', "require.resolve('gitops-rollouts/schema/rollouts-v1.json')"],
      prefix,
    );
    expect(resolved.stdout.trim()).toBe(join(prefix, 'node_modules', 'gitops-rollouts', 'schema', 'rollouts-v1.json'));
  });
});

describe('a global install into a prefix', () => {
  it('puts a working rollouts on the prefix bin', async () => {
    const global = join(tmp, 'global');
    const r = await run(
      'npm',
      ['install', '-g', '--prefix', global, '--ignore-scripts', '--offline', '--no-audit', '--no-fund', tarball],
      tmp,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(await run(join(global, 'bin', 'rollouts'), ['--version'], tmp)).toEqual({
      code: 0,
      stdout: `${VERSION}\n`,
      stderr: '',
    });
    expect((await run(join(global, 'bin', 'rollouts'), ['frobnicate'], tmp)).code).toBe(2);
  }, 120_000);
});
