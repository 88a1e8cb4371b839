// The ledger as a history a person reads on a terminal (`rollouts log`): one line an entry, with its time, who, where
// (phase/step), what happened, counts and duration. Seed 004's incident timeline is these lines, read top to bottom.
import type { LedgerEntry } from '../state/types.js';

type R = Record<string, unknown>;
const s = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const MAX = 240;

function sampleText(r: R): string {
  const value = r.value !== null && r.value !== undefined ? ` (${s(r.value)})` : '';
  const why = r.reason ?? r.error;
  return `${s(r.check)} ${s(r.outcome)}${value}${why ? ` — ${s(why)}` : ''}`;
}

/** What happened, in words, for the kinds a person looks for; the others as their compact record. */
function what(e: LedgerEntry): string {
  const r = (e.result ?? {}) as R;
  switch (e.kind) {
    case 'transition':
      return r.from !== undefined
        ? `${s(r.from)} -> ${s(r.to)}, ${s(r.status)}`
        : `${s(r.status)}${r.next ? `; next ${s(r.next)}` : ''}`;
    case 'gate-open': {
      const checks = (r.checks as string[] | undefined)?.join(', ') || 'none';
      return `gate open: hold ${s(r.hold)}, every ${s(r.every)}, checks ${checks}; passes at ${s(r.passesAt)}`;
    }
    case 'sample':
    case 'verify':
      return sampleText(r);
    case 'gate-failed':
      return `gate failed (${s(r.severity)}): ${s(r.reason)}`;
    case 'gate-paused':
      return `gate paused: ${s(r.reason)}`;
    case 'rollback-start':
      return `rollback ${s(r.from)} -> ${s(r.to)} (${s(r.reason)})`;
    case 'phase-rolled-back':
      return `rolled back; applied now ${s(r.applied)}`;
    case 'emergency-rollback':
      return `emergency rollback ${s(r.from)} -> ${s(r.to)}`;
    case 'resume':
    case 'retry': {
      const failure = (r.failure ?? r.after) as R | null | undefined;
      return `${e.kind}${r.from ? ` from ${s(r.from)}` : ''}${failure?.reason ? ` (was: ${s(failure.reason)})` : ''}`;
    }
    case 'pause':
      return `pause asked${r.holder ? ' while a run held the lease' : ''}${r.reason ? `: ${s(r.reason)}` : ''}`;
    case 'paused':
      return `paused (was ${s(r.from)})${r.batches !== undefined ? ` after batch ${s(r.batches)}, cursor saved` : ''}`;
    case 'override':
      return `hold skipped (${s(r.from)} -> ${s(r.status)}): ${s(r.reason)}`;
    case 'step-start': {
      const from = (r.resumeFrom as R | undefined)?.batches;
      return `${s(r.stepKind) || 'step'} started${from !== undefined ? `, resumed after batch ${s(from)}` : ''}`;
    }
    case 'step-result': {
      const status = r.status ?? r.exitCode;
      const numbers = Object.entries(r).filter(([k, v]) => typeof v === 'number' && k !== 'status' && k !== 'exitCode');
      const tally = numbers.map(([k, v]) => `${k} ${s(v)}`).join(', ');
      const code = status !== undefined ? ` ${r.status !== undefined ? 'HTTP' : 'exit'} ${s(status)}` : '';
      return `result${code}${tally ? `: ${tally}` : ''}`;
    }
    case 'drill':
      return `drill ${r.ok ? 'ok' : 'failed'}, RTO ${s(r.rtoMs)} ms`;
    default:
      return e.result === undefined ? e.kind : `${e.kind} ${s(e.result)}`;
  }
}

export function logLine(e: LedgerEntry): string {
  const where = [e.phase, e.step].filter(Boolean).join('/') || '-';
  const counts = e.counts
    ? ` [${Object.entries(e.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}]`
    : '';
  const took = e.durationMs !== undefined ? ` in ${e.durationMs} ms` : '';
  const error = e.error ? ` — error: ${e.error}` : '';
  const text = `${what(e)}${counts}${took}${error}`;
  return `${e.time}  ${e.actor}  ${where}  ${text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text}`;
}
