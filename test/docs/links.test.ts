// README.md and docs/: every link to a file of the repository resolves (and its #anchor to a heading), nothing points
// outside the repository, and the code blocks tagged `sh` run as they stand: README's in the repository, each doc's in
// a fresh directory with `rollouts` (the built dist/cli.js) on PATH. README's `npm` set-up lines are checked, not run
// (`npm test` would run this test): the scripts they name exist, and the lockfile `npm ci` needs is there.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureActionBuilt, ROOT } from '../helpers/action-run.js';

const run = promisify(execFile);
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The text outside fenced code blocks, and the blocks with their info string. */
function parseMarkdown(text: string): { prose: string; blocks: { lang: string; code: string }[] } {
  const blocks: { lang: string; code: string }[] = [];
  const prose = text.replace(/^```(.*)\n([\s\S]*?)^```$/gm, (_m, lang: string, code: string) => {
    blocks.push({ lang: lang.trim(), code });
    return '';
  });
  return { prose, blocks };
}

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to dashes. */
function anchors(text: string): Set<string> {
  const { prose } = parseMarkdown(text);
  const out = new Set<string>();
  for (const m of prose.matchAll(/^#{1,6} (.*)$/gm))
    out.add(
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    );
  return out;
}

function links(text: string): string[] {
  const { prose } = parseMarkdown(text);
  return [...prose.replace(/`[^`\n]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

describe('README and docs', () => {
  for (const file of DOCS)
    it(`${file}: every link to the repository resolves to a file, and its #anchor to a heading`, () => {
      for (const target of links(read(file))) {
        if (/^(https?|mailto):/.test(target)) continue;
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const abs = path ? resolve(ROOT, dirname(file), path) : join(ROOT, file);
        expect(abs.startsWith(ROOT), `${file}: ${target} leaves the repository`).toBe(true);
        expect(existsSync(abs), `${file}: ${target} names no file`).toBe(true);
        if (anchor && statSync(abs).isFile() && abs.endsWith('.md'))
          expect([...anchors(readFileSync(abs, 'utf8'))], `${file}: ${target}`).toContain(anchor);
      }
    });

  it('never send a reader outside the repository (../shared, DESIGN.md)', () => {
    for (const file of DOCS) expect(read(file), file).not.toMatch(/\.\.\/shared|DESIGN\.md/);
  });

  it("README's npm set-up lines name scripts package.json has, and npm ci has its lockfile", () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const npm = parseMarkdown(read('README.md'))
      .blocks.filter((b) => b.lang === 'sh')
      .flatMap((b) => [...b.code.matchAll(/\bnpm (ci|start|test|run [\w:-]+)/g)].map((m) => m[1]!));
    expect(npm).toContain('ci');
    expect(existsSync(join(ROOT, 'package-lock.json'))).toBe(true);
    for (const cmd of npm.filter((c) => c !== 'ci')) expect(scripts, cmd).toHaveProperty(cmd.replace(/^run /, ''));
  });
});

describe('the sh blocks of README and docs run', () => {
  let bin: string;
  const dirs: string[] = [];
  beforeAll(async () => {
    await ensureActionBuilt();
    bin = await mkdtemp(join(tmpdir(), 'rollouts-docs-bin-'));
    dirs.push(bin);
    await symlink(join(ROOT, 'dist', 'cli.js'), join(bin, 'rollouts'));
  }, 300_000);
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  for (const file of DOCS) {
    const blocks = parseMarkdown(read(file)).blocks.filter((b) => b.lang === 'sh');
    if (blocks.length === 0) continue;
    it(`${file}`, async () => {
      const inRepo = file === 'README.md';
      const cwd = inRepo ? ROOT : await mkdtemp(join(tmpdir(), 'rollouts-docs-'));
      if (!inRepo) dirs.push(cwd);
      await mkdir(cwd, { recursive: true });
      const script = blocks
        .map((b) => b.code)
        .join('\n')
        .split('\n')
        .filter((line) => !(inRepo && /^npm (ci|start|test)\b/.test(line)))
        .join('\n');
      const env = {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        GIT_AUTHOR_NAME: 'Docs',
        GIT_AUTHOR_EMAIL: 'docs@example.com',
        GIT_COMMITTER_NAME: 'Docs',
        GIT_COMMITTER_EMAIL: 'docs@example.com',
        NO_COLOR: '1',
      };
      try {
        await run('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, timeout: 240_000, killSignal: 'SIGKILL' });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${file}: a command failed\n${e.stderr ?? ''}\n${e.stdout ?? ''}\n${e.message}`, {
          cause: err,
        });
      }
    }, 300_000);
  }
});
