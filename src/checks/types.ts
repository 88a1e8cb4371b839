// The one small interface every check kind implements (DESIGN §3 "Checks"), and the sample a gate decides on.
import type { Check, CheckConfig, CheckKind } from '../manifest/index.js';

/** What one measurement saw. `value` is null when there is no data (the sample is then inconclusive, not a guess). */
export interface Measurement {
  value: number | null;
  result: unknown;
  /** Why `value` is null, for the sample's reason (e.g. "the query returned 3 samples; expected one"). */
  note?: string;
  /** The query returned no data (an empty vector): the check's `noData:` decides the sample. */
  noData?: boolean;
}

/** A rollback drill as the ledger records it (entry kind 'drill'). */
export interface DrillRecord {
  /** ISO time the drill finished. */
  time: string;
  rtoMs: number;
  ok: boolean;
  /** How many rollback steps the drill ran; a drill that ran none is no evidence and is not counted. */
  drillable: number;
}

/** What a measurement may use; handed in by the engine. */
export interface CheckEnv {
  /** Template context: rollout, phase, vars, env (only listed names), cohort, run. */
  vars: Record<string, unknown>;
  /** The job's env restricted to the manifest's `env:` list. */
  env: Record<string, string>;
  /** Default for prometheus/alerts/judge without url (the engine resolves it). */
  prometheusUrl?: string;
  /** Drill records from the ledger. */
  drills: () => Promise<DrillRecord[]>;
  now: () => Date;
  /** Aborts the measurement (the engine's cancellation; sampleCheck adds the check's own `timeout`). */
  signal: AbortSignal;
  cwd: string;
}

/** A kind's own verdict, used when the check gives neither `pass:` nor `fail:`. */
export interface KindDecision {
  outcome: 'pass' | 'fail' | 'inconclusive';
  reason?: string;
}

/** One check kind's implementation; its config's schema and templates are its entry in manifest/check-kinds.ts. */
export interface CheckKindImpl<K extends CheckKind = CheckKind> {
  kind: K;
  /**
   * Measures with the kind's config, its templates already rendered. Throws when it could not measure (timeout,
   * connection refused, bad response): the sample is then `error`.
   */
  measure(config: CheckConfig<K>, env: CheckEnv): Promise<Measurement>;
  /** The default condition; absent means a check of this kind needs `pass:` or `fail:` to decide anything. */
  decide?(measurement: Measurement, check: Check): KindDecision;
}

export type Outcome = 'pass' | 'fail' | 'inconclusive' | 'error';
export type Severity = Check['severity'];

export interface Sample {
  check: string;
  /** ISO time the measurement started. */
  at: string;
  outcome: Outcome;
  value: number | null;
  severity: Severity;
  durationMs: number;
  /** Why it could not measure (outcome `error`). */
  error?: string;
  /** Why the outcome is fail or inconclusive, when there is more to say than the outcome. */
  reason?: string;
  /** The measurement's result, with long strings shortened for the ledger. */
  detail?: unknown;
}

/** A measurement that could not be made; its message becomes the sample's `error`. */
export class MeasurementError extends Error {}
