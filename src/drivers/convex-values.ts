// Convex's value rules, shared by the convex drivers (the CLI and the HTTP API): what arguments may hold, and how
// results are encoded.
//
// Arguments. Convex has no `undefined` in its JSON, treats a missing field as `undefined`, and holds `null` as a value
// of its own, which a validator such as `cursor: v.optional(v.string())` rejects ("Validator error: Expected string,
// got null"). So a key whose value, as written, is exactly one template that renders to null or nothing is left out
// of the arguments: `cursor: "{{ page.cursor }}"` sends no `cursor` on a paged step's first call. A literal `null`, a
// null inside a list, and a template inside a longer string stay as they are.
//
// Results. Convex's JSON encoding (convex 1.48, node_modules/convex/src/values/value.ts: `convexToJson` writes,
// `jsonToConvex` reads; `npx convex run` prints `convexToJson(result)` when stdout is not a terminal, and
// POST /api/function answers `{status: "success", value: convexToJson(result)}` for `format: "convex_encoded_json"`)
// writes what JSON cannot hold as an object with exactly one key:
//   {"$integer": base64 of the 8 bytes of a little-endian two's-complement int64}   (`bigIntToBase64`)
//   {"$float":   base64 of the 8 bytes of a little-endian IEEE 754 double}          (only NaN, ±Infinity, -0)
//   {"$bytes":   base64 of the bytes}                                               (an ArrayBuffer)
// Decoded for CEL: an int64 becomes a number (`result.json.count == 25` holds), or its decimal string when it is past
// 2^53 (a number would silently round); a float becomes the number; bytes become their base64 text.

import { isWholeTemplate } from '../manifest/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The arguments to send: `rendered` (the args after templates) without the keys whose value in `written` (the args
 * as the manifest has them) is exactly one template that rendered to null or undefined, at any depth of objects.
 * Without `written`, only undefined values are left out.
 */
export function convexArgs(rendered: unknown, written?: unknown): Record<string, unknown> {
  if (!isRecord(rendered)) return {};
  return dropNullTemplates(rendered, written) as Record<string, unknown>;
}

function dropNullTemplates(rendered: unknown, written: unknown): unknown {
  if (Array.isArray(rendered))
    return rendered.map((v, i) => dropNullTemplates(v, Array.isArray(written) ? written[i] : undefined));
  if (!isRecord(rendered)) return rendered;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rendered)) {
    const source = isRecord(written) ? written[key] : undefined;
    if (value === undefined) continue;
    if (value === null && typeof source === 'string' && isWholeTemplate(source)) continue;
    out[key] = dropNullTemplates(value, source);
  }
  return out;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Bytes(text: unknown): Buffer | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

function decodeOne(key: string, encoded: unknown): { value: Json } | undefined {
  if (key === '$bytes') return base64Bytes(encoded) ? { value: encoded as string } : undefined;
  const bytes = base64Bytes(encoded);
  if (!bytes || bytes.length !== 8) return undefined;
  if (key === '$float') return { value: bytes.readDoubleLE(0) };
  if (key === '$integer') {
    const n = bytes.readBigInt64LE(0);
    const asNumber = Number(n);
    return { value: Number.isSafeInteger(asNumber) ? asNumber : n.toString() };
  }
  return undefined;
}

/** A result in Convex's JSON encoding as plain JSON values for CEL (see the top of this file); the rest unchanged. */
export function decodeConvexJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeConvexJson);
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const decoded = decodeOne(keys[0]!, value[keys[0]!]);
    if (decoded) return decoded.value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeConvexJson(v);
  return out;
}

/**
 * Whether a reply's JSON text may hold an encoded value: each is an object whose one key starts with `$`, written
 * `"$...` (or with an escape, `\u0024`). A reply with neither decodes to itself, and is not walked and copied.
 */
export function mayHoldEncoded(text: string): boolean {
  return text.includes('"$') || text.includes('\\u');
}

/** An int64 as Convex encodes it, `{"$integer": ...}`: for tests and stand-ins of a deployment. */
export function encodeConvexInt64(n: bigint | number): { $integer: string } {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(BigInt(n));
  return { $integer: bytes.toString('base64') };
}

export type { Json as ConvexJson };
