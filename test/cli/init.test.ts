import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../src/cli/commands/init.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';

const ROOT = join(import.meta.dirname, '..', '..');
const exec = promisify(execFile);

async function cli(cwd: string, ...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIO = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), isTTY: false, cwd, env: {} };
  const code = await runCli(argv, io);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

const read = (file: string) => readFile(file, 'utf8');
const missing = (file: string) =>
  stat(file).then(
    () => false,
    () => true,
  );
const schemaLine = (text: string) => /^# yaml-language-server: \$schema=(.*)$/m.exec(text)?.[1];

let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'rollouts-init-'));
  await exec('git', ['init', '-q', repo]);
});
afterEach(() => rm(repo, { recursive: true, force: true }));

describe('rollouts init', () => {
  it.each(Object.keys(TEMPLATES))(
    'writes a manifest from the %s template that validates, with its name, the workflow and a schema line that resolves',
    async (template) => {
      const r = await cli(repo, 'init', 'my-rollout', '--template', template);
      expect(r.code, r.stderr).toBe(0);
      const file = join(repo, 'rollouts', 'my-rollout.yaml');
      const text = await read(file);
      expect((parseYaml(text) as { name: string }).name).toBe('my-rollout');

      const validate = await cli(repo, 'validate');
      expect(validate, validate.stderr).toEqual({ code: 0, stdout: '', stderr: '1 manifest valid' });

      const schemaPath = resolve(dirname(file), schemaLine(text)!);
      expect(schemaPath).toBe(join(repo, '.rollouts', 'rollouts-v1.json'));
      expect(await read(schemaPath)).toBe(`${(await cli(repo, 'schema')).stdout}\n`);
      expect(await read(join(repo, '.github', 'workflows', 'rollouts.yml'))).toBe(
        await read(join(ROOT, 'examples', 'workflows', 'rollouts.yml')),
      );
      expect(r.stdout).toContain(`wrote rollouts/my-rollout.yaml (from the ${template} template)`);
      expect(r.stdout).toMatch(/^ {2}4\. commit, and open a pull request that sets `phase: [a-z0-9-]+`$/m);
    },
  );

  it('names the manifest after the template by default, from the backfill template', async () => {
    expect((await cli(repo, 'init')).code).toBe(0);
    expect(await readdir(join(repo, 'rollouts'))).toEqual(['backfill.yaml']);
    expect(await read(join(repo, 'rollouts', 'backfill.yaml'))).toContain('\nname: backfill\n');
  });

  it('refuses to overwrite a manifest: exit 1 naming the file, and nothing written', async () => {
    await mkdir(join(repo, 'rollouts'));
    await writeFile(join(repo, 'rollouts', 'flag-ramp.yaml'), 'mine\n');
    const r = await cli(repo, 'init', '--template', 'flag-ramp');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'rollouts: rollouts/flag-ramp.yaml exists: init never overwrites a manifest; choose another NAME',
    });
    expect(await read(join(repo, 'rollouts', 'flag-ramp.yaml'))).toBe('mine\n');
    expect(await missing(join(repo, '.github'))).toBe(true);
    expect(await missing(join(repo, '.rollouts'))).toBe(true);
    await writeFile(join(repo, 'rollouts', 'other.yml'), 'mine\n');
    expect((await cli(repo, 'init', 'other')).stderr).toContain('rollouts/other.yml exists');
  });

  it('keeps an existing workflow, and refreshes a stale copy of the schema', async () => {
    const workflow = join(repo, '.github', 'workflows', 'rollouts.yml');
    await mkdir(dirname(workflow), { recursive: true });
    await writeFile(workflow, 'mine\n');
    await mkdir(join(repo, '.rollouts'));
    await writeFile(join(repo, '.rollouts', 'rollouts-v1.json'), '{}\n');
    const r = await cli(repo, 'init');
    expect(r.code).toBe(0);
    expect(await read(workflow)).toBe('mine\n');
    expect(r.stdout).toContain('kept .github/workflows/rollouts.yml (exists)');
    expect(r.stdout).toContain('updated .rollouts/rollouts-v1.json');
    expect(JSON.parse(await read(join(repo, '.rollouts', 'rollouts-v1.json')))).toHaveProperty('properties.phases');
    expect((await cli(repo, 'init', 'second')).stdout).toContain('kept .rollouts/rollouts-v1.json');
  });

  it('writes at the repository root from a subdirectory, into --dir, with the schema line relative to it', async () => {
    const sub = join(repo, 'services', 'api');
    await mkdir(sub, { recursive: true });
    const r = await cli(sub, 'init', 'api-shift', '--template', 'revision-shift', '--dir', 'deploy/rollouts');
    expect(r.code, r.stderr).toBe(0);
    const file = join(repo, 'deploy', 'rollouts', 'api-shift.yaml');
    expect(schemaLine(await read(file))).toBe('../../.rollouts/rollouts-v1.json');
    expect(await stat(resolve(dirname(file), '../../.rollouts/rollouts-v1.json'))).toBeTruthy();
    expect(r.stdout).toContain('wrote ../../deploy/rollouts/api-shift.yaml');
    expect(r.stdout).toContain("set its paths and the action's `dir` input to deploy/rollouts");
    expect((await cli(repo, 'validate', '--dir', 'deploy/rollouts')).code).toBe(0);
  });

  it('writes into the working directory, with a note, outside a git repository', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'rollouts-init-plain-'));
    try {
      const r = await cli(plain, 'init');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^note: .* is not in a git repository/);
      expect(await missing(join(plain, 'rollouts', 'backfill.yaml'))).toBe(false);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });

  it('rejects a name that is not a rollout name, and an unknown template, as usage errors', async () => {
    expect((await cli(repo, 'init', 'Bad_Name')).code).toBe(2);
    const r = await cli(repo, 'init', '--template', 'backfil');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('backfill, flag-ramp, provider-switch, revision-shift');
    expect(await missing(join(repo, 'rollouts'))).toBe(true);
  });
});

describe('the templates', () => {
  const dir = join(ROOT, 'templates');

  it('are the files of templates/, each a valid manifest named after its file', async () => {
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(
      Object.keys(TEMPLATES)
        .map((t) => `${t}.yaml`)
        .sort(),
    );
    const r = await cli(ROOT, 'validate', 'templates');
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: `${files.length} manifests valid` });
  });

  it('count an error counter that has no series yet as 0 (`or vector(0)`), in every Prometheus query of errors', async () => {
    const queries: string[] = [];
    for (const f of await readdir(dir)) {
      const m = parseYaml(await read(join(dir, f))) as {
        checks?: Record<string, { prometheus?: { query: string } }>;
        verify?: { prometheus?: { query: string } }[];
      };
      for (const c of [...Object.values(m.checks ?? {}), ...(m.verify ?? [])])
        if (c.prometheus && /error|5\.\./.test(c.prometheus.query)) queries.push(c.prometheus.query);
    }
    expect(queries.length).toBeGreaterThanOrEqual(4);
    for (const q of queries) expect(q).toMatch(/\(sum\(rate\([^)]*(error|5\.\.)[^)]*\)\) or vector\(0\)\)/);
  });
});
