// `rollouts report NAME --html FILE`: one self-contained page (no CDN, no request of any kind: its Content Security
// Policy forbids them) with the phase timeline, every gate's charts, the paged progress over time and the ledger.
import type { LedgerEntry } from '../state/types.js';
import { reportAssets } from './assets.js';
import type { ReportData } from './report-data.js';

/** Ledger rows the page lists (the newest); the charts still draw every sample. */
const MAX_LEDGER_ROWS = 5000;

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (t: string) => t.replace(/[&<>"']/g, (c) => ESC[c]!);

/** JSON inside <script type="application/json">: `<` escaped so no `</script>` (or `<!--`) can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A `</script>` inside an inlined library would end its tag; no shipped file has one, but never trust that. */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

function summary(e: LedgerEntry): string {
  const r = e.result as Record<string, unknown> | undefined;
  const parts: string[] = [];
  if (e.kind === 'sample' || e.kind === 'verify') {
    parts.push(
      `${String(r?.check)}: ${String(r?.outcome)}${r?.value !== null && r?.value !== undefined ? ` (${String(r.value)})` : ''}`,
    );
    if (r?.reason || r?.error) parts.push(String(r.reason ?? r.error));
  } else if (r !== undefined) parts.push(JSON.stringify(r));
  if (e.counts) parts.push(JSON.stringify(e.counts));
  if (e.durationMs !== undefined) parts.push(`${e.durationMs} ms`);
  const text = parts.join(' · ');
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}

function ledgerTable(entries: readonly LedgerEntry[]): string {
  const rows = entries.slice(-MAX_LEDGER_ROWS);
  const dropped = entries.length - rows.length;
  const tr = rows.map((e) => {
    const bad =
      e.error || e.kind.includes('failed') || (e.result as { outcome?: string } | undefined)?.outcome === 'fail';
    const cells = [e.time, e.kind, e.phase ?? '', e.step ?? '', summary(e), e.error ?? ''];
    return `<tr${bad ? ' class="bad"' : ''}>${cells.map((text) => `<td>${escapeHtml(text)}</td>`).join('')}</tr>`;
  });
  return [
    dropped
      ? `<p class="note">${dropped} older entries are not listed ` +
        '(the charts draw them; <code>rollouts log</code> lists them all).</p>'
      : '',
    '<table class="ledger"><thead><tr>' +
      ['time (UTC)', 'kind', 'phase', 'step', 'what', 'error'].map((h) => `<th>${h}</th>`).join('') +
      '</tr></thead><tbody>',
    ...tr,
    '</tbody></table>',
  ].join('\n');
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #111827; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 4px; } .note, .meta { color: #6b7280; } .bad { color: #b91c1c; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #e5e7eb; font-weight: 600; }
.status.failed, .status.paused { background: #fee2e2; color: #991b1b; }
.status.complete, .status.healthy, .status.rolled-back { background: #dcfce7; color: #166534; }
table.ledger { border-collapse: collapse; width: 100%; font: 12px/1.35 ui-monospace, monospace; }
table.ledger td, table.ledger th { border-bottom: 1px solid #f3f4f6; padding: 2px 6px; text-align: left; vertical-align: top; }
table.ledger td:nth-child(-n+4) { white-space: nowrap; } table.ledger td:nth-child(5) { word-break: break-word; }
.chart { margin: 4px 0 12px; } svg.timeline text { font: 11px system-ui, sans-serif; }
`;

export function reportHtml(data: ReportData, entries: readonly LedgerEntry[]): string {
  const a = reportAssets();
  const s = data.state;
  const title = `${data.rollout}: rollout report`;
  const made =
    `report made ${escapeHtml(new Date(data.generatedAt).toISOString())} ` +
    `from the ledger (${entries.length} entries)`;
  const meta =
    `<span class="status ${escapeHtml(s.status)}">${escapeHtml(s.status)}</span> ` +
    `applied <b>${escapeHtml(s.applied)}</b>, desired <b>${escapeHtml(s.desired)}</b> · ${made}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${a.uplotCss}</style>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(data.rollout)}</h1>
<p class="meta">${meta}</p>
${s.failure ? `<p class="bad">${escapeHtml(s.failure)}</p>` : ''}
<h2>Timeline</h2>
<div id="timeline"></div>
<h2>Gates</h2>
<div id="gates">${data.gates.length ? '' : '<p class="note">No gate was opened.</p>'}</div>
<h2>Paged progress</h2>
<div id="progress">${data.progress.length ? '' : '<p class="note">No paged step ran.</p>'}</div>
<h2>Ledger</h2>
${ledgerTable(entries)}
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${inlineScript(a.uplotJs)}</script>
<script>${inlineScript(a.pageJs)}</script>
</body>
</html>
`;
}
