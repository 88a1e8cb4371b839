// Loading a manifest: YAML with source positions, the schema, the cross-reference rules, the secret lint.
import { readFile, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { load as loadYamlFast } from 'js-yaml';
import { isAlias, isPair, isScalar, LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { manifest as manifestSchema, type Manifest } from './schema.js';
import { checkRules, type RuleIssue } from './rules.js';
import { findSecrets, SECRET_FIX } from './secrets.js';
import { formatPath, SourceMap, type FieldPath } from './positions.js';
import { fieldsAt, suggest } from './fields.js';

export interface ManifestIssue {
  file: string;
  line: number;
  col: number;
  /** The field path, e.g. `phases[0].steps[1].timeout`. */
  path: string;
  message: string;
}

export interface LoadedManifest {
  file: string;
  manifest: Manifest;
  source: string;
}

export interface LoadResult {
  file: string;
  manifest: Manifest | null;
  issues: ManifestIssue[];
}

export function formatIssue(i: ManifestIssue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.path === '(root)' ? '' : `${i.path}: `}${i.message}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function zodIssueToRules(issue: z.core.$ZodIssue): RuleIssue[] {
  const path = issue.path as FieldPath;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => {
        const hint = suggest(k, fieldsAt(path));
        return {
          path: [...path, k],
          key: true,
          message: `unknown field \`${k}\`${hint ? ` (did you mean \`${hint}\`?)` : ''}`,
        };
      });
    case 'invalid_type': {
      const input = (issue as { input?: unknown }).input;
      if (input === undefined)
        return [{ path, message: `missing required field \`${String(path[path.length - 1])}\`` }];
      return [{ path, message: `expected ${issue.expected}, got ${describe(input)}` }];
    }
    case 'invalid_value': {
      const input = (issue as { input?: unknown }).input;
      if (input === undefined)
        return [{ path, message: `missing required field \`${String(path[path.length - 1])}\`` }];
      return [
        {
          path,
          message: `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describe(input)}`,
        },
      ];
    }
    case 'invalid_key':
      return [
        {
          path,
          key: true,
          message: `invalid name \`${String(path[path.length - 1])}\`: ${issue.issues[0]?.message ?? issue.message}`,
        },
      ];
    case 'invalid_union':
      return [{ path, message: 'none of the allowed shapes fits here' }];
    default:
      return [{ path, message: issue.message }];
  }
}

export interface ParseOptions {
  /** Try the fast path first (default); false: always the positioned path (tests compare the two). */
  fast?: boolean;
}

/**
 * Parses and validates one manifest's text. `file` is used in messages and (its stem) for the name rule.
 *
 * Two paths: a valid manifest needs no positions, so it is first read with js-yaml (4x faster than `yaml`'s
 * documents) and, when the schema, the rules and the secret lint all pass, returned. Anything else (a syntax error,
 * an anchor or alias, a merge key, any issue at all) is read again with `yaml`, whose nodes carry the source ranges
 * every message needs. Both read YAML 1.2's core schema; test/manifest/fuzz.test.ts checks that they agree.
 */
export function parseManifest(file: string, text: string, options: ParseOptions = {}): LoadResult {
  if (options.fast !== false) {
    const manifest = validOnFastPath(file, text);
    if (manifest) return { file, manifest, issues: [] };
  }
  return parsePositioned(file, text);
}

const stemOf = (file: string) =>
  file.endsWith('.yaml') || file.endsWith('.yml') ? basename(file, extname(file)) : null;

const DOCUMENT_MARKUP = /^(?:---|\.\.\.|%)/m;

function validOnFastPath(file: string, text: string): Manifest | null {
  // Aliases (maxAliases 0), merge keys, document markers and directives are left to `yaml`, which limits alias
  // expansion, treats `<<` as a key, and reports a second document or a stray marker.
  if (text.includes('<<') || DOCUMENT_MARKUP.test(text)) return null;
  let raw: unknown;
  try {
    raw = loadYamlFast(text, { maxAliases: 0, filename: file });
  } catch {
    return null;
  }
  if (raw === null || typeof raw !== 'object' || readsDifferently(raw) || findSecrets(raw).length) return null;
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success || checkRules(parsed.data, stemOf(file)).length) return null;
  return parsed.data;
}

