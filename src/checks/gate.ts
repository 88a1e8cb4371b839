// The gate's decision (DESIGN §3, §4 step 3), pure: gate config + check configs + the samples so far -> a verdict.
//
// The contract: a gate passes only on evidence of health, never on the absence of bad news.
// - Healthy: the hold has elapsed and, in the pass that decides, every blocking check (severity above low) was
//   sampled afresh (rule 1, "look before passing": `sampledThisPass`), its latest sample is `pass`, and it has at
//   least `minSamples` (default 1) `pass` samples in this gate (rule 2). A gate with no blocking check (a hold only,
//   or only low checks) is healthy once the hold has elapsed.
// - Holding: anything short of that and of a limit below. Samples that are all `error` (at most `errorLimit` in a
//   row) or `inconclusive` (at most `inconclusiveLimit`) are no evidence: the gate keeps holding, past the hold too.
// - `every` (rule 3): a check is due when its last sample is `every` old (a little early: dueSlackMs), never sooner,
//   except the final look: once the hold has elapsed and a fresh `pass` of every blocking check not yet sampled in
//   this pass would make the gate healthy, those checks are due at once. A final look that does not come back all
//   `pass` leaves a latest sample that is not `pass`, so the next look waits for `every` again: an `apply` loop
//   cannot take a sample a second.
// Per check, limits as Argo Rollouts' AnalysisRun:
// - failed samples: `fail` outcomes, counted only once the check has kept failing for its `for:` (a pass ends the
//   streak; error and inconclusive samples neither end nor extend it: they do not show the check recovered). Fails of
//   a streak younger than `for` are pending. More counted fails than `failureLimit` -> the check has failed.
// - errors: more consecutive `error` samples than `errorLimit`. Argo ends the run as Error; here the gate pauses
//   (could not measure = a person must look), whatever the severity: an outage of the metrics is not proof the change
//   is bad, and not proof it is good.
// - inconclusive samples: more than `inconclusiveLimit` -> pause.
// Severity of a failed check: critical | high -> failed (roll back), medium -> paused, low -> reported only. A low
// check never blocks: not by failing, erroring, being inconclusive, nor by lacking samples; it is sampled on `every`.
// Precedence: failed > paused > healthy | holding. Counts only grow, so once failed or paused a gate stays so.
// The counts come from gate-tally.ts; the verdict on a folded tally and the recent samples is the verdict on all of
// them.
import { durationMs, type Check, type Gate } from '../manifest/index.js';
import { ownSamples, tallyCheck, type CheckTally, type Tally } from './gate-tally.js';
import type { Sample, Severity } from './types.js';

export interface GateInput {
  gate: Gate;
  /** Check configs by name; must hold every name in `gate.checks`. */
  checks: Readonly<Record<string, Check>>;
  /** Every sample taken in this gate, oldest first (others' and older ones are ignored). */
  samples: readonly Sample[];
  /** Per check, the tally of its samples older than those in `samples` (see foldSamples). */
  tally?: Readonly<Record<string, CheckTally>>;
  startedAt: string | Date;
  now: Date;
  /**
   * The checks sampled in the pass that is deciding (their latest sample is that pass's). Only these count as
   * looked at afresh; without it no check has been, and the gate cannot become healthy.
   */
  sampledThisPass?: readonly string[];
}

/** A low-severity check past a limit: reported, never blocking. */
export interface GateNotice {
  check: string;
  reason: string;
  failing: Sample[];
}

type Reported = { reported?: GateNotice[] };
export type GateVerdict =
  | ({
      state: 'holding';
      due: string[];
      passesAt: string;
      /** Once the hold has elapsed: why each blocking check that lacks evidence is not healthy yet. */
      waiting?: string[];
    } & Reported)
  | ({ state: 'healthy' } & Reported)
  | ({ state: 'failed'; severity: 'critical' | 'high'; reason: string; failing: Sample[] } & Reported)
  | ({ state: 'paused'; reason: string; failing: Sample[] } & Reported);

