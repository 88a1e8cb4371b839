// The building blocks of the manifest schema: durations, names, CEL, argv, the HTTP request, "exactly one kind".
import { z } from 'zod';

const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;
const NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The longest duration a timer holds (setTimeout: 2^31 - 1 ms, about 24.8 days): longer ones would fire at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

export const duration = z
  .string()
  .regex(DURATION_PATTERN, { error: 'expected a duration like 30s, 5m, 1h or 2d' })
  .refine((t) => !DURATION_PATTERN.test(t) || durationMs(t) <= MAX_DURATION_MS, {
    error: 'too long: a duration is at most 24d (what a timer can wait, about 24.8 days)',
  })
  .describe('A duration: a whole number followed by ms, s, m, h or d; at most 24d.');

/** A look-back age (e.g. a drill's maxAge): a duration no timer waits for, so not capped at 24d. */
export const age = z
  .string()
  .regex(DURATION_PATTERN, { error: 'expected a duration like 30s, 5m, 1h or 30d' })
  .describe('A duration: a whole number followed by ms, s, m, h or d.');

/**
 * A CEL expression; compiled at validation, evaluated over `result` (steps) or `value`, `result`, `baseline` (checks).
 */
export const cel = z.string().min(1).describe('A CEL expression.');
export const name = z
  .string()
  .regex(NAME_PATTERN, { error: 'expected lowercase letters, digits and single dashes' })
  .describe('A name: lowercase letters, digits and single dashes.');
export const stepName = z
  .string()
  .min(1)
  .max(100)
  .describe('Names the step in plans, the ledger and PR bodies; unique in its list, at most 100 characters.');

/** Which keys of an object are its mutually exclusive "kind" keys; read by validate and by the JSON Schema export. */
export const exactlyOneOf = new WeakMap<z.ZodType, readonly string[]>();
export function oneKind<T extends z.ZodObject>(schema: T, keys: readonly string[], description?: string): T {
  const checked = schema.superRefine((value, ctx) => {
    const present = keys.filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (present.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      message: present.length
        ? `give exactly one of ${keys.join(', ')}; found ${present.join(' and ')}`
        : `needs one of ${keys.join(', ')}`,
      input: value,
    });
  }) as T;
  const refined = description === undefined ? checked : (checked.describe(description) as T);
  exactlyOneOf.set(refined, keys);
  return refined;
}

export const argv = z.array(z.string()).min(1).describe('A command as an argv array; never run through a shell.');

export const httpRequest = z
  .strictObject({
    method: z
      .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'])
      .default('GET')
      .describe('The HTTP method (default: GET).'),
    url: z
      .string()
      .min(1)
      .describe('The URL, templates allowed; a secret in it is refused: put it in a header from an `env:` name.'),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Request headers, templates allowed, e.g. `Authorization: "Bearer {{ env.API_TOKEN }}"`.'),
    json: z
      .unknown()
      .optional()
      .describe(
        'Request body, sent as JSON; a key whose one template renders to null is sent as null (unlike convex).',
      ),
    timeout: duration.default('30s').describe('Time allowed for the whole request, body included (default: 30s).'),
  })
  .describe(
    'An HTTP request: `result.status`, `result.json` (when the body is JSON) and `result.body`. A step fails on a ' +
      'status outside 2xx unless its `expect` judges the response; 408, 429 and 5xx always fail, and `retry` retries them.',
  );

/** The schema inside optional / default / nullable wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable)
    s = s.unwrap() as z.ZodType;
  return s;
}

const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Parsed durations by their text: a paged step reads its `timeout` on every batch. */
const durations = new Map<string, number>();

export function durationMs(text: string): number {
  const known = durations.get(text);
  if (known !== undefined) return known;
  const m = DURATION_PATTERN.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const ms = Number(m[1]) * UNITS_MS[m[2] as keyof typeof UNITS_MS];
  if (durations.size >= 256) durations.clear();
  durations.set(text, ms);
  return ms;
}