/**
 * Where js-yaml and `yaml` read the same text differently: js-yaml names a null key (`: x`, `~: x`) "null" where
 * `yaml` names it "", and keeps a float that overflows (`1e400`) as a string where `yaml` makes it Infinity. A value
 * or a key that could be either takes the positioned path (a quoted number does too: slower, never wrong).
 */
function readsDifferently(value: unknown): boolean {
  if (typeof value === 'string') return FLOAT.test(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(readsDifferently);
  for (const [k, v] of Object.entries(value)) if (k === 'null' || FLOAT.test(k) || readsDifferently(v)) return true;
  return false;
}

const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

function parsePositioned(file: string, text: string): LoadResult {
  const lines = new LineCounter();
  // logLevel 'error': no process warning when a map or list is used as a key (it becomes its YAML text, an unknown field).
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    logLevel: 'error',
  });
  const at = (offset: number) => lines.linePos(offset);
  const issue = (offset: number, path: string, message: string): ManifestIssue => ({
    file,
    ...at(offset),
    path,
    message,
  });

  if (!Array.isArray(docs))
    return { file, manifest: null, issues: [issue(0, '(root)', 'the file is empty: expected a Rollout manifest')] };
  const [doc, extra] = docs;
  if (!doc)
    return { file, manifest: null, issues: [issue(0, '(root)', 'the file is empty: expected a Rollout manifest')] };
  const syntax = doc.errors.map((e) => {
    const message = e.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(doc, e.pos[0]) : e.message.split('\n')[0]!;
    return issue(e.pos[0], '(root)', message);
  });
  if (extra) syntax.push(issue(extra.range[0], '(root)', 'one rollout a file: remove the second YAML document'));
  if (syntax.length) return { file, manifest: null, issues: syntax };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    // An alias to an anchor defined later (or never), or too many aliases (a "billion laughs" document).
    return {
      file,
      manifest: null,
      issues: [issue(firstAliasOffset(doc), '(root)', (err as Error).message.split('\n')[0]!)],
    };
  }
  const map = new SourceMap(doc, lines);
  const place = (r: RuleIssue): ManifestIssue => ({
    file,
    ...map.find(r.path, { key: r.key, offsetInString: r.offsetInString }),
    path: formatPath(r.path),
    message: r.message,
  });

  const secretIssues = findSecrets(raw).map((f) =>
    place({ path: f.path, message: `this looks like a literal secret (${f.what}): ${SECRET_FIX}` }),
  );
  const parsed = manifestSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const schemaIssues = parsed.error.issues.flatMap(zodIssueToRules).map(place);
    return { file, manifest: null, issues: sortIssues([...schemaIssues, ...secretIssues]) };
  }
  const rules = checkRules(parsed.data, stemOf(file)).map(place);
  const issues = sortIssues([...rules, ...secretIssues]);
  return { file, manifest: issues.length ? null : parsed.data, issues };
}

function duplicateKeyMessage(doc: Document, offset: number): string {
  let key: string | null = null;
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.range?.[0] === offset) {
        key = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return key === null
    ? 'duplicate key: a key appears twice in this map'
    : `duplicate key \`${key}\`: it appears twice in this map`;
}

/** Where toJS gave up: the first alias that resolves to nothing, else (too many aliases) the first alias. */
function firstAliasOffset(doc: Document): number {
  let first: number | undefined;
  let unresolved: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (!isAlias(node)) return undefined;
      first ??= node.range?.[0];
      if (node.resolve(doc)) return undefined;
      unresolved = node.range?.[0];
      return visit.BREAK;
    },
  });
  return unresolved ?? first ?? 0;
}

function sortIssues(issues: ManifestIssue[]): ManifestIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.col - b.col);
}

export async function loadManifestFile(file: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      file,
      manifest: null,
      issues: [
        { file, line: 1, col: 1, path: '(root)', message: code === 'ENOENT' ? 'no such file' : `cannot read: ${code}` },
      ],
    };
  }
  return parseManifest(file, text);
}

/** The manifest files of a rollouts directory (`*.yaml`, `*.yml`), sorted; an absent directory has none. */
export async function manifestFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => join(dir, n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function loadRollouts(dir: string): Promise<LoadResult[]> {
  return Promise.all((await manifestFiles(dir)).map(loadManifestFile));
}
