// What a condition saw: the values of the operands it reads (`result.status`, `result.json.connection_status`,
// `value`, `baseline`), so a failed sample says why rather than only that it failed.
import { parse } from '@marcbachmann/cel-js';
import type { ASTNode } from '@marcbachmann/cel-js';

const SHOWN_CHARS = 80;

type Key = string | number;

/** A member chain of literal keys from a variable (`result.json["a-b"].x`), or null for anything else. */
function chainOf(node: ASTNode): Key[] | null {
  if (node.op === 'id') return [node.args];
  if (node.op === '.') {
    const [object, field] = node.args as [ASTNode, string];
    const base = chainOf(object);
    return base && [...base, field];
  }
  if (node.op === '[]') {
    const [object, index] = node.args as [ASTNode, ASTNode];
    const base = chainOf(object);
    const key = index.op === 'value' ? index.args : undefined;
    if (!base || (typeof key !== 'string' && typeof key !== 'bigint' && typeof key !== 'number')) return null;
    return [...base, typeof key === 'string' ? key : Number(key)];
  }
  return null;
}

/** The operand chains an expression reads, in order, each once; none for a syntax error (validation reports it). */
function operandsIn(expression: string): Key[][] {
  const found = new Map<string, Key[]>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object' || !('op' in node)) return;
    const chain = chainOf(node as ASTNode);
    if (chain) found.set(JSON.stringify(chain), chain);
    else visit((node as ASTNode).args);
  };
  try {
    visit(parse(expression).ast);
  } catch {
    return [];
  }
  return [...found.values()];
}

function pathText(chain: Key[]): string {
  return chain
    .map((k, i) =>
      i === 0
        ? String(k)
        : typeof k === 'number'
          ? `[${k}]`
          : /^[A-Za-z_]\w*$/.test(k)
            ? `.${k}`
            : `[${JSON.stringify(k)}]`,
    )
    .join('');
}

function valueAt(root: Record<string, unknown>, chain: Key[]): { found: boolean; value?: unknown } {
  let cur: unknown = root;
  for (const key of chain) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return { found: false };
    cur = (cur as Record<Key, unknown>)[key];
  }
  return { found: true, value: cur };
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
}

/** `result.status = 200, result.json.connection_status = "offline"`: what the expression read; '' when nothing. */
export function operandValues(expressions: string[], vars: Record<string, unknown>): string {
  const chains = new Map(expressions.flatMap(operandsIn).map((chain) => [JSON.stringify(chain), chain]));
  return [...chains.values()]
    .map((chain) => {
      const { found, value } = valueAt(vars, chain);
      return `${pathText(chain)} ${found ? `= ${shown(value)}` : 'is absent'}`;
    })
    .join(', ');
}