/** A scheduler that fires a little early must not skip a whole interval: a sample is due this much before `every`. */
export function dueSlackMs(everyMs: number): number {
  return Math.min(everyMs / 10, 30_000);
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
  if (t.countedN > gate.failureLimit)
    out.push({
      ...base,
      kind: 'fail',
      reason:
        `${t.name} failed ${plural(t.countedN, 'sample')} (failureLimit ${gate.failureLimit})` + why(t.counted.at(-1)),
      failing: t.counted,
    });
  if (t.errorRunN > gate.errorLimit)
    out.push({
      ...base,
      kind: 'error',
      reason:
        `${t.name} could not be measured ${t.errorRunN} times in a row (errorLimit ${gate.errorLimit})` +
        why(t.errorRun.at(-1)),
      failing: t.errorRun,
    });
  if (t.inconclusiveN > gate.inconclusiveLimit)
    out.push({
      ...base,
      kind: 'inconclusive',
      reason:
        `${t.name} was inconclusive ${plural(t.inconclusiveN, 'time')} (inconclusiveLimit ${gate.inconclusiveLimit})` +
        why(t.inconclusive.at(-1)),
      failing: t.inconclusive,
    });
  return out;
}

/** Why a blocking check is no evidence of health yet; null when its latest sample is a pass and it has enough. */
function lackOfEvidence(t: Tally, minSamples: number): string | null {
  const last = t.samples.at(-1);
  if (!last) return `${t.name}: no sample yet`;
  if (last.outcome !== 'pass') {
    if (t.passes === 0) return `${t.name}: no pass sample yet (latest ${last.outcome}${why(last)})`;
    return `${t.name}: latest sample is ${last.outcome}${why(last)}`;
  }
  if (t.passes < minSamples) return `${t.name}: ${t.passes} of minSamples ${minSamples} pass samples`;
  return null;
}

export function decideGate(input: GateInput): GateVerdict {
  const { gate, now } = input;
  const start = typeof input.startedAt === 'string' ? Date.parse(input.startedAt) : input.startedAt.getTime();
  if (Number.isNaN(start)) throw new Error(`gate start is not a time: ${String(input.startedAt)}`);
  const nowMs = now.getTime();
  const holdEnd = start + durationMs(gate.hold);
  const everyMs = durationMs(gate.every);
  const minSamples = gate.minSamples;
  const fresh = new Set(input.sampledThisPass ?? []);

  const names = [...new Set(gate.checks)];
  const tallies = names.map((name) => {
    const check = input.checks[name];
    if (!check) throw new Error(`gate names check ${name}, which is not defined`);
    return tallyCheck(name, check, ownSamples(name, input.samples, start), input.tally?.[name]);
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

  const gating = tallies.filter((t) => t.severity !== 'low');
  const held = nowMs >= holdEnd;
  const lacking = gating.flatMap((t) => lackOfEvidence(t, minSamples) ?? []);
  if (held && lacking.length === 0 && gating.every((t) => fresh.has(t.name))) return { state: 'healthy', ...extra };

  // The final look: one fresh pass of each blocking check not yet sampled in this pass would make the gate healthy.
  const finalLook =
    held &&
    gating.every((t) => t.samples.at(-1)?.outcome === 'pass' && t.passes + (fresh.has(t.name) ? 0 : 1) >= minSamples);
  const slack = dueSlackMs(everyMs);
  const lastAt = (t: Tally): number | null => {
    const last = t.samples.at(-1);
    return last ? Date.parse(last.at) : null;
  };
  const due = tallies
    .filter((t) => !fresh.has(t.name))
    .filter((t) => {
      const last = lastAt(t);
      return last === null || last + everyMs - slack <= nowMs || (finalLook && t.severity !== 'low');
    })
    .map((t) => t.name);

  // When the gate could pass at the earliest: each blocking check needs a latest pass and minSamples passes.
  const earliest = gating.map((t) => {
    const last = t.samples.at(-1);
    const needed = Math.max(last?.outcome === 'pass' ? 0 : 1, minSamples - t.passes);
    if (needed === 0) return nowMs;
    const first = Math.max(nowMs, last ? Date.parse(last.at) + everyMs : nowMs);
    return first + (needed - 1) * everyMs;
  });
  const passesAt = Math.max(holdEnd, ...earliest);
  const waiting = held ? { waiting: lacking } : {};
  return { state: 'holding', due, passesAt: new Date(passesAt).toISOString(), ...waiting, ...extra };
}
