// The positioned path of a manifest: `yaml`'s documents, whose nodes carry the source ranges that every message
// (file, line, column, field) needs. Taken by any manifest the fast path does not accept.
import { isAlias, isPair, isScalar, LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import { manifest as manifestSchema } from './schema.js';
import { checkRules, type RuleIssue } from './rules.js';
import { findSecrets, SECRET_FIX } from './secrets.js';
import { formatPath, SourceMap } from './positions.js';
import { sortIssues, type LoadResult, type ManifestIssue } from './issue.js';
import { zodIssueToRules } from './zod-issues.js';
import { shortText } from '../sys/mask.js';

/** `stem` is the file's stem for the name rule (null: no rule). */
export function parsePositioned(file: string, text: string, stem: string | null): LoadResult {
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
  const rules = checkRules(parsed.data, stem).map(place);
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
