// `apply --watch`, `status --watch` and `report --html` through the real CLI process against the example target:
// as plain lines (no terminal), and under a pseudo-terminal (util-linux `script`), where the view redraws in place.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { cliEnv, output, runCli, startCli } from '../helpers/cli.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';
import { launchChromium } from '../helpers/browser.js';
import { GitStateStore } from '../../src/state/index.js';

const execFileP = promisify(execFile);
const ESC = String.fromCharCode(27);
const { dirs, targets } = useTestTargets();
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

async function setup(canaryGate: string) {
  const target = await TestTarget.start(dirs, { orgs: 12 });
  targets.push(target);
  const repo = await TempRepo.create(dirs, { byok: byokManifest({ canaryGate }) });
  await repo.setPhase('byok', 'canary');
  return { target, repo, env: { TARGET_URL: target.url } };
}

async function samplesOf(repo: TempRepo): Promise<{ at: string; outcome: string }[]> {
  const out: { at: string; outcome: string }[] = [];
  for await (const e of new GitStateStore({ repo: repo.dir }).readLedger('byok'))
    if (e.kind === 'sample') out.push(e.result as { at: string; outcome: string });
  return out;
}

/** The CLI under a pseudo-terminal: `script -qefc CMD /dev/null` (-e: its exit code is the command's). */
async function underPty(cwd: string, args: string[], env: Record<string, string>) {
  const command = [process.execPath, '--import', TSX, MAIN, ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const childEnv: NodeJS.ProcessEnv = { ...cliEnv(env), COLUMNS: '110', TERM: 'xterm-256color' };
  delete childEnv.NO_COLOR;
  try {
    const { stdout } = await execFileP('script', ['-qefc', command, '/dev/null'], {
      cwd,
      env: childEnv,
      timeout: 60_000,
    });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    return { code: e.code ?? -1, out: e.stdout ?? '' };
  }
}

describe('rollouts apply --watch', () => {
  it('keeps sampling the gate at its `every`, never faster, until it decides; plain lines without a terminal; exit 0', async () => {
    const { repo, env } = await setup('{ hold: 4s, every: 1s, checks: [probe] }');
    const r = await runCli(repo.dir, ['apply', '--watch', 'byok'], env);
    expect(r.code, output(r)).toBe(0);
    expect(r.stdout).toMatch(/^\S+Z byok: holding, applied canary, desired canary, gate canary passes at /m);
    expect(r.stdout).toMatch(/^\S+Z byok: canary probe pass 200$/m);
    expect(r.stdout).toMatch(/^\S+Z byok: healthy, applied canary, desired canary/m);
    expect(r.stdout).not.toContain('\x1b[');
    const samples = await samplesOf(repo);
    // How many samples fit in the hold depends on the machine's speed; what must hold is the first look when the
    // gate opens and a fresh look once the hold has passed (docs/gates.md).
    expect(samples.length).toBeGreaterThanOrEqual(2);
    const { state } = await new GitStateStore({ repo: repo.dir }).readState('byok');
    // The final look may come sooner than `every` (docs/gates.md), never before the hold's end less one `every`.
    expect(Date.parse(samples.at(-1)!.at)).toBeGreaterThanOrEqual(Date.parse(state!.gate!.passesAt) - 1000);
    const gaps = samples.slice(1).map((s, i) => Date.parse(s.at) - Date.parse(samples[i]!.at));
    for (const g of gaps.slice(0, -1)) expect(g).toBeGreaterThanOrEqual(1000);
    console.log(`figure: apply --watch sample gaps at every 1s: ${gaps.join(', ')} ms`);
  });

  it('exits 1 when the gate fails', async () => {
    const { target, repo, env } = await setup('{ hold: 1h, every: 1s, checks: [probe] }');
    await target.setFault({ mode: 'offline' });
    const r = await runCli(repo.dir, ['apply', '--watch', 'byok'], env);
    expect(r.code, output(r)).toBe(1);
    expect(r.stdout).toMatch(/byok: failed, applied canary/);
    expect(r.stdout).toMatch(/byok: canary probe fail/);
  });
  it('redraws in place under a pseudo-terminal through two phases and a paged step, and exits 0 when complete', async () => {
    const target = await TestTarget.start(dirs, { orgs: 12 });
    targets.push(target);
    const repo = await TempRepo.create(dirs, {
      byok: byokManifest({ canaryGate: null, fullGate: null, batchSize: 2 }),
    });
    await repo.setPhase('byok', 'full');
    const env = { TARGET_URL: target.url };
    // one phase a pass: canary, then full's paged backfill
    const r = await underPty(repo.dir, ['apply', '--watch', 'byok'], env);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`));
    expect(r.out).toMatch(/complete/);
    expect(r.out).toMatch(/✔ canary\S* \S*›\S* \S*✔ full/);
    expect(r.out).toMatch(/full\/backfill: done, 6 batches, 12 items/); // the engine's line, inside the view
    expect(await target.integrity()).toMatchObject({ mixed: 0, legacy: 0 });
  });
});

describe('rollouts status --watch', () => {
  it('redraws in place under a pseudo-terminal while another process applies, and exits when the gate decides', async () => {
    const { repo, env } = await setup('{ hold: 5s, every: 1s, checks: [probe] }');
    const apply = startCli(repo.dir, ['apply', '--watch', 'byok'], env);
    const r = await underPty(repo.dir, ['status', '--watch', 'byok'], env);
    if (process.env.KEEP_PTY) await writeFile(process.env.KEEP_PTY, r.out);
    const applied = await apply.done;
    expect(applied.code, output(applied)).toBe(0);
    expect(r.code, r.out).toBe(0);
    // the frame: the rollout, the phases with the current one marked, the gate's check with its sparkline
    expect(r.out).toContain('byok');
    expect(r.out).toMatch(/phases\S*\s+\S*▶ canary/);
    expect(r.out).toMatch(/probe\s+(\S*[▁▂▃▄▅▆▇█])+/);
    expect(r.out).toMatch(/lease\S*\s+\S*(free|\S+:\d+)/);
    // drawn more than once, in place: cursor up and clear to the end of the screen
    expect(r.out).toMatch(new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`));
    expect(r.out).toContain('\x1b[?25h'); // the cursor shown again at exit
    expect(r.out).toMatch(/✔ canary/); // its last frame: healthy
  });

  it('prints plain lines when not on a terminal, and exits at once on a settled rollout: 0 healthy, 1 failed', async () => {
    const { target, repo, env } = await setup('{ hold: 1s, every: 1s, checks: [probe] }');
    expect((await runCli(repo.dir, ['apply', '--watch', 'byok'], env)).code).toBe(0);
    const healthy = await runCli(repo.dir, ['status', '--watch', 'byok'], env);
    expect(healthy.code, output(healthy)).toBe(0);
    expect(healthy.stdout.trim().split('\n')[0]).toMatch(
      /^\S+Z byok: healthy, applied canary, desired canary, gate canary/,
    );

    const other = await setup('{ hold: 1h, every: 1s, checks: [probe] }');
    await other.target.setFault({ mode: 'offline' });
    expect((await runCli(other.repo.dir, ['apply'], other.env)).code).toBe(1);
    const failed = await runCli(other.repo.dir, ['status', '--watch', 'byok'], other.env);
    expect(failed.code, output(failed)).toBe(1);
    expect(failed.stdout).toMatch(/byok: failed/);
    void target;
  });
});

