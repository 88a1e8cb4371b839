// `rollouts status --watch` and `apply --watch`: read the state until every watched rollout settles, redrawing the
// live view in place on a terminal (report/terminal.ts) or printing a plain line per change otherwise. apply --watch
// also runs a reconcile pass whenever one is due: when a gate check's next sample is due (its last sample + `every`,
// never sooner) or its hold ends; so a gate is sampled at its `every` until it decides.
import { durationMs, type Manifest } from '../manifest/index.js';
import { currentProgress, pauseNote, type Reporter } from '../engine/index.js';
import { StateFileError, type GitStateStore, type RolloutState } from '../state/index.js';
import { gateSeries } from '../report/markdown.js';
import type { SamplePoint } from '../report/series.js';
import { plainStatusLine, watchFrame, type WatchModel } from '../report/terminal.js';
import { outcomeOf } from '../report/series.js';
import { colourEnabled } from './colour.js';
import { CliFailure, EXIT } from './errors.js';
import type { CliIO } from './io.js';

/** A batch the engine reported this moment (ahead of the checkpoints the state has). */
export interface LiveBatch {
  rollout: string;
  phase: string;
  step: string;
  batches: number;
  items: number;
  maxBatches?: number;
}

export type Settled = 'running' | 'done' | 'failed';

const phaseAt = (m: Manifest, name: string) => (name === 'none' ? -1 : m.phases.findIndex((p) => p.name === name));

/**
 * Whether a rollout has come to rest: done (complete, healthy at its desired phase, rolled back, nothing desired),
 * failed (a failed or paused gate or step: a person must act), or still running (applying, holding, rolling back, or
 * desired and applied differ so the next pass acts).
 */
export function settled(m: Manifest, s: RolloutState | null): Settled {
  const status = s?.status ?? 'none';
  const applied = s?.applied ?? 'none';
  if (status === 'failed' || status === 'paused') return 'failed';
  if (['applying', 'holding', 'rolling-back'].includes(status)) return 'running';
  return phaseAt(m, m.phase) === phaseAt(m, applied) ? 'done' : 'running';
}

/** When apply --watch should run its next pass (ms): now unless a gate is holding, then its next due sample. */
export function nextPassAt(m: Manifest, s: RolloutState | null, now: number): number {
  const gate = s?.gate;
  if (s?.status !== 'holding' || !gate) return now;
  const g = m.phases.find((p) => p.name === gate.phase)?.gate;
  if (!g) return now;
  const every = durationMs(g.every);
  const samples = gate.samples as SamplePoint[];
  let due = Infinity;
  for (const check of g.checks) {
    let last = -Infinity;
    for (const x of samples) if (x.check === check) last = Math.max(last, Date.parse(x.at));
    due = Math.min(due, last === -Infinity ? now : last + every);
  }
  const holdEnd = Date.parse(gate.passesAt);
  if (holdEnd > now) due = Math.min(due, holdEnd);
  return Number.isFinite(due) ? Math.max(now, due) : Math.max(now, holdEnd);
}

export function watchModel(
  m: Manifest,
  s: RolloutState | null,
  now: number,
  live?: LiveBatch | null,
  events?: readonly string[],
): WatchModel {
  const progress = s ? currentProgress(s) : null;
  const gate = s?.gate;
  const gateConfig = gate ? m.phases.find((p) => p.name === gate.phase)?.gate : undefined;
  const step = s?.step ?? (live ? live.step : null);
  const paged = m.phases.find((p) => p.name === (live?.phase ?? s?.applied))?.steps.find((x) => x.name === step);
  const fresh = live && live.step === step ? live : null;
  return {
    name: m.name,
    desired: m.phase,
    applied: s?.applied ?? 'none',
    status: s?.status ?? 'none',
    phases: m.phases.map((p) => p.name),
    step,
    progress:
      progress || fresh
        ? {
            batches: Math.max(fresh?.batches ?? 0, progress?.batches ?? 0),
            items: Math.max(fresh?.items ?? 0, progress?.items ?? 0),
            startedAt: progress?.startedAt,
            maxBatches: fresh?.maxBatches ?? paged?.paginate?.maxBatches,
          }
        : null,
    gate: gate
      ? {
          phase: gate.phase,
          startedAt: gate.startedAt,
          passesAt: gate.passesAt,
          hold: gateConfig?.hold,
          every: gateConfig?.every,
          checks: gateSeries(m, gate.phase, gate.samples as SamplePoint[], gate.baseline),
        }
      : null,
    lease: s?.lease ?? null,
    failure: (s?.failure as { reason?: string } | null | undefined) ?? null,
    pause: s?.pause ? pauseNote(s.pause) : undefined,
    events,
    now,
  };
}

