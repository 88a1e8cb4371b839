// `rollouts report NAME --html FILE`: the rollout's ledger and state drawn into one self-contained HTML page.
import { rename, writeFile } from 'node:fs/promises';
import type { Manifest } from '../manifest/index.js';
import type { GitStateStore, LedgerEntry } from '../state/index.js';
import { reportHtml } from '../report/html.js';
import { reportData } from '../report/report-data.js';

export interface WrittenReport {
  bytes: number;
  entries: number;
  gates: number;
  charts: number;
}

export async function writeHtmlReport(
  store: GitStateStore,
  name: string,
  manifest: Manifest | null,
  file: string,
  opts: { fetch?: boolean; now?: number } = {},
): Promise<WrittenReport> {
  const { state } = await store.readState(name, { fetch: opts.fetch });
  const entries: LedgerEntry[] = [];
  for await (const e of store.readLedger(name, { fetch: false })) entries.push(e);
  const data = reportData({ name, manifest, state, entries, now: opts.now ?? Date.now() });
  const html = reportHtml(data, entries);
  // Written whole or not at all: a reader (a browser, an artifact upload) never sees half a page.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, html);
  await rename(tmp, file);
  return {
    bytes: Buffer.byteLength(html),
    entries: entries.length,
    gates: data.gates.length,
    charts: data.gates.reduce((n, g) => n + g.checks.length, 0) + data.progress.length,
  };
}
