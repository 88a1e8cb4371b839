// The one process runner against real processes: argv only, its own process group killed whole, an output cap.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_ENV_NAMES, childEnv, ProcessError, runProcess } from '../../src/sys/exec.js';

const node = process.execPath;
const env = childEnv({});

/** A script that starts a grandchild which ignores SIGTERM, writes the grandchild's pid, and waits forever. */
function grandchildScript(pidFile: string): string {
  const grandchild = `process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)`;
  return [
    `const { spawn } = require("node:child_process");`,
    `const g = spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], { stdio: "ignore" });`,
    `require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));`,
    `setInterval(() => {}, 1000);`,
  ].join('\n');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function pidIn(file: string): Promise<number> {
  let pid = 0;
  await until('the pid file', async () => (pid = Number(await readFile(file, 'utf8').catch(() => ''))) > 0);
  return pid;
}

describe('runProcess', () => {
  it('runs argv as is, never through a shell, and resolves with exit code, stdout and stderr', async () => {
    const r = await runProcess(
      [
        node,
        '-e',
        'console.log(JSON.stringify(process.argv.slice(1))); console.error("e"); process.exit(3)',
        '$(id)',
        ';',
      ],
      { env },
    );
    expect(r).toEqual({ exitCode: 3, signal: null, stdout: '["$(id)",";"]\n', stderr: 'e\n' });
  });

  it('writes `input` to stdin', async () => {
    const r = await runProcess([node, '-e', 'process.stdin.pipe(process.stdout)'], { env, input: 'hello' });
    expect(r.stdout).toBe('hello');
  });

  it('kills the whole process group at the timeout: a grandchild that ignores SIGTERM is gone too', async () => {
    const pidFile = join(await mkdtemp(join(tmpdir(), 'sys-exec-')), 'pid');
    const running = runProcess([node, '-e', grandchildScript(pidFile)], { env, timeoutMs: 1500 });
    const grandchild = await pidIn(pidFile);
    expect(alive(grandchild)).toBe(true);
    const err = (await running.catch((e: unknown) => e)) as ProcessError;
    expect(err).toBeInstanceOf(ProcessError);
    expect(err).toMatchObject({ reason: 'timeout', message: `${node}: timed out after 1500ms` });
    await until('the grandchild to die', () => !alive(grandchild));
  });

  it('kills the group when the signal aborts, and says whether that was a timeout', async () => {
    const pidFile = join(await mkdtemp(join(tmpdir(), 'sys-exec-')), 'pid');
    const ctl = new AbortController();
    const running = runProcess([node, '-e', grandchildScript(pidFile)], { env, signal: ctl.signal });
    const grandchild = await pidIn(pidFile);
    ctl.abort(new Error('cancelled'));
    await expect(running).rejects.toMatchObject({ reason: 'aborted' });
    await until('the grandchild to die', () => !alive(grandchild));
    await expect(runProcess([node, '-e', ''], { env, signal: AbortSignal.abort() })).rejects.toMatchObject({
      reason: 'aborted',
    });
    await expect(
      runProcess([node, '-e', 'setInterval(() => {}, 1000)'], { env, signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ reason: 'timeout', message: `${node}: timed out` });
  });

  it('refuses output past the cap and kills the process', async () => {
    const err = await runProcess(
      [node, '-e', 'const c = "x".repeat(65536); const w = () => process.stdout.write(c, w); w()'],
      {
        env,
        maxOutputBytes: 1024 * 1024,
      },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'output-limit', message: `${node}: more than 1048576 bytes of output` });
  });

  it('reports a missing command and a missing working directory in words', async () => {
    await expect(runProcess(['./no-such-command-here'], { env })).rejects.toMatchObject({
      reason: 'not-found',
      message: './no-such-command-here: command not found',
    });
    await expect(runProcess([node, '-e', ''], { env, cwd: '/no/such/dir' })).rejects.toMatchObject({
      message: `${node}: working directory /no/such/dir does not exist`,
    });
  });

  it('passes a terminating signal on to the groups still running, then ends as that signal would', async () => {
    const pidFile = join(await mkdtemp(join(tmpdir(), 'sys-exec-')), 'pid');
    const child = `require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`;
    // A parent (a CLI run, say) running a child in its own group, ended by SIGTERM (a cancelled workflow run). The
    // child is not in the parent's group, so only the forward can reach it.
    const runner = `import { runProcess, childEnv } from ${JSON.stringify(join(process.cwd(), 'src/sys/exec.ts'))};
      await runProcess([process.execPath, '-e', ${JSON.stringify(child)}], { env: childEnv({}) });`;
    const parent = spawn(node, ['--import', 'tsx', '--input-type=module', '-e', runner], { stdio: 'ignore' });
    const ended = new Promise<NodeJS.Signals | null>((r) => parent.on('exit', (_code, sig) => r(sig)));
    const pid = await pidIn(pidFile);
    parent.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    await until('the child to die', () => !alive(pid));
  });
});

describe('childEnv', () => {
  it('is the base names that are set, then the given names on top; nothing else of this process', () => {
    const base = { PATH: '/bin', HOME: '/home/x', SECRET: 's', LANG: 'C.UTF-8' };
    expect(childEnv({ TOKEN: 't', PATH: '/opt/bin' }, base)).toEqual({
      PATH: '/opt/bin',
      HOME: '/home/x',
      LANG: 'C.UTF-8',
      TOKEN: 't',
    });
    expect(BASE_ENV_NAMES).toEqual(['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL', 'TZ', 'SystemRoot']);
  });
});