export interface WatchDeps {
  io: CliIO;
  store: GitStateStore;
  /** The rollouts watched. */
  manifests: Manifest[];
  /** Read the remote's state each time (a state pushed to a remote by other runners). */
  fetch: boolean;
  /** apply --watch: one reconcile pass of the watched rollouts. */
  pass?: () => Promise<void>;
  live?: () => LiveBatch | null;
  events?: () => readonly string[];
  /** How often the view is read and redrawn. */
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** Terminal width; default $COLUMNS or 100. */
  columns?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Watches until every rollout settles; returns the exit code (0 done, 1 any failed or paused). */
export async function watchRollouts(d: WatchDeps): Promise<number> {
  const now = d.now ?? Date.now;
  const sleep = d.sleep ?? defaultSleep;
  const tty = d.io.isTTY && !!d.io.errRaw;
  const color = tty && colourEnabled(d.io.env, true);
  const width = d.columns ?? (Number(d.io.env.COLUMNS) || 100);
  const pollMs = d.pollMs ?? (tty ? 1000 : 2000);
  let drawn = 0;
  const lastLine = new Map<string, string>();
  const seenSamples = new Map<string, number>();

  const read = async () => {
    const out: { m: Manifest; s: RolloutState | null }[] = [];
    let first = true;
    for (const m of d.manifests) {
      try {
        const { state } = await d.store.readState(m.name, { fetch: d.fetch && first });
        out.push({ m, s: state });
      } catch (err) {
        // A corrupt state.json stops its rollout until a person repairs it: nothing to wait for.
        if (err instanceof StateFileError) throw new CliFailure(err.message, EXIT.failure);
        throw err;
      }
      first = false;
    }
    return out;
  };

  const draw = (views: { m: Manifest; s: RolloutState | null }[]) => {
    const t = now();
    if (tty) {
      const lines = views.flatMap(({ m, s }, i) => [
        ...(i ? [''] : []),
        ...watchFrame(watchModel(m, s, t, d.live?.(), i === views.length - 1 ? d.events?.() : undefined), {
          width,
          color,
        }),
      ]);
      d.io.errRaw!(`${drawn ? `\x1b[${drawn}F\x1b[J` : '\x1b[?25l'}${lines.join('\n')}\n`);
      drawn = lines.length;
      return;
    }
    for (const { m, s } of views) {
      const model = watchModel(m, s, t, d.live?.());
      const line = plainStatusLine(model);
      if (lastLine.get(m.name) !== line) d.io.out(`${new Date(t).toISOString()} ${line}`);
      lastLine.set(m.name, line);
      // Each new sample once, oldest first.
      const samples = (s?.gate?.samples ?? []) as SamplePoint[];
      const seen = seenSamples.get(`${m.name}/${s?.gate?.startedAt}`) ?? 0;
      for (const x of samples.slice(seen)) {
        const value = x.value !== null ? ` ${x.value}` : '';
        const why = x.reason || x.error ? ` (${x.reason ?? x.error})` : '';
        d.io.out(`${x.at} ${m.name}: ${s!.gate!.phase} ${x.check} ${outcomeOf(x)}${value}${why}`);
      }
      seenSamples.set(`${m.name}/${s?.gate?.startedAt}`, samples.length);
    }
  };

  const restore = () => {
    if (tty) d.io.errRaw!('\x1b[?25h');
  };
  try {
    for (;;) {
      if (d.signal?.aborted) return 130;
      if (d.pass) {
        let passing = true;
        const passed = d.pass().finally(() => (passing = false));
        // Redraw while the pass runs (a paged step can take a while).
        while (passing) {
          draw(await read());
          await Promise.race([passed.catch(() => undefined), sleep(pollMs)]);
        }
        await passed;
      }
      const views = await read();
      draw(views);
      const states = views.map(({ m, s }) => settled(m, s));
      if (states.every((x) => x !== 'running')) return states.includes('failed') ? EXIT.failure : EXIT.ok;
      // apply --watch: sleep until the next pass is due, redrawing meanwhile; status --watch: poll.
      // A pass that had nothing due (another runner's lease, a step to resume) is not retried at once.
      const due = Math.min(...views.map(({ m, s }) => nextPassAt(m, s, now())));
      const wake = d.pass && due > now() ? due : now() + pollMs;
      do {
        await sleep(Math.max(0, Math.min(pollMs, wake - now())));
        if (d.signal?.aborted) return 130;
        if (now() < wake) draw(await read());
      } while (now() < wake);
    }
  } finally {
    restore();
  }
}

/**
 * The engine's progress while the live view owns the terminal: lines become the view's recent events, batches its
 * live progress (the state's checkpoints are buffered, so they lag).
 */
export function watchReporter(keep = 5): {
  reporter: Reporter;
  live: () => LiveBatch | null;
  events: () => readonly string[];
} {
  const events: string[] = [];
  let live: LiveBatch | null = null;
  const push = (line: string) => {
    events.push(line.trim());
    if (events.length > keep) events.splice(0, events.length - keep);
  };
  const step = (label: string) => {
    const [phase = '', name = ''] = label.trim().split('/');
    return { phase, step: name };
  };
  return {
    reporter: {
      info: push,
      batch(label, batches, items, _ms, maxBatches) {
        live = { rollout: '', ...step(label), batches, items, maxBatches };
      },
      done(label, batches, items, ms) {
        live = null;
        push(`${label.trim()}: done, ${batches} batches, ${items} items in ${(ms / 1000).toFixed(1)}s`);
      },
    },
    live: () => live,
    events: () => events,
  };
}
