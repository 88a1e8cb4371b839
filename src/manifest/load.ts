// Loading a manifest: a fast path for the valid ones, the positioned path (positioned.ts) for every message.
import { basename, extname } from 'node:path';
import { manifest as manifestSchema, type Manifest } from './schema.js';
import { checkRules } from './rules.js';
import { findSecrets } from './secrets.js';
import { issueAt, type LoadResult } from './issue.js';
import { parsePositioned } from './positioned.js';
import { readYamlFast } from './fast-yaml.js';
import { ManifestDirError, manifestFiles, readManifestTextSync, textIssue } from './read.js';

export { formatIssue, type LoadResult, type ManifestIssue } from './issue.js';
export { ManifestDirError, manifestFiles, readManifestText } from './read.js';

export interface ParseOptions {
  /** Try the fast path first (default); false: always the positioned path (tests compare the two). */
  fast?: boolean;
}

/**
 * Parses and validates one manifest's text. `file` is used in messages and (its stem) for the name rule.
 *
 * Two paths: a valid manifest needs no positions, so it is first read by fast-yaml.ts (js-yaml 4) and, when the
 * schema, the rules and the secret lint all pass, returned. Anything else (a syntax error,
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

function validOnFastPath(file: string, text: string): Manifest | null {
  const raw = readYamlFast(text);
  if (raw === null || typeof raw !== 'object' || findSecrets(raw).length) return null;
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success || checkRules(parsed.data, stemOf(file)).length) return null;
  return parsed.data;
}

export async function loadManifestFile(file: string): Promise<LoadResult> {
  return loadManifestFileSync(file);
}

function loadManifestFileSync(file: string): LoadResult {
  const read = readManifestTextSync(file);
  if ('issue' in read) return { file, manifest: null, issues: [read.issue] };
  return parseManifest(file, read.text);
}

/**
 * Loads files one after the other and gives what `each` keeps of each result, in the files' order: only one text is
 * live at a time, and `each` lets a caller drop the manifests. The reads block (read.ts says why).
 */
export async function loadManifestFiles<T>(files: readonly string[], each: (r: LoadResult) => T): Promise<T[]> {
  return files.map((f) => each(loadManifestFileSync(f)));
}

export async function loadRollouts(dir: string): Promise<LoadResult[]> {
  let files: string[];
  try {
    files = await manifestFiles(dir);
  } catch (err) {
    if (err instanceof ManifestDirError) return [{ file: dir, manifest: null, issues: [issueAt(dir, err.reason)] }];
    throw err;
  }
  return loadManifestFiles(files, (r) => r);
}
