import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleCheck } from '../../src/checks/sample.js';
import { parseCheck, testEnv } from './env.js';

const node = process.execPath;
const execCheck = (script: string, extra: Record<string, unknown> = {}, args: string[] = []) =>
  parseCheck({ exec: { run: [node, '-e', script, ...args] }, ...extra });

describe('exec check kind with real processes', () => {
  it('passes on exit 0 by default, with exitCode as the value and stdout parsed as JSON', async () => {
    const s = await sampleCheck('count', execCheck('console.log(JSON.stringify({ count: 0 }))'), testEnv());
    expect(s).toMatchObject({ outcome: 'pass', value: 0 });
    expect(s.detail).toMatchObject({ exitCode: 0, stdout: '{"count":0}\n', json: { count: 0 } });
  });

  it('fails on a non-zero exit by default, quoting stderr', async () => {
    const s = await sampleCheck('x', execCheck('console.error("db unreachable"); process.exit(3)'), testEnv());
    expect(s).toMatchObject({ outcome: 'fail', value: 3, reason: 'exit code 3: db unreachable' });
  });

  it('applies a condition over result.json (the verify query that must return 0)', async () => {
    const pass = 'result.json.count == 0';
    expect((await sampleCheck('x', execCheck('console.log(\'{"count": 2}\')', { pass }), testEnv())).outcome).toBe(
      'fail',
    );
    expect((await sampleCheck('x', execCheck('console.log(\'{"count": 0}\')', { pass }), testEnv())).outcome).toBe(
      'pass',
    );
  });

  it('passes argv as is, never through a shell', async () => {
    const s = await sampleCheck(
      'x',
      execCheck('console.log(JSON.stringify(process.argv.slice(1)))', {}, ['a; rm -rf /', '$HOME', '`id`']),
      testEnv(),
    );
    expect((s.detail as { json: unknown }).json).toEqual(['a; rm -rf /', '$HOME', '`id`']);
  });

  it('renders templates in argv', async () => {
    const check = execCheck('console.log(JSON.stringify(process.argv.slice(1)))', {}, [
      '{{ rollout.name }}',
      '--ids={{ cohort.ids }}',
    ]);
    const s = await sampleCheck('x', check, testEnv());
    expect((s.detail as { json: unknown }).json).toEqual(['byok', '--ids=["org_1"]']);
  });

  it('gives the process only the listed env and a few basics, not the runner environment', async () => {
    process.env.ROLLOUTS_TEST_UNLISTED = 'leak';
    try {
      const check = execCheck('console.log(JSON.stringify(process.env))');
      const s = await sampleCheck('x', check, testEnv({ env: { CONVEX_URL: 'http://127.0.0.1:1' } }));
      const env = (s.detail as { json: Record<string, string> }).json;
      expect(env.CONVEX_URL).toBe('http://127.0.0.1:1');
      expect(env.PATH).toBe(process.env.PATH);
      expect(env.ROLLOUTS_TEST_UNLISTED).toBeUndefined();
    } finally {
      delete process.env.ROLLOUTS_TEST_UNLISTED;
    }
  });

  it('runs in the working directory it is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checks-exec-'));
    writeFileSync(join(dir, 'count.json'), '{"count": 0}');
    const check = execCheck('process.stdout.write(require("fs").readFileSync("count.json"))', {
      pass: 'result.json.count == 0',
    });
    expect((await sampleCheck('x', check, testEnv({ cwd: dir }))).outcome).toBe('pass');
  });

  it('is an error when the command does not exist', async () => {
    const s = await sampleCheck('x', parseCheck({ exec: { run: ['./no-such-command-here'] } }), testEnv());
    expect(s).toMatchObject({ outcome: 'error', error: 'exec ./no-such-command-here: command not found' });
  });

  it('is an error when it runs past its timeout', async () => {
    const s = await sampleCheck(
      'x',
      parseCheck({ exec: { run: [node, '-e', 'setInterval(() => {}, 1000)'], timeout: '200ms' } }),
      testEnv(),
    );
    expect(s.outcome).toBe('error');
    expect(s.error).toContain('timed out after 200ms');
  });

  it('kills the process when the sample is aborted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checks-exec-'));
    const pidFile = join(dir, 'pid');
    const script = `require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`;
    const ctl = new AbortController();
    const sampling = sampleCheck('x', execCheck(script), testEnv({ signal: ctl.signal }));
    while (!existsSync(pidFile) || !readFileSync(pidFile, 'utf8')) await new Promise((r) => setTimeout(r, 20));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    ctl.abort(new Error('cancelled'));
    expect(await sampling).toMatchObject({ outcome: 'error', error: 'aborted: cancelled' });
    await exited(pid);
  });

  it('is an error when the process is killed by a signal', async () => {
    const s = await sampleCheck('x', execCheck('process.kill(process.pid, "SIGKILL")'), testEnv());
    expect(s).toMatchObject({ outcome: 'error', error: expect.stringContaining('killed by SIGKILL') });
  });
});

/** The sample returns when its race with the abort is lost; the kill it sent lands a moment later. */
async function exited(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
