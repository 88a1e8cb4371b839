// Cross-reference rules that a schema cannot express (DESIGN §3 "Validation rejects").
import { CelCompileError, compileCel } from './cel.js';
import { CHECK_KIND_TABLE, type CheckKindSpec } from './check-kinds.js';
import { fieldsMatching } from './kinds.js';
import { templatePathError, type TemplateSite } from './scope.js';
import { templatedStrings, templatesIn } from './templates.js';
import { checkKind, stepDriver, type Check, type Manifest, type Step, type VerifyCheck } from './schema.js';
import type { FieldPath } from './positions.js';
import { isDeniedEnvName } from './secrets.js';

export interface RuleIssue {
  path: FieldPath;
  message: string;
  /** Point at the key rather than the value. */
  key?: boolean;
  /** Offset inside the string value, for a template or CEL error. */
  offsetInString?: number;
}

interface Located<T> {
  value: T;
  path: FieldPath;
}

function stepsOf(m: Manifest): Located<Step>[] {
  const out: Located<Step>[] = [];
  m.phases.forEach((p, i) => {
    p.steps.forEach((s, j) => out.push({ value: s, path: ['phases', i, 'steps', j] }));
    p.rollback?.forEach((s, j) => out.push({ value: s, path: ['phases', i, 'rollback', j] }));
    if (p.cohort?.from) out.push({ value: p.cohort.from, path: ['phases', i, 'cohort', 'from'] });
  });
  m.rollback.forEach((s, j) => out.push({ value: s, path: ['rollback', j] }));
  return out;
}

function checksOf(m: Manifest): Located<Check | VerifyCheck>[] {
  return [
    ...Object.entries(m.checks).map(([name, c]) => ({ value: c, path: ['checks', name] as FieldPath })),
    ...m.verify.map((c, i) => ({ value: c as Check | VerifyCheck, path: ['verify', i] as FieldPath })),
  ];
}

function duplicates(names: string[], path: (i: number) => FieldPath, what: string): RuleIssue[] {
  const seen = new Set<string>();
  const out: RuleIssue[] = [];
  names.forEach((n, i) => {
    if (seen.has(n)) out.push({ path: path(i), message: `duplicate ${what} name \`${n}\`` });
    seen.add(n);
  });
  return out;
}

function celIssue(expr: string | undefined, path: FieldPath): RuleIssue[] {
  if (expr === undefined) return [];
  try {
    compileCel(expr);
    return [];
  } catch (err) {
    if (!(err instanceof CelCompileError)) throw err;
    return [{ path, message: `invalid CEL: ${err.message}`, offsetInString: err.offset }];
  }
}

function templateIssues(value: unknown, base: FieldPath, site: TemplateSite, m: Manifest): RuleIssue[] {
  const out: RuleIssue[] = [];
  for (const [text, rel] of templatedStrings(value)) {
    for (const ref of templatesIn(text)) {
      const message = ref.isPath
        ? templatePathError(ref.path, site, m)
        : `{{ ${ref.path} }} is not a path: templates are data, not expressions (use a path like {{ vars.batchSize }})`;
      if (message) out.push({ path: [...base, ...rel], message, offsetInString: ref.offset });
    }
  }
  return out;
}

/** Template errors in the fields a check kind renders (its table entry says which); `base` is the kind's key. */
export function checkTemplateIssues(kind: CheckKindSpec, config: unknown, base: FieldPath, m: Manifest): RuleIssue[] {
  return Object.keys(kind.templates).flatMap((pattern) =>
    fieldsMatching(config, pattern).flatMap((f) => templateIssues(f.value, [...base, ...f.path], { kind: 'check' }, m)),
  );
}

function stepIssues(m: Manifest, { value: s, path }: Located<Step>): RuleIssue[] {
  const site: TemplateSite =
    path[path.length - 1] === 'from'
      ? { kind: 'cohort-from' }
      : { kind: 'step', paginated: !!s.paginate, sized: !!s.paginate?.batchTime };
  const driver = stepDriver(s);
  return [
    // A driver's whole config is rendered for each call.
    ...templateIssues(s[driver], [...path, driver], site, m),
    ...celIssue(s.expect, [...path, 'expect']),
    ...celIssue(s.paginate?.next, [...path, 'paginate', 'next']),
    ...celIssue(s.paginate?.while, [...path, 'paginate', 'while']),
    ...pagingIssues(m, s, [...path, 'paginate']),
  ];
}

