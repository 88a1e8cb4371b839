// A signal that aborts on the caller's signal or after `ms`, and tells which of the two happened.
export interface Deadline {
  signal: AbortSignal;
  /** True when the time ran out (not when the caller aborted). */
  expired(): boolean;
}

export function deadline(parent: AbortSignal, ms: number): Deadline {
  const timeout = AbortSignal.timeout(ms);
  return { signal: AbortSignal.any([parent, timeout]), expired: () => timeout.aborted && !parent.aborted };
}
