// The rollout's story from its ledger as spans on lanes: each phase's steps and gate hold, runs of failing samples,
// failures, pauses, the rollback and its verify. One model for the Mermaid gantt (revert PR, job summary), the HTML
// report and the terminal. Seed 004's incident timeline (detected, rollback decided, executed, verified) is these
// spans, drawn.
import type { LedgerEntry } from '../state/types.js';
import { gantt, type GanttTask } from './mermaid.js';
import { formatDuration } from './series.js';

export type SpanState = 'done' | 'active' | 'failed' | 'paused';

export interface TimelineSpan {
  /** A phase name, or `rollback` / `drill`. */
  lane: string;
  label: string;
  kind: 'step' | 'hold' | 'failing' | 'event' | 'rollback' | 'verify' | 'drill';
  start: number;
  end: number;
  state: SpanState;
  /** A point in time (a failure, a decision), not a stretch. */
  point: boolean;
}

type R = Record<string, unknown> | undefined;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Reads the ledger one entry at a time (a long gate's ledger is streamed, never held): memory is the spans. */
export class TimelineBuilder {
  private readonly all: TimelineSpan[] = [];
  private readonly open = new Map<string, TimelineSpan>();
  private readonly failingCount = new WeakMap<TimelineSpan, number>();

  private begin(key: string, s: Omit<TimelineSpan, 'end' | 'point'>): TimelineSpan {
    const span = { ...s, end: s.start, point: false };
    this.open.set(key, span);
    this.all.push(span);
    return span;
  }

  private close(key: string, t: number, state: SpanState): void {
    const s = this.open.get(key);
    if (!s) return;
    s.end = t;
    s.state = state;
    this.open.delete(key);
  }

  private closeAll(prefix: string, t: number, state: SpanState): void {
    for (const key of [...this.open.keys()]) if (key.startsWith(prefix)) this.close(key, t, state);
  }

  private point(lane: string, label: string, t: number, state: SpanState, kind: TimelineSpan['kind'] = 'event'): void {
    this.all.push({ lane, label, kind, start: t, end: t, state, point: true });
  }

  add(e: LedgerEntry): void {
    const t = Date.parse(e.time);
    if (Number.isNaN(t)) return;
    const r = e.result as R;
    const phase = e.phase ?? '';
    const { open } = this;
    const begin = this.begin.bind(this);
    const close = this.close.bind(this);
    const closeAll = this.closeAll.bind(this);
    const point = this.point.bind(this);
    switch (e.kind) {
      case 'transition': {
        const status = str(r?.status);
        if (status === 'applying') {
          closeAll('', t, 'done');
          point(phase, `enter ${phase}`, t, 'done');
        } else if (status === 'healthy' || status === 'complete') {
          close(`hold/${phase}`, t, 'done');
          point(
            phase,
            status === 'complete' ? 'complete' : `healthy${r?.next ? ` (next ${str(r.next)})` : ''}`,
            t,
            'done',
          );
        } else if (status === 'rolled-back' || (status === 'failed' && open.has('rollback'))) {
          close('rollback', t, status === 'rolled-back' ? 'done' : 'failed');
          point(
            'rollback',
            status === 'rolled-back' ? `rolled back to ${str(r?.applied)}` : 'verify failed',
            t,
            status === 'rolled-back' ? 'done' : 'failed',
          );
        }
        break;
      }
      case 'step-start': {
        const stepKind = str(r?.stepKind) || 'apply';
        const lane = stepKind === 'rollback' ? 'rollback' : stepKind === 'drill' ? 'drill' : phase;
        const label = stepKind === 'apply' ? `step ${e.step}` : `${stepKind} ${phase} ${e.step}`;
        begin(`step/${phase}/${e.step}`, { lane, label, kind: 'step', start: t, state: 'active' });
        break;
      }
      case 'step-end':
        close(`step/${phase}/${e.step}`, t, 'done');
        break;
      case 'step-failed':
        close(`step/${phase}/${e.step}`, t, 'failed');
        point(phase || 'rollback', `step ${e.step ?? ''} failed`, t, 'failed');
        break;
      case 'gate-open':
        begin(`hold/${phase}`, {
          lane: phase,
          label: `gate hold ${str(r?.hold)}`.trim(),
          kind: 'hold',
          start: t,
          state: 'active',
        });
        break;
      case 'sample': {
        const check = str(r?.check);
        const key = `failing/${phase}/${check}`;
        if (r?.outcome === 'fail') {
          const s = open.get(key) ?? begin(key, { lane: phase, label: '', kind: 'failing', start: t, state: 'failed' });
          s.end = t;
          const n = (this.failingCount.get(s) ?? 0) + 1;
          this.failingCount.set(s, n);
          s.label = `${check} failing (${n})`;
        } else if (r?.outcome === 'pass') close(key, open.get(key)?.end ?? t, 'failed');
        break;
      }
      case 'gate-failed':
        for (const key of [...open.keys()].filter((k) => k.startsWith(`failing/${phase}/`)))
          close(key, open.get(key)!.end, 'failed');
        close(`hold/${phase}`, t, 'failed');
        point(phase, `gate failed${r?.severity ? ` (${str(r.severity)})` : ''}`, t, 'failed');
        break;
      case 'gate-paused':
        close(`hold/${phase}`, t, 'paused');
        point(phase, 'gate paused', t, 'paused');
        break;
      case 'paused':
        point(phase, `paused by ${str(r?.by)}${e.step ? ` at ${e.step}` : ''}`, t, 'paused');
        break;
      case 'resume':
        point(phase, `resume${e.step ? ` at ${e.step}` : ''}`, t, 'done');
        break;
      case 'emergency-rollback':
        point('rollback', `emergency rollback to ${str(r?.to)}`, t, 'failed');
        break;
      case 'rollback-start':
        closeAll('hold/', t, 'failed');
        closeAll('failing/', t, 'failed');
        begin('rollback', {
          lane: 'rollback',
          label: `roll back ${str(r?.from)} to ${str(r?.to)}`,
          kind: 'rollback',
          start: t,
          state: 'active',
        });
        break;
      case 'phase-rolled-back':
        point('rollback', `${phase} rolled back`, t, 'done');
        break;
      case 'verify':
        point(
          'rollback',
          `verify ${str(r?.check)} ${str(r?.outcome)}`,
          t,
          r?.outcome === 'pass' ? 'done' : 'failed',
          'verify',
        );
        break;
      case 'drill-start':
        begin('drill', { lane: 'drill', label: 'drill', kind: 'drill', start: t, state: 'active' });
        break;
      case 'drill':
        if (!open.has('drill') && r?.rtoMs === undefined) break;
        close('drill', t, r?.ok === false ? 'failed' : 'done');
        if (typeof r?.rtoMs === 'number')
          point('drill', `drill RTO ${formatDuration(r.rtoMs)}`, t, r.ok === false ? 'failed' : 'done');
        break;
    }
  }

  /** The spans so far; those still open run to `now`. */
  spans(now: number = Date.now()): TimelineSpan[] {
    const open = new Set(this.open.values());
    return this.all.map((s) => {
      // A run of failing samples ends at its last one (open or not); one failing sample is a point.
      if (s.kind === 'failing') return { ...s, point: s.end === s.start };
      return open.has(s) ? { ...s, end: Math.max(s.end, now), state: 'active' } : { ...s };
    });
  }
}

export function timelineOf(entries: Iterable<LedgerEntry>, now: number = Date.now()): TimelineSpan[] {
  const b = new TimelineBuilder();
  for (const e of entries) b.add(e);
  return b.spans(now);
}

const TAGS: Record<SpanState, GanttTask['tags']> = { done: ['done'], active: ['active'], failed: ['crit'], paused: [] };

/** A hold that ended in a failure is drawn plain: the red is for the failing samples and the failure itself. */
function tagsOf(s: TimelineSpan): GanttTask['tags'] {
  const tags = s.kind === 'hold' && s.state === 'failed' ? [] : TAGS[s.state];
  return s.point ? [...tags, 'milestone'] : tags;
}

/** The spans as a Mermaid gantt; the latest `maxTasks` when there are more. Null when there is nothing to draw. */
export function timelineGantt(
  spans: readonly TimelineSpan[],
  opts: { title: string; maxTasks?: number; from?: number; to?: number },
): { source: string; dropped: number } | null {
  const inWindow = spans.filter(
    (s) => (opts.from === undefined || s.end >= opts.from) && (opts.to === undefined || s.start <= opts.to),
  );
  if (!inWindow.length) return null;
  const max = opts.maxTasks ?? 40;
  const kept = [...inWindow].sort((a, b) => a.start - b.start).slice(-max);
  const start = Math.min(...kept.map((s) => s.start));
  const end = Math.max(...kept.map((s) => s.end));
  const tasks: GanttTask[] = kept.map((s) => ({
    section: s.lane || 'rollout',
    label: s.label,
    start: s.start,
    end: s.end,
    tags: tagsOf(s),
  }));
  return { source: gantt(opts.title, tasks, end - start), dropped: inWindow.length - kept.length };
}
