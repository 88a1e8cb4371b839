// CEL conditions (expect, paginate, check pass/fail): compiled once at validation, evaluated many times.
import { parse, ParseError } from '@marcbachmann/cel-js';

export type CelProgram = (vars: Record<string, unknown>) => unknown;

export class CelCompileError extends Error {
  constructor(
    message: string,
    /** 0-based offset of the error inside the expression, when known. */
    readonly offset: number | undefined,
  ) {
    super(message);
  }
}

/** An evaluation that went past its budget (list elements read), or an expression too large to run. */
export class CelCostError extends Error {}

/**
 * The cost limits. At validation: at most CEL_MAX_NODES nodes and CEL_MAX_NESTING macros (map, filter, all, exists,
 * exists_one) one inside another. At run time: at most CEL_BUDGET list elements read in one evaluation, counted as
 * they are read, so `items.all(a, items.all(b, ...))` over 10,000 items stops at the budget (well under a second)
 * instead of running for minutes past its step's timeout and starving the lease heartbeat.
 */
export const CEL_MAX_NODES = 2000;
export const CEL_MAX_NESTING = 3;
export const CEL_BUDGET = 1_000_000;

const MACROS = new Set(['map', 'filter', 'all', 'exists', 'exists_one', 'existsOne']);

interface AstLike {
  op: string;
  args: unknown;
}

const isNode = (v: unknown): v is AstLike => typeof v === 'object' && v !== null && 'op' in v && 'args' in v;

/** Nodes of the expression and how deeply its macros nest. */
function shape(node: AstLike): { nodes: number; nesting: number } {
  let nodes = 0;
  let nesting = 0;
  const visit = (v: unknown, depth: number): void => {
    if (Array.isArray(v)) return v.forEach((x) => visit(x, depth));
    if (!isNode(v)) return;
    nodes++;
    const args = Array.isArray(v.args) ? v.args : [v.args];
    const macro = (v.op === 'rcall' || v.op === 'call') && typeof args[0] === 'string' && MACROS.has(args[0]);
    const d = macro ? depth + 1 : depth;
    nesting = Math.max(nesting, d);
    for (const a of args) visit(a, d);
  };
  visit(node, 0);
  return { nodes, nesting };
}

/** A copy of the evaluation's variables whose lists count the elements read, throwing past the budget. */
function metered(value: unknown, meter: { left: number; on: boolean }, expression: string): unknown {
  if (Array.isArray(value)) {
    const inner = value.map((v) => metered(v, meter, expression));
    return new Proxy(inner, {
      get(target, key, receiver) {
        if (meter.on && typeof key === 'string' && key.length > 0 && key.length < 10 && /^\d+$/.test(key))
          if (--meter.left < 0) {
            const shown = expression.length > 80 ? `${expression.slice(0, 79)}…` : expression;
            throw new CelCostError(
              `\`${shown}\` went past the CEL cost limit (${CEL_BUDGET} list elements read in one evaluation)`,
            );
          }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = metered(v, meter, expression);
    return out;
  }
  return value;
}

const cache = new Map<string, CelProgram>();

/** JS numbers become CEL doubles or ints as their value allows; CEL ints come back as bigint, so bring them home. */
function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]));
  return value;
}

export function compileCel(expression: string): CelProgram {
  const cached = cache.get(expression);
  if (cached) return cached;
  let program: ReturnType<typeof parse>;
  try {
    program = parse(expression);
  } catch (err) {
    if (err instanceof ParseError) {
      const summary = err.summary || err.message.split('\n')[0] || 'syntax error';
      throw new CelCompileError(summary, err.range?.start);
    }
    throw err;
  }
  const { nodes, nesting } = shape(program.ast as unknown as AstLike);
  if (nodes > CEL_MAX_NODES)
    throw new CelCompileError(`too large: ${nodes} nodes (the CEL cost limit is ${CEL_MAX_NODES})`, undefined);
  if (nesting > CEL_MAX_NESTING)
    throw new CelCompileError(
      `${nesting} macros (map, filter, all, exists) nested one in another: at most ${CEL_MAX_NESTING} (the CEL cost limit)`,
      undefined,
    );
  const run: CelProgram = (vars) => {
    if (nesting === 0) return toPlain(program(vars));
    const meter = { left: CEL_BUDGET, on: true };
    const given = metered(vars, meter, expression) as Record<string, unknown>;
    try {
      const out: unknown = program(given);
      meter.on = false;
      return toPlain(out);
    } finally {
      meter.on = false;
    }
  };
  cache.set(expression, run);
  return run;
}

/** Evaluates a condition that must yield a boolean. */
export function celBool(expression: string, vars: Record<string, unknown>): boolean {
  const out = compileCel(expression)(vars);
  if (typeof out !== 'boolean') throw new Error(`\`${expression}\` gave ${JSON.stringify(out)}, not true or false`);
  return out;
}
