import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { CliIO } from '../../src/cli/io.js';
import { demo } from '../manifest/demo-manifest.js';

function capture(cwd: string): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), isTTY: false, cwd, env: {} };
}

const NO_PHASE = 'phase `limited` names no phase (have: none, canary, full)';

describe('rollouts validate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollouts-validate-'));
    await mkdir(join(dir, 'rollouts'));
    await writeFile(join(dir, 'rollouts', 'demo.yaml'), demo());
    await writeFile(join(dir, 'rollouts', 'bad.yaml'), demo({ 3: 'name: bad', 4: 'phase: limited' }));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('prints file:line:col: path: message for each issue, a summary, and exits 1', async () => {
    const io = capture(dir);
    expect(await runCli(['validate'], io)).toBe(1);
    expect(io.stderr).toEqual([`rollouts/bad.yaml:4:8: phase: ${NO_PHASE}`, '1 error in 1 of 2 manifests']);
    expect(io.stdout).toEqual([]);
  });

  it('prints a syntax error without a field path', async () => {
    await writeFile(join(dir, 'rollouts', 'bad.yaml'), demo({ 3: 'name: bad', 5: 'env: [TOKEN, PROMETHEUS_URL' }));
    const io = capture(dir);
    expect(await runCli(['validate'], io)).toBe(1);
    expect(io.stderr[0]).toBe(
      'rollouts/bad.yaml:6:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('exits 0 when every manifest is valid', async () => {
    await rm(join(dir, 'rollouts', 'bad.yaml'));
    const io = capture(dir);
    expect(await runCli(['validate'], io)).toBe(0);
    expect(io.stderr).toEqual(['1 manifest valid']);
  });

  it('validates the files and directories given, relative to the working directory', async () => {
    const file = capture(dir);
    expect(await runCli(['validate', 'rollouts/demo.yaml'], file)).toBe(0);
    expect(file.stderr).toEqual(['1 manifest valid']);
    const sub = capture(join(dir, 'rollouts'));
    expect(await runCli(['validate', '.'], sub)).toBe(1);
    expect(sub.stderr[0]).toBe(`bad.yaml:4:8: phase: ${NO_PHASE}`);
  });

  it('reads another directory with --dir', async () => {
    await mkdir(join(dir, 'staging'));
    await writeFile(join(dir, 'staging', 'demo.yaml'), demo());
    const io = capture(dir);
    expect(await runCli(['validate', '--dir', 'staging'], io)).toBe(0);
    expect(io.stderr).toEqual(['1 manifest valid']);
  });

  it('reports a path that does not exist', async () => {
    const io = capture(dir);
    expect(await runCli(['validate', 'rollouts/gone.yaml'], io)).toBe(1);
    expect(io.stderr).toEqual(['rollouts/gone.yaml:1:1: no such file', '1 error in 1 of 1 manifests']);
  });

  it('says so when there are no manifests', async () => {
    const io = capture(dir);
    expect(await runCli(['validate', '--dir', 'nowhere'], io)).toBe(0);
    expect(io.stderr).toEqual(['0 manifests valid', 'no manifests found in nowhere/']);
  });

  it('prints the issues as JSON with --json', async () => {
    const io = capture(dir);
    expect(await runCli(['validate', '--json'], io)).toBe(1);
    expect(JSON.parse(io.stdout.join('\n'))).toEqual({
      files: 2,
      issues: [{ file: 'rollouts/bad.yaml', line: 4, col: 8, path: 'phase', message: NO_PHASE }],
    });
  });

  it('accepts every manifest in the repository', async () => {
    const io = capture(join(import.meta.dirname, '..', '..'));
    expect(await runCli(['validate'], io)).toBe(0);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^\d+ manifests valid$/);
  });
});
