// A paged step calls its driver thousands of times with templates that differ only in `page.*` and `batch.*`. The
// plan renders everything else once, when the step starts; each call then renders only the strings that name a
// per-call value. The result is what `render(config, template)` gives for the same template.
import { render, renderUrl, templatesIn, type TemplateContext } from '../manifest/index.js';

/** Template roots that change from one call of a step to the next. */
const PER_CALL_ROOTS = new Set(['page', 'batch']);

type Plan =
  | { fixed: true; value: unknown }
  | { fixed: false; text: string; url?: boolean }
  | { fixed: false; items: Plan[] }
  | { fixed: false; entries: [string, Plan][] };

function perCall(text: string): boolean {
  return templatesIn(text).some((ref) => PER_CALL_ROOTS.has(ref.path.split('.')[0] ?? ''));
}

/** Throws TemplateError, as `render` would, when a fixed part does not render. */
function plan(value: unknown, fixed: TemplateContext, url = false): Plan {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return { fixed: true, value };
    if (perCall(value)) return { fixed: false, text: value, url };
    return { fixed: true, value: url ? renderUrl(value, fixed) : render(value, fixed) };
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => plan(v, fixed));
    return items.every((p) => p.fixed)
      ? { fixed: true, value: items.map((p) => (p as { value: unknown }).value) }
      : { fixed: false, items };
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]): [string, Plan] => [k, plan(v, fixed, k === 'url')]);
    return entries.every(([, p]) => p.fixed)
      ? { fixed: true, value: Object.fromEntries(entries.map(([k, p]) => [k, (p as { value: unknown }).value])) }
      : { fixed: false, entries };
  }
  return { fixed: true, value };
}

function run(p: Plan, ctx: TemplateContext): unknown {
  if (p.fixed) return p.value;
  if ('text' in p) return p.url ? renderUrl(p.text, ctx) : render(p.text, ctx);
  if ('items' in p) return p.items.map((i) => run(i, ctx));
  const out: Record<string, unknown> = {};
  for (const [k, v] of p.entries) out[k] = run(v, ctx);
  return out;
}

export type ConfigRenderer = (ctx: TemplateContext) => unknown;

/**
 * A renderer of `config` for templates that extend `fixed` with per-call values (`page`, `batch`). The plan is made
 * on the first call, so a template error surfaces there, as with `render`. Fixed parts are shared between calls:
 * drivers must not modify their config.
 */
export function planRender(config: unknown, fixed: TemplateContext): ConfigRenderer {
  let p: Plan | undefined;
  return (ctx) => run((p ??= plan(config, fixed)), ctx);
}
