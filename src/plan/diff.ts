// Field-level differences between two versions of a manifest, for the plan.
import { formatPath, type Manifest } from '../manifest/index.js';

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Arrays of named things (phases, steps, checks) are compared by name, so inserting a phase is one change. */
function keyed(list: unknown[]): Map<string, unknown> | null {
  const map = new Map<string, unknown>();
  for (const item of list) {
    if (!isObject(item) || typeof item.name !== 'string' || map.has(item.name)) return null;
    map.set(item.name, item);
  }
  return map;
}

function walk(a: unknown, b: unknown, path: (string | number)[], out: FieldChange[]): void {
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const ka = keyed(a);
    const kb = keyed(b);
    if (ka && kb) {
      // Order matters (phases run in order): a reorder is reported as the list of names.
      const common = (m: Map<string, unknown>, other: Map<string, unknown>) =>
        [...m.keys()].filter((n) => other.has(n));
      if (common(ka, kb).join('\n') !== common(kb, ka).join('\n'))
        out.push({ path: formatPath(path), before: [...ka.keys()], after: [...kb.keys()] });
      for (const [name, va] of ka) walk(va, kb.get(name), [...path, name], out);
      for (const [name, vb] of kb)
        if (!ka.has(name)) out.push({ path: formatPath([...path, name]), before: undefined, after: vb });
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path: formatPath(path), before: a, after: b });
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], [...path, k], out);
    return;
  }
  if (a === undefined && b === undefined) return;
  out.push({ path: formatPath(path), before: a, after: b });
}

export function fieldChanges(before: Manifest | null, after: Manifest | null): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before ?? undefined, after ?? undefined, [], out);
  return out;
}