/** `paginate.throttle` names defined checks; `paginate.batchTime` has ordered sizes and a step that sends them. */
function pagingIssues(m: Manifest, s: Step, path: FieldPath): RuleIssue[] {
  const out: RuleIssue[] = [];
  s.paginate?.throttle?.checks.forEach((name, j) => {
    if (!Object.hasOwn(m.checks, name))
      out.push({ path: [...path, 'throttle', 'checks', j], message: `check \`${name}\` is not defined under checks:` });
  });
  const sized = s.paginate?.batchTime;
  if (!sized) return out;
  const at = [...path, 'batchTime'];
  if (sized.minSize > sized.maxSize)
    out.push({ path: [...at, 'minSize'], message: `minSize ${sized.minSize} is above maxSize ${sized.maxSize}` });
  if (sized.startSize !== undefined && (sized.startSize < sized.minSize || sized.startSize > sized.maxSize))
    out.push({
      path: [...at, 'startSize'],
      message: `startSize ${sized.startSize} is outside [minSize ${sized.minSize}, maxSize ${sized.maxSize}]`,
    });
  const sendsSize = templatedStrings(s[stepDriver(s)]).some(([text]) =>
    templatesIn(text).some((ref) => ref.path === 'page.size'),
  );
  if (!sendsSize)
    out.push({
      path: at,
      key: true,
      message:
        'batchTime sizes `{{ page.size }}`, but the step never sends it: pass it to the target (e.g. numItems: "{{ page.size }}")',
    });
  return out;
}

function checkIssues(m: Manifest, { value: c, path }: Located<Check | VerifyCheck>): RuleIssue[] {
  const kind = checkKind(c);
  const out = [
    ...checkTemplateIssues(CHECK_KIND_TABLE[kind], c[kind], [...path, kind], m),
    ...celIssue(c.pass, [...path, 'pass']),
    ...celIssue(c.fail, [...path, 'fail']),
  ];
  const needsCondition = (CHECK_KIND_TABLE[kind] as CheckKindSpec).needsCondition;
  if (needsCondition && c.pass === undefined && c.fail === undefined)
    out.push({ path, message: `a ${kind} check needs \`pass:\` or \`fail:\` (CEL over value and baseline)` });
  if (c.pass !== undefined && c.fail !== undefined)
    out.push({ path: [...path, 'fail'], message: 'give `pass:` or `fail:`, not both', key: true });
  return out;
}

function phaseIssues(m: Manifest): RuleIssue[] {
  const out: RuleIssue[] = [];
  out.push(
    ...duplicates(
      m.phases.map((p) => p.name),
      (i) => ['phases', i, 'name'],
      'phase',
    ),
  );
  m.phases.forEach((p, i) => {
    if (p.name === 'none')
      out.push({ path: ['phases', i, 'name'], message: '`none` is reserved: it means nothing applied' });
    out.push(
      ...duplicates(
        p.steps.map((s) => s.name),
        (j) => ['phases', i, 'steps', j, 'name'],
        'step',
      ),
    );
    if (p.rollback)
      out.push(
        ...duplicates(
          p.rollback.map((s) => s.name),
          (j) => ['phases', i, 'rollback', j, 'name'],
          'step',
        ),
      );
    p.gate?.checks.forEach((name, j) => {
      if (!Object.hasOwn(m.checks, name))
        out.push({
          path: ['phases', i, 'gate', 'checks', j],
          message: `check \`${name}\` is not defined under checks:`,
        });
    });
    const c = p.cohort;
    if (c) {
      const cpath = ['phases', i, 'cohort'];
      if ((c.ids === undefined) === (c.percent === undefined))
        out.push({ path: cpath, message: 'a cohort has either `ids:` or `percent:` (with `from:`)' });
      if (c.percent !== undefined && !c.from)
        out.push({ path: cpath, message: 'a `percent:` cohort needs `from:`, a step that lists the ids' });
      if (c.ids !== undefined && c.from)
        out.push({ path: [...cpath, 'from'], message: '`from:` goes with `percent:`, not `ids:`', key: true });
    }
  });
  out.push(
    ...duplicates(
      m.rollback.map((s) => s.name),
      (j) => ['rollback', j, 'name'],
      'step',
    ),
  );
  out.push(
    ...duplicates(
      m.verify.map((s) => s.name),
      (j) => ['verify', j, 'name'],
      'verify',
    ),
  );
  if (m.phase !== 'none' && !m.phases.some((p) => p.name === m.phase))
    out.push({
      path: ['phase'],
      message: `phase \`${m.phase}\` names no phase (have: none, ${m.phases.map((p) => p.name).join(', ')})`,
    });
  return out;
}

