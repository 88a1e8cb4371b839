// The baseline: the loop a person would write by hand against the paged endpoint. fetch POST with the cursor until
// hasNextPage is false; Node's fetch keeps the connection alive, as the engine's http driver does. It sends an
// idempotency key like the engine does, so the target does the same work for both and only the client differs.
// Run as a child: node --import tsx bench/lib/baseline-loop.ts URL NUM_ITEMS
import { performance } from 'node:perf_hooks';
import { cpuMs, peakRssKb, report } from './child.js';

export interface BaselineFigures {
  loopMs: number;
  batches: number;
  items: number;
  maxRssKb: number;
  cpuMs: number;
}

interface Page {
  processed: number;
  failed: number;
  nextCursor: string | null;
  hasNextPage: boolean;
}

async function main(): Promise<void> {
  const [url, numItemsArg] = process.argv.slice(2);
  if (!url) throw new Error('usage: baseline-loop.ts URL [NUM_ITEMS]');
  const numItems = Number(numItemsArg ?? 1);
  const t0 = performance.now();
  let cursor: string | null = null;
  let batches = 0;
  let items = 0;
  for (;;) {
    const res = await fetch(`${url}/migrations/backfill`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `baseline-${batches}` },
      body: JSON.stringify({ numItems, cursor, dryRun: false }),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as Page;
    if (page.failed !== 0) throw new Error(`batch ${batches + 1}: ${page.failed} failed`);
    batches++;
    items += page.processed;
    cursor = page.nextCursor;
    if (!page.hasNextPage) break;
  }
  report({
    loopMs: performance.now() - t0,
    batches,
    items,
    maxRssKb: peakRssKb(),
    cpuMs: cpuMs(),
  } satisfies BaselineFigures);
}

await main();
