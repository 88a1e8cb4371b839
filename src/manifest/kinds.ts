// A kind (of check, of step driver) is one entry of its family's table: its config's zod schema and what the rest of
// the tool must know about that config. The schema, the template lint and the registries are all built from the
// tables, so adding a kind is adding an entry (and its implementation, which the registry's type demands).
import { z } from 'zod';
import type { FieldPath } from './positions.js';
import { unwrap } from './primitives.js';
import { render, renderText, renderUrl, type TemplateContext } from './templates.js';

/** `text`: every string under the field renders to a string; `value`: a string that is one template keeps its type. */
export type TemplateMode = 'text' | 'value';

/**
 * Fields of a config, as dotted paths from its root: `url`, `prometheus.url`; `metrics[].control` is the `control`
 * field of every item of the `metrics` list.
 */
export type FieldPattern = string;

export interface KindSpec {
  /** The kind's config, as it appears under the kind's key; its `.describe()` is the user's reference. */
  schema: z.ZodType;
}

/** Each kind's config as the manifest holds it: optional, since a step or check has exactly one of them. */
export function optionalKinds<T extends Record<string, KindSpec>>(
  table: T,
): { [K in keyof T]: z.ZodOptional<T[K]['schema']> } {
  const out: Record<string, z.ZodType> = {};
  for (const [kind, spec] of Object.entries(table)) out[kind] = spec.schema.optional();
  return out as { [K in keyof T]: z.ZodOptional<T[K]['schema']> };
}

/** The table's kinds, in table order (the order of `oneKind` messages and of the JSON Schema's oneOf). */
export function kindsOf<T extends Record<string, KindSpec>>(table: T): (keyof T & string)[] {
  return Object.keys(table) as (keyof T & string)[];
}

interface Located {
  value: unknown;
  /** Relative to the config's root. */
  path: (string | number)[];
}

/** The values a pattern names in one config (none when a field on the way is absent). */
export function fieldsMatching(config: unknown, pattern: FieldPattern): Located[] {
  let found: Located[] = [{ value: config, path: [] }];
  for (const segment of pattern.split('.')) {
    const each = segment.endsWith('[]');
    const key = each ? segment.slice(0, -2) : segment;
    const next: Located[] = [];
    for (const { value, path } of found) {
      if (!value || typeof value !== 'object' || !Object.hasOwn(value, key)) continue;
      const child = (value as Record<string, unknown>)[key];
      if (!each) next.push({ value: child, path: [...path, key] });
      else if (Array.isArray(child)) child.forEach((item, i) => next.push({ value: item, path: [...path, key, i] }));
    }
    found = next;
  }
  return found.filter((f) => f.value !== undefined);
}

/** The first value a pattern names in a config, e.g. the Prometheus URL of a check. */
export function fieldAt(config: unknown, pattern: FieldPattern): unknown {
  return fieldsMatching(config, pattern)[0]?.value;
}

/** The config with the templates of the given fields rendered; everything else as it was. */
export function renderFields<T>(
  config: T,
  templates: Readonly<Record<FieldPattern, TemplateMode>>,
  ctx: TemplateContext,
): T {
  const out = structuredClone(config) as unknown;
  for (const [pattern, mode] of Object.entries(templates))
    for (const { value, path } of fieldsMatching(out, pattern))
      setAt(
        out,
        path,
        path[path.length - 1] === 'url' && typeof value === 'string'
          ? renderUrl(value, ctx)
          : renderAs(value, mode, ctx),
      );
  return out as T;
}

function renderAs(value: unknown, mode: TemplateMode, ctx: TemplateContext): unknown {
  if (mode === 'value') return render(value, ctx);
  if (typeof value === 'string') return renderText(value, ctx);
  if (Array.isArray(value)) return value.map((v) => renderAs(v, mode, ctx));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderAs(v, mode, ctx)]));
  return value;
}

function setAt(root: unknown, path: FieldPath, value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
}

/** The schema a pattern names inside a config's schema; undefined when the pattern names no field (a table typo). */
export function schemaAt(schema: z.ZodType, pattern: FieldPattern): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const segment of pattern.split('.')) {
    const each = segment.endsWith('[]');
    const inner: z.ZodType | undefined = s ? unwrap(s) : undefined;
    if (!(inner instanceof z.ZodObject)) return undefined;
    s = (inner.shape as Record<string, z.ZodType>)[each ? segment.slice(0, -2) : segment];
    if (each) {
      const list: z.ZodType | undefined = s ? unwrap(s) : undefined;
      s = list instanceof z.ZodArray ? (list.element as z.ZodType) : undefined;
    }
  }
  return s;
}
