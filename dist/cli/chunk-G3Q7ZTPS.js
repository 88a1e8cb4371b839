#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/sys/mask.ts
var MIN_SECRET_LENGTH = 4;
var MASK = "***";
function forms(value) {
  const json = JSON.stringify(value).slice(1, -1);
  const wellFormed = Buffer.from(value, "utf8").toString("utf8");
  const component = encodeURIComponent(wellFormed);
  const html = value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return [
    value,
    json,
    JSON.stringify(json).slice(1, -1),
    component,
    component.toLowerCase(),
    encodeURI(wellFormed),
    new URLSearchParams({ v: value }).toString().slice(2),
    html,
    html.replace(/'/g, "&#39;")
  ];
}
var Masker = class {
  values = [];
  /** How each value appears inside JSON text (maskedJson's test); null: some value holds a surrogate, always walk. */
  inJson;
  known = /* @__PURE__ */ new Set();
  listeners = [];
  changes = 0;
  /**
   * Calls `listener` with every secret added, those added already included (the action registers them with the runner).
   */
  onAdd(listener) {
    this.listeners.push(listener);
    for (const v of this.known) listener(v);
  }
  add(value) {
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
      this.inJson = void 0;
      this.changes++;
    }
  }
  /** Changes with every secret added: text masked at one generation is masked at another only if they are equal. */
  get generation() {
    return this.changes;
  }
  get empty() {
    return this.values.length === 0;
  }
  mask(text) {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(MASK);
    return out;
  }
  /**
   * A JSON value with every secret inside its strings (and keys) masked, walked before serialisation; the value
   * itself when nothing was masked (the common case: no copy).
   */
  maskValue(value) {
    if (this.values.length === 0) return value;
    return this.walk(value);
  }
  /**
   * `serialize(value)` (JSON text) of the value as maskValue masks it. The walk is skipped when the text holds no
   * secret: JSON escapes each character on its own (a surrogate aside: one paired in a string is kept, one alone is
   * escaped), so a string holding a value serialises to text holding that value's escaped form. A masker with a value
   * holding a surrogate always walks.
   */
  maskedJson(value, serialize = JSON.stringify) {
    if (this.values.length === 0) return serialize(value);
    this.inJson ??= this.values.some((v) => /[\uD800-\uDFFF]/.test(v)) ? null : this.values.map((v) => JSON.stringify(v).slice(1, -1));
    const text = serialize(value);
    if (this.inJson && !this.inJson.some((v) => text.includes(v))) return text;
    return serialize(this.walk(value));
  }
  walk(value) {
    if (typeof value === "string") return this.mask(value);
    if (value === null || typeof value !== "object") return value;
    if (value instanceof Date) return value;
    if (Array.isArray(value)) {
      let copy2 = null;
      value.forEach((v, i) => {
        const m = this.walk(v);
        if (m !== v) (copy2 ??= value.slice())[i] = m;
      });
      return copy2 ?? value;
    }
    let copy = null;
    const entries = Object.entries(value);
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
};
var secrets = new Masker();
function excerpt(value, max = 40) {
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  const masked = secrets.mask(text);
  return masked.length > max ? `${masked.slice(0, max - 1)}\u2026` : masked;
}
function shortText(text, max = 40) {
  const masked = secrets.mask(text);
  return masked.length > max ? `${masked.slice(0, max - 1)}\u2026` : masked;
}

export {
  secrets,
  excerpt,
  shortText
};
