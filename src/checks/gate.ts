// The gate's decision (DESIGN §3, §4 step 3), pure: gate config + check configs + the samples so far -> a verdict.
// Semantics follow Argo Rollouts' AnalysisRun, per check:
// - failed samples: `fail` outcomes, counted only once the check has kept failing for its `for:` (a pass ends the
//   streak; error and inconclusive samples neither end nor extend it: they do not show the check recovered). Fails of
//   a streak younger than `for` are pending. More counted fails than `failureLimit` -> the check has failed.
// - errors: more consecutive `error` samples than `errorLimit`. Argo ends the run as Error; here the gate pauses
//   (could not measure = a person must look), whatever the severity: an outage of the metrics is not proof the change
//   is bad, and not proof it is good.
// - inconclusive samples: more than `inconclusiveLimit` -> pause.
// Severity of a failed check: critical | high -> failed (roll back), medium -> paused, low -> reported only. A low
// check never blocks: not by failing, erroring, being inconclusive, nor by lacking samples.
// Precedence: failed > paused > healthy | holding. Counts only grow, so once failed or paused a gate stays so.
// Healthy: the hold has elapsed, every blocking check has a sample in this gate, and none is pending (a failure
// that started inside the hold is not forgiven because the clock ran out).
import { durationMs, type Check, type Gate } from '../manifest/index.js';
import type { Sample, Severity } from './types.js';

export interface GateInput {
  gate: Gate;
  /** Check configs by name; must hold every name in `gate.checks`. */
  checks: Readonly<Record<string, Check>>;
  /** Every sample taken in this gate, oldest first (others' and older ones are ignored). */
  samples: readonly Sample[];
  startedAt: string | Date;
  now: Date;
}

/** A low-severity check past a limit: reported, never blocking. */
export interface GateNotice {
  check: string;
  reason: string;
  failing: Sample[];
}

type Reported = { reported?: GateNotice[] };
export type GateVerdict =
  | ({ state: 'holding'; due: string[]; passesAt: string } & Reported)
  | ({ state: 'healthy' } & Reported)
  | ({ state: 'failed'; severity: 'critical' | 'high'; reason: string; failing: Sample[] } & Reported)
  | ({ state: 'paused'; reason: string; failing: Sample[] } & Reported);

/** A scheduler that fires a little early must not skip a whole interval: a sample is due this much before `every`. */
export function dueSlackMs(everyMs: number): number {
  return Math.min(everyMs / 10, 30_000);
}

interface Tally {
  name: string;
  severity: Severity;
  samples: Sample[];
  counted: Sample[];
  /** Fails of the open streak not yet counted (younger than `for`). */
  pending: Sample[];
  /** The longest run of consecutive errors. */
  errorRun: Sample[];
  inconclusive: Sample[];
}

function tally(name: string, check: Check, samples: Sample[]): Tally {
  const forMs = check.for ? durationMs(check.for) : 0;
  const t: Tally = {
    name,
    severity: check.severity,
    samples,
    counted: [],
    pending: [],
    errorRun: [],
    inconclusive: [],
  };
  let streakStart: number | undefined;
  let errors: Sample[] = [];
  for (const s of samples) {
    const at = Date.parse(s.at);
    if (s.outcome === 'error') {
      errors.push(s);
      if (errors.length > t.errorRun.length) t.errorRun = errors;
      continue;
    }
    errors = [];
    if (s.outcome === 'pass') {
      streakStart = undefined;
      t.pending = [];
    } else if (s.outcome === 'inconclusive') {
      t.inconclusive.push(s);
    } else {
      streakStart ??= at;
      if (at - streakStart >= forMs) {
        t.counted.push(s);
        t.pending = [];
      } else t.pending.push(s);
    }
  }
  return t;
}

function why(s: Sample | undefined): string {
  const text = s?.error ?? s?.reason;
  return text ? `: ${text}` : '';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface Finding {
  check: string;
  severity: Severity;
  kind: 'fail' | 'error' | 'inconclusive';
  reason: string;
  failing: Sample[];
}

function findings(t: Tally, gate: Gate): Finding[] {
  const out: Finding[] = [];
  const base = { check: t.name, severity: t.severity };
  if (t.counted.length > gate.failureLimit)
    out.push({
      ...base,
      kind: 'fail',
      reason: `${t.name} failed ${plural(t.counted.length, 'sample')} (failureLimit ${gate.failureLimit})${why(t.counted.at(-1))}`,
      failing: t.counted,
    });
  if (t.errorRun.length > gate.errorLimit)
    out.push({
      ...base,
      kind: 'error',
      reason: `${t.name} could not be measured ${t.errorRun.length} times in a row (errorLimit ${gate.errorLimit})${why(t.errorRun.at(-1))}`,
      failing: t.errorRun,
    });
  if (t.inconclusive.length > gate.inconclusiveLimit)
    out.push({
      ...base,
      kind: 'inconclusive',
      reason: `${t.name} was inconclusive ${plural(t.inconclusive.length, 'time')} (inconclusiveLimit ${gate.inconclusiveLimit})${why(t.inconclusive.at(-1))}`,
      failing: t.inconclusive,
    });
  return out;
}

export function decideGate(input: GateInput): GateVerdict {
  const { gate, now } = input;
  const start = typeof input.startedAt === 'string' ? Date.parse(input.startedAt) : input.startedAt.getTime();
  if (Number.isNaN(start)) throw new Error(`gate start is not a time: ${String(input.startedAt)}`);
  const nowMs = now.getTime();
  const holdEnd = start + durationMs(gate.hold);
  const everyMs = durationMs(gate.every);

  const names = [...new Set(gate.checks)];
  const tallies = names.map((name) => {
    const check = input.checks[name];
    if (!check) throw new Error(`gate names check ${name}, which is not defined`);
    const own = input.samples
      .filter((s) => s.check === name && Date.parse(s.at) >= start)
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    return tally(name, check, own);
  });

  const all = tallies.flatMap((t) => findings(t, gate));
  const reported: GateNotice[] = all
    .filter((f) => f.severity === 'low')
    .map(({ check, reason, failing }) => ({ check, reason, failing }));
  const extra: Reported = reported.length ? { reported } : {};
  const blocking = all.filter((f) => f.severity !== 'low');

  const failed = blocking.filter((f) => f.kind === 'fail' && (f.severity === 'critical' || f.severity === 'high'));
  if (failed.length) {
    return {
      state: 'failed',
      severity: failed.some((f) => f.severity === 'critical') ? 'critical' : 'high',
      reason: failed.map((f) => f.reason).join('; '),
      failing: failed.flatMap((f) => f.failing),
      ...extra,
    };
  }
  if (blocking.length) {
    return {
      state: 'paused',
      reason: blocking.map((f) => f.reason).join('; '),
      failing: blocking.flatMap((f) => f.failing),
      ...extra,
    };
  }

  const nextSampleAt = (t: Tally): number => {
    const last = t.samples.at(-1);
    return last ? Date.parse(last.at) + everyMs : nowMs;
  };
  const waitingOn = tallies.filter((t) => t.severity !== 'low' && (t.samples.length === 0 || t.pending.length > 0));
  if (nowMs >= holdEnd && waitingOn.length === 0) return { state: 'healthy', ...extra };

  const slack = dueSlackMs(everyMs);
  const due = tallies.filter((t) => nextSampleAt(t) - slack <= nowMs).map((t) => t.name);
  const passesAt = Math.max(holdEnd, ...waitingOn.map(nextSampleAt));
  return { state: 'holding', due, passesAt: new Date(passesAt).toISOString(), ...extra };
}
