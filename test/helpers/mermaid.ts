// The real Mermaid (npm `mermaid`, the parser and renderer GitHub runs in the browser), loaded into headless
// Chromium: `parse` is mermaid.parse; `render` draws the SVG, which also catches what only drawing finds (bad dates).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from './browser.js';

const require = createRequire(import.meta.url);

export interface MermaidResult {
  ok: boolean;
  type?: string;
  error?: string;
  svgBytes?: number;
}

export class RealMermaid {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async start(): Promise<RealMermaid> {
    const browser = await launchChromium();
    const page = await browser.context.newPage();
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ content: await readFile(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8') });
    await page.evaluate(() => {
      (globalThis as any).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    });
    return new RealMermaid(browser, page);
  }

  /** mermaid.parse, then mermaid.render: ok only when both succeed. */
  async check(source: string): Promise<MermaidResult> {
    return this.page.evaluate(async (text) => {
      const m = (globalThis as any).mermaid;
      try {
        const parsed = await m.parse(text);
        const id = `m${Math.random().toString(36).slice(2)}`;
        const { svg } = await m.render(id, text);
        if (/Syntax error in text|Invalid date/i.test(svg))
          return { ok: false, type: parsed.diagramType, error: 'rendered an error' };
        return { ok: true, type: parsed.diagramType, svgBytes: svg.length };
      } catch (err) {
        return { ok: false, error: String((err as Error)?.message ?? err).slice(0, 500) };
      }
    }, source);
  }

  /** Draws `source` into the page and saves a PNG of it (to look at what GitHub would show). */
  async screenshot(source: string, path: string): Promise<void> {
    await this.page.evaluate(async (text) => {
      const { svg } = await (globalThis as any).mermaid.render(`s${Date.now()}`, text);
      (globalThis as any).document.getElementById('out').innerHTML = svg;
    }, source);
    await this.page.locator('#out').screenshot({ path });
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** The bodies of the ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
}

/** Every block of `markdown` must parse and render; returns how many there were. */
export async function expectMermaidRenders(mermaid: RealMermaid, markdown: string, what = 'markdown'): Promise<number> {
  const blocks = mermaidBlocks(markdown);
  const bad: string[] = [];
  for (const b of blocks) {
    const r = await mermaid.check(b);
    if (!r.ok) bad.push(`${r.error}\n--- in ---\n${b.slice(0, 2000)}`);
  }
  if (bad.length)
    throw new Error(`${bad.length} of ${blocks.length} Mermaid blocks of ${what} fail:\n${bad.join('\n\n')}`);
  return blocks.length;
}
