// A check's `pass:` / `fail:` conditions: CEL over {value, result, baseline}, combined as Argo Rollouts combines its
// successCondition / failureCondition (fail wins; only `pass` given -> false fails; only `fail` given -> false passes;
// both given and neither true -> inconclusive). Compile errors are caught at validation; here a runtime error (no such
// key, no such overload) or a missing value/baseline the condition needs makes the sample inconclusive, with the
// reason.
import { parse } from '@marcbachmann/cel-js';
import type { ASTNode } from '@marcbachmann/cel-js';
import { celBool } from '../manifest/cel.js';
import type { Check } from '../manifest/index.js';
import { operandValues } from './operands.js';
import type { KindDecision } from './types.js';

export interface ConditionVars {
  value: number | null;
  result: unknown;
  baseline: number | null;
}

const identifierCache = new Map<string, Set<string>>();

/** The variable names an expression reads (`value`, `result`, `baseline`, ...). */
export function identifiersIn(expression: string): Set<string> {
  const cached = identifierCache.get(expression);
  if (cached) return cached;
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object' || !('op' in node)) return;
    const n = node as ASTNode;
    if (n.op === 'id') names.add(n.args);
    else visit(n.args);
  };
  try {
    visit(parse(expression).ast);
  } catch {
    // A syntax error: validation reports it; evaluating it reports it again as the sample's reason.
  }
  identifierCache.set(expression, names);
  return names;
}

/** True when a condition of the check compares against `baseline`: the engine measures one when the phase starts. */
export function needsBaseline(check: Pick<Check, 'pass' | 'fail'>): boolean {
  return [check.pass, check.fail].some((e) => e !== undefined && identifiersIn(e).has('baseline'));
}

type Truth = { known: true; value: boolean } | { known: false; reason: string };

function truthOf(expression: string, vars: ConditionVars, valueNote: string | undefined): Truth {
  const names = identifiersIn(expression);
  if (vars.value === null && names.has('value'))
    return { known: false, reason: `no value to test \`${expression}\` on${valueNote ? `: ${valueNote}` : ''}` };
  if (vars.baseline === null && names.has('baseline'))
    return {
      known: false,
      reason: `no baseline to test \`${expression}\` on (none was measured when the phase started)`,
    };
  try {
    return { known: true, value: celBool(expression, { ...vars }) };
  } catch (err) {
    return { known: false, reason: `\`${expression}\` could not be evaluated: ${firstLine(err)}` };
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}

/** What the expression saw: `: result.status = 200, result.json.connection_status = "offline"`. */
function shown(expressions: string[], vars: ConditionVars): string {
  const seen = operandValues(expressions, { ...vars });
  if (seen) return `: ${seen}`;
  return vars.value === null ? '' : ` (value ${vars.value})`;
}

/** Null when the check has neither condition (the kind's own default decides then). */
export function evaluateConditions(
  check: Pick<Check, 'pass' | 'fail'>,
  vars: ConditionVars,
  valueNote?: string,
): KindDecision | null {
  const { pass, fail } = check;
  if (pass === undefined && fail === undefined) return null;
  let failTruth: Truth | undefined;
  if (fail !== undefined) {
    failTruth = truthOf(fail, vars, valueNote);
    if (failTruth.known && failTruth.value)
      return { outcome: 'fail', reason: `fail: \`${fail}\` is true${shown([fail], vars)}` };
    if (!failTruth.known) return { outcome: 'inconclusive', reason: failTruth.reason };
  }
  if (pass === undefined) return { outcome: 'pass' };
  const passTruth = truthOf(pass, vars, valueNote);
  if (!passTruth.known) return { outcome: 'inconclusive', reason: passTruth.reason };
  if (passTruth.value) return { outcome: 'pass' };
  if (fail === undefined) return { outcome: 'fail', reason: `pass: \`${pass}\` is false${shown([pass], vars)}` };
  return {
    outcome: 'inconclusive',
    reason: `neither pass: \`${pass}\` nor fail: \`${fail}\` is true${shown([pass, fail], vars)}`,
  };
}