function envIssues(m: Manifest): RuleIssue[] {
  const out = duplicates(m.env, (i) => ['env', i], 'env');
  m.env.forEach((name, i) => {
    if (isDeniedEnvName(name))
      out.push({
        path: ['env', i],
        message:
          `${name} is never given to steps: the action's inputs, ACTIONS_* and GITHUB_TOKEN stay with the action ` +
          '(pass a token of its own under another name)',
      });
  });
  m.notify.forEach((n, i) => {
    const ref = n.slack
      ? { key: 'slack', name: n.slack.webhookEnv, field: 'webhookEnv' }
      : n.webhook
        ? { key: 'webhook', name: n.webhook.urlEnv, field: 'urlEnv' }
        : null;
    if (ref && !m.env.includes(ref.name))
      out.push({ path: ['notify', i, ref.key, ref.field], message: `${ref.name} is not listed in env:` });
  });
  return out;
}

/** The `cohort.*` paths a step's templates use that a phase with no cohort has as null. */
function cohortPathsIn(s: Step): string[] {
  const used = new Set<string>();
  for (const [text] of templatedStrings(s[stepDriver(s)]))
    for (const ref of templatesIn(text)) if (/^cohort\.(added|ids)$/.test(ref.path)) used.add(ref.path);
  return [...used];
}

/**
 * A rollback that sends `cohort.added` / `cohort.ids` undoes nothing for a phase with no cohort (both are null
 * there), while `verify` may still pass: such a phase needs its own `rollback:` over everything.
 */
function cohortlessRollbackIssues(m: Manifest): RuleIssue[] {
  const out: RuleIssue[] = [];
  m.phases.forEach((p, i) => {
    // A phase whose steps are all read-only changed nothing: a rollback that undoes nothing is right for it.
    if (p.cohort || p.steps.every((s) => s.readOnly)) return;
    const own = p.rollback !== undefined;
    (p.rollback ?? m.rollback).forEach((s, j) => {
      const paths = cohortPathsIn(s);
      if (!paths.length) return;
      const path: FieldPath = own ? ['phases', i, 'rollback', j] : ['rollback', j];
      const names = paths.map((x) => `{{ ${x} }}`).join(' and ');
      const fix = own
        ? `make it undo everything the phase changed (e.g. a paged step over all records)`
        : `give \`${p.name}\` its own \`rollback:\` that undoes everything (e.g. a paged step over all records)`;
      const message =
        `rollback step \`${s.name}\` sends ${names}, which ${paths.length > 1 ? 'are' : 'is'} null for phase ` +
        `\`${p.name}\` (it has no cohort), so rolling it back would undo nothing; ${fix}`;
      out.push({ path: [...path, 'name'], message });
    });
  });
  return out;
}

/** Rules over a manifest that passed the schema. */
export function checkRules(m: Manifest, fileStem: string | null): RuleIssue[] {
  const out: RuleIssue[] = [];
  if (fileStem !== null && m.name !== fileStem)
    out.push({ path: ['name'], message: `name \`${m.name}\` must equal the file's name \`${fileStem}\`` });
  out.push(...phaseIssues(m), ...envIssues(m), ...cohortlessRollbackIssues(m));
  for (const s of stepsOf(m)) out.push(...stepIssues(m, s));
  for (const c of checksOf(m)) out.push(...checkIssues(m, c));
  return out;
}
