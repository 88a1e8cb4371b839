// The HTML report opened in real headless Chromium: it loads with no console error, makes no request but its own
// file, draws every chart, and a screenshot is taken (UPDATE_SCREENSHOTS=1 refreshes docs/images/).
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from '../helpers/browser.js';
import { failedCanary, pagedBackfill, longGate, entry } from '../helpers/report-fixtures.js';
import { escapeHtml, reportHtml } from '../../src/report/html.js';
import { reportData } from '../../src/report/report-data.js';
import type { LedgerEntry } from '../../src/state/index.js';

let browser: Browser;
let dir: string;
beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'rollouts-report-'));
});
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Opened {
  requests: string[];
  errors: string[];
  charts: number;
  canvases: number;
  text: string;
}

async function open(file: string, screenshot?: string): Promise<Opened> {
  const page = await browser.context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  if (screenshot) {
    // The pictures above the ledger: timeline, gate charts, paged progress.
    const ledger = await page.locator('h2', { hasText: 'Ledger' }).boundingBox();
    await page.screenshot({
      path: screenshot,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: (ledger?.y ?? 1800) + 10 },
    });
  }
  const charts = Number(await page.getAttribute('body', 'data-charts'));
  const canvases = await page.locator('canvas').count();
  const text = await page.innerText('body');
  await page.close();
  return { requests, errors, charts, canvases, text };
}

describe('the HTML report', () => {
  it('of a failed canary loads offline with no console error, draws every chart, and is screenshotted', async () => {
    const { manifest, entries } = failedCanary({ rolledBack: true });
    // the canary's paged backfill runs between its backup and the flag
    const all: LedgerEntry[] = [
      ...entries,
      ...pagedBackfill(40, { phase: 'canary', step: 'backfill', start: '2024-01-15T09:57:00.000Z', enter: false }),
    ];
    all.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    const { state } = failedCanary({ rolledBack: true });
    const data = reportData({
      name: 'chat-limits',
      manifest,
      state,
      entries: all,
      now: Date.parse('2024-01-15T10:46:00Z'),
    });
    const file = join(dir, 'report.html');
    const html = reportHtml(data, all);
    await writeFile(file, html);
    await mkdir('.tmp', { recursive: true });
    const shot = '.tmp/report-failed-gate.png';
    const r = await open(file, shot);
    if (process.env.UPDATE_SCREENSHOTS) {
      await mkdir('docs/images', { recursive: true });
      await copyFile(shot, 'docs/images/report-failed-gate.png');
    }
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([pathToFileURL(file).href]);
    // three checks of the canary gate, one paged step
    expect(data.gates).toHaveLength(1);
    expect(data.gates[0]).toMatchObject({ phase: 'canary', outcome: 'failed' });
    expect(r.charts).toBe(4);
    expect(r.canvases).toBe(4);
    expect(r.text).toContain('Gate of canary: failed');
    expect(r.text).toContain('error-rate failed 3 samples');
    expect(r.text).toContain('canary / backfill');
    expect(r.text).toContain('40 batches, 984 items');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)[^"'\s]*\.(js|css)/);
  });

  it('escapes what came from targets, in the table and in the embedded data', async () => {
    const evil = '</script><script>document.title="pwned"</script><img src=x onerror=alert(1)>';
    const { manifest, entries } = failedCanary();
    const all = [
      ...entries,
      entry('2024-01-15T10:41:00.000Z', 'step-failed', { phase: 'canary', step: evil, error: evil }),
    ];
    const data = reportData({
      name: 'chat-limits',
      manifest,
      state: null,
      entries: all,
      now: Date.parse('2024-01-15T11:00:00Z'),
    });
    const file = join(dir, 'evil.html');
    const html = reportHtml(data, all);
    await writeFile(file, html);
    expect(html).toContain(escapeHtml(evil));
    const r = await open(file);
    expect(r.errors).toEqual([]);
    expect(r.requests).toHaveLength(1);
    expect(r.text).toContain(evil);
  });

  it('of a 48 h gate sampled every second stays a few megabytes and draws', async () => {
    const { manifest, samples, start, end } = longGate();
    const entries: LedgerEntry[] = [
      entry(new Date(start).toISOString(), 'gate-open', {
        phase: 'limited',
        result: { hold: '48h', every: '1s', checks: ['error-rate', 'latency-p95', 'probe'], baseline: {} },
      }),
      ...samples.map((s) => entry((s as { at: string }).at, 'sample', { phase: 'limited', result: s })),
    ];
    const data = reportData({ name: 'chat-limits', manifest, state: null, entries, now: end });
    const html = reportHtml(data, entries);
    expect(data.gates[0]!.checks.every((c) => c.downsampled && c.points.length <= 4000)).toBe(true);
    expect(Buffer.byteLength(html)).toBeLessThan(4 * 1024 * 1024);
    const file = join(dir, 'long.html');
    await writeFile(file, html);
    const r = await open(file);
    expect(r.errors).toEqual([]);
    expect(r.charts).toBe(3);
    expect(r.text).toContain('older entries are not listed');
  });
});
