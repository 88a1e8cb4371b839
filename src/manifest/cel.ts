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
  const run: CelProgram = (vars) => toPlain(program(vars));
  cache.set(expression, run);
  return run;
}

/** Evaluates a condition that must yield a boolean. */
export function celBool(expression: string, vars: Record<string, unknown>): boolean {
  const out = compileCel(expression)(vars);
  if (typeof out !== 'boolean') throw new Error(`\`${expression}\` gave ${JSON.stringify(out)}, not true or false`);
  return out;
}
