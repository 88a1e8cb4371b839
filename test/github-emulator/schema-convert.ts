// Converts OpenAPI 3.0 schema objects (as GitHub publishes them) into JSON Schema that ajv validates:
// `nullable: true` becomes a `null` type, `x-*` extensions and OpenAPI-only annotations are dropped, and
// `#/components/schemas/NAME` references are rewritten to point into one shared schema document.

export type JsonSchema = Record<string, unknown>;

export const COMPONENTS_ID = 'https://github-emulator.local/components.json';

const DROPPED_KEYS = new Set([
  'nullable',
  'example',
  'discriminator',
  'deprecated',
  'externalDocs',
  'xml',
  'readOnly',
  'writeOnly',
]);
const SCHEMA_VALUED_KEYS = new Set([
  'items',
  'additionalProperties',
  'not',
  'additionalItems',
  'contains',
  'propertyNames',
]);
const SCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_LIST_KEYS = new Set(['allOf', 'anyOf', 'oneOf']);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rewriteRef(ref: string): string {
  const prefix = '#/components/schemas/';
  if (!ref.startsWith(prefix)) throw new Error(`unsupported schema reference ${ref}`);
  return `${COMPONENTS_ID}#/definitions/${ref.slice(prefix.length)}`;
}

export function convertSchema(schema: unknown): unknown {
  if (!isRecord(schema)) return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') || DROPPED_KEYS.has(key)) continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = rewriteRef(value);
    else if (SCHEMA_VALUED_KEYS.has(key)) out[key] = convertSchema(value);
    else if (SCHEMA_MAP_KEYS.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, convertSchema(sub)]));
    } else if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value)) out[key] = value.map(convertSchema);
    else out[key] = value;
  }
  if (schema.nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [{ type: 'null' }, out] };
}

export function componentsDocument(schemas: Record<string, unknown>): JsonSchema {
  const definitions = Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, convertSchema(schema)]),
  );
  return { $id: COMPONENTS_ID, definitions };
}
