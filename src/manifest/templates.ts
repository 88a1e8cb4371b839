// `{{ path }}` templates (DESIGN §3): data, never code. A value that is exactly one template keeps its type.

const TEMPLATE = /\{\{(.*?)\}\}/g;
const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;

export interface TemplateRef {
  /** The path inside the braces, trimmed (e.g. `cohort.ids`). */
  path: string;
  /** Offset of the `{{` inside the string. */
  offset: number;
  /** False when the braces hold something that is not a plain dotted path (an expression, a filter, a call). */
  isPath: boolean;
}

export function templatesIn(text: string): TemplateRef[] {
  const refs: TemplateRef[] = [];
  for (const m of text.matchAll(TEMPLATE)) {
    const path = (m[1] ?? '').trim();
    refs.push({ path, offset: m.index ?? 0, isPath: PATH.test(path) });
  }
  return refs;
}

/** Every string inside a JSON-like value, with its location as a path of keys and indexes. */
export function* stringsIn(value: unknown, path: (string | number)[] = []): Generator<[string, (string | number)[]]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i]);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k]);
}

/** The strings inside a JSON-like value that hold `{{`, with their paths: what validation looks at. */
export function templatedStrings(value: unknown): [string, (string | number)[]][] {
  const out: [string, (string | number)[]][] = [];
  const path: (string | number)[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.includes('{{')) out.push([v, [...path]]);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        path.push(k);
        walk(child);
        path.pop();
      }
    }
  };
  walk(value);
  return out;
}

export class TemplateError extends Error {}

export type TemplateContext = Record<string, unknown>;

const NOT_FOUND = Symbol('not found');

function valueAt(ctx: TemplateContext, keys: readonly string[]): unknown {
  let cur: unknown = ctx;
  for (const key of keys) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return NOT_FOUND;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function lookup(ctx: TemplateContext, path: string): { found: boolean; value: unknown } {
  const value = valueAt(ctx, path.split('.'));
  return value === NOT_FOUND ? { found: false, value: undefined } : { found: true, value };
}

/** True when the text is exactly one template (`"{{ page.cursor }}"`): it renders to the value's own type. */
export function isWholeTemplate(text: string): boolean {
  return parseText(text).whole !== null;
}

/** A template's path, and its keys when it is a plain dotted path (null: not one, an error when rendered). */
interface Ref {
  path: string;
  keys: string[] | null;
}

function refTo(path: string): Ref {
  return { path, keys: PATH.test(path) ? path.split('.') : null };
}

/** A template string parsed once: the text between templates, and each template's path. */
type Piece = string | Ref;
interface Parsed {
  /** The one template of a text that is exactly one (it renders to the value's own type), else null. */
  whole: Ref | null;
  pieces: Piece[];
}

/** Parsed texts: a paged step renders the same few strings once a batch, thousands of times. */
const parsedTexts = new Map<string, Parsed>();

function parseText(text: string): Parsed {
  let parsed = parsedTexts.get(text);
  if (parsed) return parsed;
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(TEMPLATE)) {
    if (m.index > last) pieces.push(text.slice(last, m.index));
    pieces.push(refTo((m[1] ?? '').trim()));
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  const whole = WHOLE.exec(text);
  parsed = { whole: whole && pieces.length === 1 ? refTo((whole[1] ?? '').trim()) : null, pieces };
  if (parsedTexts.size >= 1024) parsedTexts.clear();
  parsedTexts.set(text, parsed);
  return parsed;
}

function renderString(text: string, ctx: TemplateContext): unknown {
  const { whole, pieces } = parseText(text);
  if (whole) return resolve(ctx, whole);
  let out = '';
  for (const piece of pieces) out += typeof piece === 'string' ? piece : asText(resolve(ctx, piece));
  return out;
}

function resolve(ctx: TemplateContext, { path, keys }: Ref): unknown {
  if (!keys) throw new TemplateError(`{{ ${path} }} is not a path: templates are data, not expressions`);
  const value = valueAt(ctx, keys);
  if (value !== NOT_FOUND) return value;
  if (path.startsWith('env.')) throw new TemplateError(`{{ ${path} }}: ${path.slice(4)} is not set in the environment`);
  throw new TemplateError(`{{ ${path} }} names nothing`);
}

const asText = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

type UrlPart = 'origin' | 'path' | 'query' | 'fragment';

/**
 * Renders a URL keeping data as data: a template in the origin (`{{ env.TARGET_URL }}/...`, `https://{{ env.HOST }}`)
 * is put in as it is; one in the path, the query or the fragment is percent-encoded for it, so a cursor such as
 * `x&dryRun=false` stays one query value and `../../admin` one path segment, never another parameter or path.
 */
export function renderUrl(text: string, ctx: TemplateContext): string {
  if (!text.includes('{{')) return text;
  if (isWholeTemplate(text)) return asText(render(text, ctx));
  let part: UrlPart = 'origin';
  let hostStarted = false;
  let out = '';
  let last = 0;
  const literal = (lit: string) => {
    for (let i = 0; i < lit.length; i++) {
      const c = lit[i]!;
      if (part === 'origin' && !hostStarted && lit.startsWith('://', i)) {
        out += '://';
        i += 2;
        hostStarted = true;
        continue;
      }
      if (c === '#') part = 'fragment';
      else if (c === '?' && part !== 'fragment') part = 'query';
      else if (c === '/' && part === 'origin' && hostStarted) part = 'path';
      else if (part === 'origin') hostStarted = true;
      out += c;
    }
  };
  for (const m of text.matchAll(TEMPLATE)) {
    literal(text.slice(last, m.index));
    const value = asText(resolve(ctx, refTo((m[1] ?? '').trim())));
    if (part === 'origin') {
      out += value;
      hostStarted = true;
    } else out += encodeURIComponent(value);
    last = (m.index ?? 0) + m[0].length;
  }
  literal(text.slice(last));
  return out;
}

/** Renders every template inside a JSON-like value; strings that are exactly one template keep the value's type. */
export function render<T>(value: T, ctx: TemplateContext): unknown {
  if (typeof value === 'string') return value.includes('{{') ? renderString(value, ctx) : value;
  if (Array.isArray(value)) return value.map((v) => render(v, ctx));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = k === 'url' && typeof v === 'string' ? renderUrl(v, ctx) : render(v, ctx);
    return out;
  }
  return value;
}

/** Renders to a string, for argv items, URLs and headers. */
export function renderText(text: string, ctx: TemplateContext): string {
  const v = render(text, ctx);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
