// The line a check's samples are held against, read from its `pass:` / `fail:` CEL where that is a comparison of
// `value` with a constant or a linear form of `baseline` (`value > 0.05`, `value > 2.0 * baseline`,
// `baseline * 1.5 + 0.1 < value`). Anything else (`result.status == 200`, a conjunction) has no line: its chart is
// the outcomes over time. A judge check without conditions fails below its `thresholds.marginal` score.
import { parse, type ASTNode } from '@marcbachmann/cel-js';
import type { Check } from '../manifest/schema.js';

export interface Threshold {
  /** The line is `factor × baseline + offset` (factor 0: a constant). */
  factor: number;
  offset: number;
  /** The side of the line a failing sample is on. */
  failsWhen: 'above' | 'below';
  /** Whether a sample exactly on the line fails. */
  onLineFails: boolean;
  /** Where it was read from, for the chart's title: "fail: value > 2.0 * baseline". */
  source: string;
}

type Linear = { a: number; c: number };
type Cmp = '<' | '<=' | '>' | '>=';
const FLIP: Record<Cmp, Cmp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function isNode(n: unknown): n is ASTNode {
  return !!n && typeof n === 'object' && 'op' in n;
}

/** `node` as a*baseline + c, or null when it is anything else (another variable, a call, a field). */
function linear(node: unknown): Linear | null {
  if (!isNode(node)) return null;
  const args = node.args as unknown;
  switch (node.op) {
    case 'value':
      return typeof args === 'number' || typeof args === 'bigint' ? { a: 0, c: Number(args) } : null;
    case 'id':
      return args === 'baseline' ? { a: 1, c: 0 } : null;
    case '-_': {
      const x = linear(args);
      return x && { a: 0 - x.a, c: 0 - x.c };
    }
    case '+':
    case '-': {
      const [l, r] = (args as unknown[]).map(linear);
      if (!l || !r) return null;
      const s = node.op === '+' ? 1 : -1;
      return { a: l.a + s * r.a, c: l.c + s * r.c };
    }
    case '*': {
      const [l, r] = (args as unknown[]).map(linear);
      if (!l || !r) return null;
      if (l.a === 0) return { a: l.c * r.a, c: l.c * r.c };
      if (r.a === 0) return { a: r.c * l.a, c: r.c * l.c };
      return null;
    }
    case '/': {
      const [l, r] = (args as unknown[]).map(linear);
      if (!l || !r || r.a !== 0 || r.c === 0) return null;
      return { a: l.a / r.c, c: l.c / r.c };
    }
    default:
      return null;
  }
}

const isValue = (n: unknown) => isNode(n) && n.op === 'id' && n.args === 'value';

/** `value OP line` when the expression is exactly such a comparison (either way round). */
function comparison(expression: string): { op: Cmp; line: Linear } | null {
  let ast: ASTNode;
  try {
    ast = parse(expression).ast as ASTNode;
  } catch {
    return null;
  }
  if (!['<', '<=', '>', '>='].includes(ast.op)) return null;
  const [l, r] = ast.args as unknown[];
  const op = ast.op as Cmp;
  if (isValue(l)) {
    const line = linear(r);
    return line && { op, line };
  }
  if (isValue(r)) {
    const line = linear(l);
    return line && { op: FLIP[op], line };
  }
  return null;
}

/**
 * The line of a `fail:` or `pass:` condition that is a comparison. Failing above the line means `fail: value > line`
 * or `pass: value < line`; the line itself fails when the fail includes it, or the pass does not.
 */
function conditionLine(condition: 'fail' | 'pass', expression: string): Threshold | null {
  const c = comparison(expression);
  if (!c) return null;
  const isFail = condition === 'fail';
  return {
    factor: c.line.a,
    offset: c.line.c,
    failsWhen: c.op.startsWith('>') === isFail ? 'above' : 'below',
    onLineFails: c.op.endsWith('=') === isFail,
    source: `${condition}: ${expression}`,
  };
}

export function thresholdOf(check: Pick<Check, 'pass' | 'fail' | 'judge'>): Threshold | null {
  const line =
    (check.fail !== undefined ? conditionLine('fail', check.fail) : null) ??
    (check.pass !== undefined ? conditionLine('pass', check.pass) : null);
  if (line) return line;
  if (check.pass === undefined && check.fail === undefined && check.judge)
    return {
      factor: 0,
      offset: check.judge.thresholds.marginal,
      failsWhen: 'below',
      onLineFails: false,
      source: `judge: score < ${check.judge.thresholds.marginal} fails (≥ ${check.judge.thresholds.pass} passes)`,
    };
  return null;
}

/** Where the line is for this gate's baseline; null when the line needs a baseline that was not measured. */
export function thresholdValue(t: Threshold, baseline: number | null | undefined): number | null {
  if (t.factor === 0) return t.offset;
  if (baseline === null || baseline === undefined || !Number.isFinite(baseline)) return null;
  return t.factor * baseline + t.offset;
}
