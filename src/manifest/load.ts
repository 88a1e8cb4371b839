// Loading a manifest: YAML with source positions, the schema, the cross-reference rules, the secret lint.
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { load as loadYamlFast } from 'js-yaml';
import { isAlias, isPair, isScalar, LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { manifest as manifestSchema, type Manifest } from './schema.js';
import { checkRules, type RuleIssue } from './rules.js';
import { findSecrets, SECRET_FIX } from './secrets.js';
import { formatPath, SourceMap, type FieldPath } from './positions.js';
import { fieldsAt, suggest } from './fields.js';
import { excerpt, shortText } from '../sys/mask.js';

/** The largest manifest read: a rollout is a page of YAML, not a data file. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

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
  // A short, masked excerpt: a value can be anything a file held (a symlinked .env, /proc/self/environ).
  return `${typeof value} ${excerpt(value)}`;
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
  const bad = textIssue(file, text);
  if (bad) return { file, manifest: null, issues: [bad] };
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
    const message =
      e.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(doc, e.pos[0]) : shortText(e.message.split('\n')[0]!, 160);
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
    : `duplicate key \`${shortText(key)}\`: it appears twice in this map`;
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

const issueAt = (file: string, message: string, line = 1, col = 1): ManifestIssue => ({
  file,
  line,
  col,
  path: '(root)',
  message,
});

/** A NUL byte or a text past the size cap: not a manifest, whatever it parses as. */
function textIssue(file: string, text: string): ManifestIssue | null {
  if (text.length > MAX_MANIFEST_BYTES || Buffer.byteLength(text) > MAX_MANIFEST_BYTES)
    return issueAt(file, `the file is larger than ${MAX_MANIFEST_BYTES} bytes (1 MiB): a manifest is a page of YAML`);
  const nul = text.indexOf('\0');
  if (nul < 0) return null;
  const before = text.slice(0, nul).split('\n');
  return issueAt(file, 'a NUL byte: a manifest is UTF-8 text', before.length, before[before.length - 1]!.length + 1);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The text of a manifest file, or why it is not one: a manifest is a regular file in the repository, never a
 * symbolic link (it could point at `.git/config`, `.env` or `/proc/self/environ`) nor a device or a pipe; at most
 * 1 MiB; valid UTF-8. Opened with O_NOFOLLOW, so a file swapped for a link after the check is refused too.
 */
export async function readManifestText(file: string): Promise<{ text: string } | { issue: ManifestIssue }> {
  const refuse = (message: string) => ({ issue: issueAt(file, message) });
  let handle;
  try {
    const st = await lstat(file);
    if (st.isSymbolicLink())
      return refuse('a symbolic link: a manifest must be a regular file in the repository, not a link');
    if (!st.isFile()) return refuse('not a regular file: a manifest must be a regular file in the repository');
    if (st.size > MAX_MANIFEST_BYTES)
      return refuse(`the file is ${st.size} bytes: a manifest is at most ${MAX_MANIFEST_BYTES} bytes (1 MiB)`);
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      return refuse('a symbolic link: a manifest must be a regular file in the repository, not a link');
    return refuse(code === 'ENOENT' ? 'no such file' : `cannot read: ${code}`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return refuse('not a regular file: a manifest must be a regular file in the repository');
    const buf = Buffer.alloc(MAX_MANIFEST_BYTES + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > MAX_MANIFEST_BYTES)
        return refuse(`the file is larger than ${MAX_MANIFEST_BYTES} bytes: a manifest is at most 1 MiB`);
    }
    try {
      return { text: UTF8.decode(buf.subarray(0, n)) };
    } catch {
      const line = buf
        .subarray(0, firstInvalidUtf8(buf.subarray(0, n)))
        .toString('latin1')
        .split('\n').length;
      return { issue: issueAt(file, 'invalid UTF-8: a manifest is UTF-8 text', line) };
    }
  } finally {
    await handle.close();
  }
}

/** The offset of the first byte that does not start a valid UTF-8 sequence (for the line of the message). */
function firstInvalidUtf8(buf: Buffer): number {
  let lo = 0;
  let hi = buf.length;
  // The longest valid prefix, by bisection on whether the prefix decodes (a cut sequence at the end is tolerated).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

export async function loadManifestFile(file: string): Promise<LoadResult> {
  const read = await readManifestText(file);
  if ('issue' in read) return { file, manifest: null, issues: [read.issue] };
  return parseManifest(file, read.text);
}

/** Thrown when the rollouts directory itself is not a directory of the repository (a symbolic link, a file). */
export class ManifestDirError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`${dir}: ${reason}`);
  }
}

/**
 * The manifest files of a rollouts directory (`*.yaml`, `*.yml`), sorted; an absent directory has none. Entries that
 * are links or not regular files are listed too, so that loading them reports them instead of skipping them
 * silently; the directory itself must not be a symbolic link.
 */
export async function manifestFiles(dir: string): Promise<string[]> {
  try {
    const st = await lstat(dir);
    if (st.isSymbolicLink())
      throw new ManifestDirError(dir, 'a symbolic link: the rollouts directory must be a directory of the repository');
    if (!st.isDirectory()) throw new ManifestDirError(dir, 'not a directory');
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
  let files: string[];
  try {
    files = await manifestFiles(dir);
  } catch (err) {
    if (err instanceof ManifestDirError) return [{ file: dir, manifest: null, issues: [issueAt(dir, err.reason)] }];
    throw err;
  }
  return Promise.all(files.map(loadManifestFile));
}
