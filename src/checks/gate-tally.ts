// A gate's counts per check (checks/gate.ts reads them): how many samples failed, errored or were inconclusive, the
// streaks the limits look at, the passes. A long gate keeps only each check's recent samples in state.json: the older
// ones are folded into a `CheckTally` (foldSamples), and a tally seeded with it counts on as if it had seen them all.
import { durationMs, type Check, type Gate } from '../manifest/index.js';
import type { Sample, Severity } from './types.js';

/** What the verdict needs of a check's samples that are no longer kept (state.json `gate.tally`). */
export interface CheckTally {
  /** How many samples were folded in, and when the last of them was taken. */
  samples: number;
  lastAt: string;
  /** Counted fails (a streak older than `for`). */
  counted: number;
  /** When the open streak of fails started (null: none), and its fails not yet counted. */
  streakStart: string | null;
  pending: number;
  /** Consecutive errors at the end, and the longest run of them. */
  errors: number;
  errorRun: number;
  inconclusive: number;
  passes: number;
}

/** Counts include the folded samples; the lists hold only the samples at hand (for reasons and evidence). */
export interface Tally {
  name: string;
  severity: Severity;
  samples: Sample[];
  total: number;
  lastAt: number | undefined;
  counted: Sample[];
  countedN: number;
  /** Fails of the open streak not yet counted (younger than `for`). */
  pending: Sample[];
  pendingN: number;
  streakStart: number | undefined;
  /** The longest run of consecutive errors, its length, and the length of the run at the end. */
  errorRun: Sample[];
  errorRunN: number;
  errorsN: number;
  inconclusive: Sample[];
  inconclusiveN: number;
  /** How many `pass` samples the check has in this gate. */
  passes: number;
}

/** The counts of one check's samples (by time, taken in this gate), on from `seed` when older ones were folded. */
export function tallyCheck(name: string, check: Check, samples: Sample[], seed?: CheckTally): Tally {
  const forMs = check.for ? durationMs(check.for) : 0;
  const t: Tally = {
    name,
    severity: check.severity,
    samples,
    total: seed?.samples ?? 0,
    lastAt: seed ? Date.parse(seed.lastAt) : undefined,
    counted: [],
    countedN: seed?.counted ?? 0,
    pending: [],
    pendingN: seed?.pending ?? 0,
    streakStart: seed?.streakStart ? Date.parse(seed.streakStart) : undefined,
    errorRun: [],
    errorRunN: seed?.errorRun ?? 0,
    errorsN: seed?.errors ?? 0,
    inconclusive: [],
    inconclusiveN: seed?.inconclusive ?? 0,
    passes: seed?.passes ?? 0,
  };
  let errors: Sample[] = [];
  for (const s of samples) {
    const at = Date.parse(s.at);
    t.total++;
    t.lastAt = at;
    if (s.outcome === 'error') {
      errors.push(s);
      if (++t.errorsN > t.errorRunN) {
        t.errorRunN = t.errorsN;
        t.errorRun = errors;
      }
      continue;
    }
    errors = [];
    t.errorsN = 0;
    if (s.outcome === 'pass') {
      t.passes++;
      t.streakStart = undefined;
      t.pending = [];
      t.pendingN = 0;
    } else if (s.outcome === 'inconclusive') {
      t.inconclusive.push(s);
      t.inconclusiveN++;
    } else {
      t.streakStart ??= at;
      if (at - t.streakStart >= forMs) {
        t.counted.push(s);
        t.countedN++;
        t.pending = [];
        t.pendingN = 0;
      } else {
        t.pending.push(s);
        t.pendingN++;
      }
    }
  }
  return t;
}

/** The samples of check `name` as the verdict reads them: taken since the gate opened, by time. */
export function ownSamples(name: string, samples: readonly Sample[], start: number): Sample[] {
  return samples
    .filter((s) => s.check === name && Date.parse(s.at) >= start)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/**
 * Folds `older` (samples leaving state.json, each older than every sample kept of its check) into the per-check
 * tally, so that decideGate on the new tally and the kept samples gives the verdict it gave on all of them.
 */
export function foldSamples(
  gate: Gate,
  checks: Readonly<Record<string, Check>>,
  startedAt: string,
  older: readonly Sample[],
  tallies: Readonly<Record<string, CheckTally>> = {},
): Record<string, CheckTally> {
  const start = Date.parse(startedAt);
  const out: Record<string, CheckTally> = { ...tallies };
  for (const name of new Set(gate.checks)) {
    const check = checks[name];
    const own = ownSamples(name, older, start);
    if (!check || own.length === 0) continue;
    const t = tallyCheck(name, check, own, tallies[name]);
    out[name] = {
      samples: t.total,
      lastAt: new Date(t.lastAt!).toISOString(),
      counted: t.countedN,
      streakStart: t.streakStart === undefined ? null : new Date(t.streakStart).toISOString(),
      pending: t.pendingN,
      errors: t.errorsN,
      errorRun: t.errorRunN,
      inconclusive: t.inconclusiveN,
      passes: t.passes,
    };
  }
  return out;
}
