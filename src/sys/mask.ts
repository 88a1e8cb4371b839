// The one masking point: every secret the process learns (the env values a manifest lists, the action's token,
// webhook URLs) is added here, and everything that leaves the process (state.json, the ledger, GitHub bodies,
// webhooks, logs, errors) goes through `mask`/`maskValue` first. A value is found as it is and in the forms it takes
// once serialised: inside a JSON string (`"` and `\` escaped, once or twice), percent-encoded, form-encoded, and
// HTML-escaped. Values are masked before serialisation where the caller holds a value (maskValue walks it), and the
// encoded forms catch the text that was serialised elsewhere.

/** Values shorter than this are not masked: they would erase ordinary words and numbers. */
export const MIN_SECRET_LENGTH = 4;
export const MASK = '***';

function forms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  // Percent-encoding goes through UTF-8, where a lone surrogate becomes U+FFFD (URLSearchParams, fetch):
  // encodeURIComponent would throw on it instead.
  const wellFormed = Buffer.from(value, 'utf8').toString('utf8');
  const component = encodeURIComponent(wellFormed);
  const html = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return [
    value,
    json,
    JSON.stringify(json).slice(1, -1),
    component,
    component.toLowerCase(),
    encodeURI(wellFormed),
    new URLSearchParams({ v: value }).toString().slice(2),
    html,
    html.replace(/'/g, '&#39;'),
  ];
}

export class Masker {
  private values: string[] = [];
  /** How each value appears inside JSON text (maskedJson's test); null: some value holds a surrogate, always walk. */
  private inJson: string[] | null | undefined;
  private readonly known = new Set<string>();
  private readonly listeners: ((value: string) => void)[] = [];
  private changes = 0;

  /**
   * Calls `listener` with every secret added, those added already included (the action registers them with the runner).
   */
  onAdd(listener: (value: string) => void): void {
    this.listeners.push(listener);
    for (const v of this.known) listener(v);
  }

  add(value: string | undefined | null): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    if (!this.known.has(value)) {
      this.known.add(value);
      for (const l of this.listeners) l(value);
    }
    let changed = false;
    for (const f of forms(value))
      if (f.length >= MIN_SECRET_LENGTH && !this.values.includes(f)) {
        this.values.push(f);
        changed = true;
      }
    if (changed) {
      this.values.sort((a, b) => b.length - a.length);
      this.inJson = undefined;
      this.changes++;
    }
  }

  /** Changes with every secret added: text masked at one generation is masked at another only if they are equal. */
  get generation(): number {
    return this.changes;
  }

  get empty(): boolean {
    return this.values.length === 0;
  }

  mask(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(MASK);
    return out;
  }

  /**
   * A JSON value with every secret inside its strings (and keys) masked, walked before serialisation; the value
   * itself when nothing was masked (the common case: no copy).
   */
  maskValue<T>(value: T): T {
    if (this.values.length === 0) return value;
    return this.walk(value) as T;
  }

  /**
   * `serialize(value)` (JSON text) of the value as maskValue masks it. The walk is skipped when the text holds no
   * secret: JSON escapes each character on its own (a surrogate aside: one paired in a string is kept, one alone is
   * escaped), so a string holding a value serialises to text holding that value's escaped form. A masker with a value
   * holding a surrogate always walks.
   */
  maskedJson(value: unknown, serialize: (value: unknown) => string = JSON.stringify): string {
    if (this.values.length === 0) return serialize(value);
    this.inJson ??= this.values.some((v) => /[\uD800-\uDFFF]/.test(v))
      ? null
      : this.values.map((v) => JSON.stringify(v).slice(1, -1));
    const text = serialize(value);
    if (this.inJson && !this.inJson.some((v) => text.includes(v))) return text;
    return serialize(this.walk(value));
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Date) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      value.forEach((v, i) => {
        const m = this.walk(v);
        if (m !== v) (copy ??= value.slice())[i] = m;
      });
      return copy ?? value;
    }
    let copy: Record<string, unknown> | null = null;
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [k, v] of entries) {
      const mk = this.mask(k);
      const mv = this.walk(v);
      if (mk !== k || mv !== v) {
        copy ??= Object.fromEntries(entries);
        if (mk !== k) delete copy[k];
        copy[mk] = mv;
      }
    }
    return copy ?? value;
  }
}

/** The process's masker: the one every sink uses. */
export const secrets = new Masker();

/** A short, masked excerpt of a value for an error message: never more than `max` characters of it. */
export function excerpt(value: unknown, max = 40): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  const masked = secrets.mask(text);
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}

/** A short, masked piece of text (a name, a parser's message) for an error message, unquoted. */
export function shortText(text: string, max = 40): string {
  const masked = secrets.mask(text);
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}