describe('rollouts report --html', () => {
  it('writes one self-contained page that opens with no request and no console error, from the built bin too', async () => {
    const { target, repo, env } = await setup('{ hold: 1h, every: 1s, checks: [probe] }');
    await target.setFault({ mode: 'offline' });
    expect((await runCli(repo.dir, ['apply'], env)).code).toBe(1);
    const file = join(repo.dir, 'report.html');
    const r = await runCli(repo.dir, ['report', 'byok', '--html', file], env);
    expect(r.code, output(r)).toBe(0);
    expect(r.stdout).toMatch(/^report\.html: byok, \d+ ledger entries, 1 gate, \d+ bytes$/m);

    const bundled = join(repo.dir, 'bundled.html');
    const root = fileURLToPath(new URL('../../', import.meta.url));
    await execFileP(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root });
    await execFileP(process.execPath, [join(root, 'dist/cli.js'), 'report', 'byok', '--html', bundled], {
      cwd: repo.dir,
      env: cliEnv(env),
    });
    const browser = await launchChromium();
    try {
      for (const f of [file, bundled]) {
        const html = await readFile(f, 'utf8');
        expect(html).toContain('uPlot');
        const page = await browser.context.newPage();
        const requests: string[] = [];
        const errors: string[] = [];
        page.on('request', (q) => requests.push(q.url()));
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(pathToFileURL(f).href);
        await page.waitForSelector('body[data-ready="true"]');
        expect(errors).toEqual([]);
        expect(requests).toEqual([pathToFileURL(f).href]);
        expect(await page.getAttribute('body', 'data-charts')).toBe('1');
        expect(await page.innerText('body')).toContain('Gate of canary: failed');
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });

  it('names what is wrong: no such rollout (2), no --html (2)', async () => {
    const { repo, env } = await setup('{ hold: 1s, every: 1s, checks: [probe] }');
    const unknown = await runCli(repo.dir, ['report', 'nope', '--html', 'x.html'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no rollout named nope');
    const missing = await runCli(repo.dir, ['report', 'byok'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--html');
  });
});
