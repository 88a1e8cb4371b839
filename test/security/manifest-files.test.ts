// Item 3 of the hardening: manifests are files in the repository. A symbolic link under rollouts/ (to .git/config,
// .env, /proc/self/environ, or another repository's manifest), rollouts/ itself as a link, a FIFO, a huge file,
// NUL bytes and invalid UTF-8 are refused with a message that quotes nothing of what the file holds; a value quoted
// in an error is a short, masked excerpt.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRollouts, parseManifest } from '../../src/manifest/index.js';
import { secrets } from '../../src/sys/mask.js';
import { runCli } from '../helpers/cli.js';
import { demo } from '../manifest/demo-manifest.js';

const TOKEN = 'ghs_hardeningTokenValue0123456789abcdef';
let root: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rollouts-sec-files-'));
  outside = await mkdtemp(join(tmpdir(), 'rollouts-sec-outside-'));
  await writeFile(join(outside, '.env'), `INPUT_TOKEN=${TOKEN}\nname: x\n`);
  await writeFile(join(outside, 'other.yaml'), demo({ 3: 'name: other' }));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function rolloutsWith(files: Record<string, string | { link: string } | 'fifo'>): Promise<string> {
  const dir = await mkdtemp(join(root, 'repo-'));
  await mkdir(join(dir, 'rollouts'));
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, 'rollouts', name);
    if (content === 'fifo') execFileSync('mkfifo', [file]);
    else if (typeof content === 'string') await writeFile(file, content);
    else await symlink(content.link, file);
  }
  return dir;
}

const messages = (results: Awaited<ReturnType<typeof loadRollouts>>) =>
  results.flatMap((r) => r.issues.map((i) => `${i.file}: ${i.message}`));

describe('manifests are regular files in the repository', () => {
  it('refuses a symbolic link to a secret file without quoting any of it', async () => {
    const dir = await rolloutsWith({
      'env.yaml': { link: join(outside, '.env') },
      'environ.yaml': { link: '/proc/self/environ' },
      'other.yaml': { link: join(outside, 'other.yaml') },
    });
    const results = await loadRollouts(join(dir, 'rollouts'));
    expect(results.every((r) => r.manifest === null)).toBe(true);
    const text = messages(results).join('\n');
    expect(messages(results)).toHaveLength(3);
    expect(text).toMatch(/env\.yaml: a symbolic link/);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('INPUT_TOKEN');
  });

  it('refuses rollouts/ itself as a symbolic link to another directory of manifests', async () => {
    const dir = await mkdtemp(join(root, 'repo-'));
    await symlink(outside, join(dir, 'rollouts'));
    const results = await loadRollouts(join(dir, 'rollouts'));
    expect(results).toHaveLength(1);
    expect(results[0]!.manifest).toBeNull();
    expect(results[0]!.issues[0]!.message).toMatch(/symbolic link: the rollouts directory/);
  });

  it('refuses a FIFO (and does not block on it)', async () => {
    const dir = await rolloutsWith({ 'pipe.yaml': 'fifo' });
    expect(messages(await loadRollouts(join(dir, 'rollouts')))).toEqual([
      expect.stringMatching(/pipe\.yaml: not a regular file/),
    ]);
  });

  it('refuses a file over 1 MiB, a NUL byte and invalid UTF-8, naming the line', async () => {
    const dir = await rolloutsWith({
      'huge.yaml': `${demo()}\n# ${'x'.repeat(1024 * 1024)}\n`,
      'nul.yaml': demo({ 3: 'name: nul\0' }),
    });
    await writeFile(
      join(dir, 'rollouts', 'latin.yaml'),
      Buffer.concat([Buffer.from('apiVersion: rollouts/v1\nkind: Rollout\nname: caf'), Buffer.from([0xe9, 0x0a])]),
    );
    const results = await loadRollouts(join(dir, 'rollouts'));
    const byFile = Object.fromEntries(results.map((r) => [r.file.split('/').pop(), r.issues]));
    expect(byFile['huge.yaml']![0]!.message).toMatch(/1 MiB/);
    expect(byFile['nul.yaml']![0]).toMatchObject({ line: 3, message: expect.stringMatching(/NUL byte/) });
    expect(byFile['latin.yaml']![0]).toMatchObject({ line: 3, message: expect.stringMatching(/invalid UTF-8/) });
  });

  it('the CLI refuses a linked manifest and exits 1 without echoing its target', async () => {
    const dir = await rolloutsWith({ 'env.yaml': { link: join(outside, '.env') } });
    const r = await runCli(dir, ['validate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/env\.yaml:1:1: a symbolic link/);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});

describe('a value quoted in an error is a short, masked excerpt', () => {
  it('quotes at most 40 characters of a wrong value, with secrets masked', () => {
    secrets.add(TOKEN);
    const long = `${TOKEN} ${'y'.repeat(500)}`;
    const r = parseManifest('rollouts/demo.yaml', demo({ 1: `apiVersion: ${JSON.stringify(long)}` }));
    const text = r.issues.map((i) => i.message).join('\n');
    expect(r.issues.length).toBeGreaterThan(0);
    expect(text).not.toContain(TOKEN);
    expect(text).toMatch(/got string "\*\*\* y+…$/m);
    expect(text).not.toContain('y'.repeat(50));
  });
});
