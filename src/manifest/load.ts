// Loading a manifest: a fast path for the valid ones, the positioned path (positioned.ts) for every message.
import { basename, extname } from 'node:path';
import { load as loadYamlFast } from 'js-yaml';
import { manifest as manifestSchema, type Manifest } from './schema.js';
import { checkRules } from './rules.js';
import { findSecrets } from './secrets.js';
import { issueAt, type LoadResult } from './issue.js';
import { parsePositioned } from './positioned.js';
import { ManifestDirError, manifestFiles, readManifestText, textIssue } from './read.js';

export { formatIssue, type LoadResult, type ManifestIssue } from './issue.js';
export { ManifestDirError, manifestFiles, readManifestText } from './read.js';

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
  return parsePositioned(file, text, stemOf(file));
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

export async function loadManifestFile(file: string): Promise<LoadResult> {
  const read = await readManifestText(file);
  if ('issue' in read) return { file, manifest: null, issues: [read.issue] };
  return parseManifest(file, read.text);
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
