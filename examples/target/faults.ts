// The fault switch: what goes wrong, deterministically, so tests can assert on it.
export const FAULT_MODES = ['none', 'errors', 'latency', 'http500', 'timeout', 'offline', 'flaky', 'slow'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSpec {
  mode: FaultMode;
  /** `errors`: share of orgs that fail (default 1); `flaky`: share of requests answered 503 (default 0.5). */
  rate?: number;
  /**
   * `timeout`: delay of migration answers (default 10000); `latency`: shift of canary latency (default 500); `slow`:
   * delay of a migration answer per item it processed (default 20), so a batch's time grows with its size.
   */
  ms?: number;
}

export interface FaultState {
  mode: FaultMode;
  rate: number;
  ms: number;
}

const DEFAULT_RATE: Partial<Record<FaultMode, number>> = { errors: 1, flaky: 0.5 };
const DEFAULT_MS: Partial<Record<FaultMode, number>> = { timeout: 10_000, latency: 500, slow: 20 };

export class FaultSpecError extends Error {}

/** Parses a fault from a JSON body, or from `TARGET_FAULT` (a mode name or a JSON object). */
export function parseFaultSpec(input: unknown): FaultSpec {
  let value = input;
  if (typeof value === 'string') {
    const text = value.trim();
    value = text.startsWith('{') ? parseJson(text) : { mode: text };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultSpecError('fault must be an object {mode, rate?, ms?}');
  }
  const { mode, rate, ms, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new FaultSpecError(`unknown fault field(s): ${extra.join(', ')}`);
  if (typeof mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(mode)) {
    throw new FaultSpecError(`mode must be one of ${FAULT_MODES.join(', ')}`);
  }
  const spec: FaultSpec = { mode: mode as FaultMode };
  if (rate !== undefined) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
      throw new FaultSpecError('rate must be a number in [0, 1]');
    spec.rate = rate;
  }
  if (ms !== undefined) {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new FaultSpecError('ms must be a number >= 0');
    spec.ms = ms;
  }
  return spec;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FaultSpecError('fault is not valid JSON');
  }
}

/** FNV-1a of the id mapped to [0, 1): the same org always fails (or not) under the same rate. */
function unitHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

export class FaultSwitch {
  private current: FaultState = { mode: 'none', rate: 0, ms: 0 };
  private flakyCount = 0;

  constructor(initial?: FaultSpec) {
    if (initial) this.set(initial);
  }

  get state(): FaultState {
    return { ...this.current };
  }

  get active(): boolean {
    return this.current.mode !== 'none';
  }

  is(mode: FaultMode): boolean {
    return this.current.mode === mode;
  }

  set(spec: FaultSpec): FaultState {
    this.current = {
      mode: spec.mode,
      rate: spec.rate ?? DEFAULT_RATE[spec.mode] ?? 0,
      ms: spec.ms ?? DEFAULT_MS[spec.mode] ?? 0,
    };
    this.flakyCount = 0;
    return this.state;
  }

  /** `flaky`: the n-th request fails when floor(n * rate) steps up: exactly a `rate` share, evenly spread. */
  flakyHit(): boolean {
    if (this.current.mode !== 'flaky') return false;
    const n = ++this.flakyCount;
    return Math.floor(n * this.current.rate) > Math.floor((n - 1) * this.current.rate);
  }

  /** `errors`: whether this org's write fails. */
  orgFails(id: string): boolean {
    return this.current.mode === 'errors' && unitHash(id) < this.current.rate;
  }
}
