// Secrets come only from the job's environment and are masked wherever the engine writes text.
export class Masker {
  private readonly values: string[] = [];

  add(value: string | undefined): void {
    if (value && value.length >= 4 && !this.values.includes(value)) {
      this.values.push(value);
      this.values.sort((a, b) => b.length - a.length);
    }
  }

  mask(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join('***');
    return out;
  }

  /** A JSON value with every secret inside its strings masked. */
  maskValue<T>(value: T): T {
    if (this.values.length === 0) return value;
    const text = JSON.stringify(value);
    if (text === undefined) return value;
    const masked = this.mask(text);
    // Nothing to mask (the common case: a ledger entry of a batch): the value as it is, without a parse.
    return masked === text ? value : (JSON.parse(masked) as T);
  }
}
