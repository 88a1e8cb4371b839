// The fast path's YAML reader: js-yaml 4, about 3x faster than js-yaml 5 and 4x faster than `yaml`'s documents, with
// its scalars resolved exactly as `yaml` resolves YAML 1.2's core schema. It only has to be right for what it
// accepts: anything `yaml` could read differently (an anchor or alias, an explicit tag, a merge key, a complex key,
// document markers) is refused, and the manifest takes the positioned path. test/manifest/fuzz.test.ts checks that
// the two paths agree.
import { load, Schema, Type, type NodeState } from 'js-yaml-4';

// `starts`: every first character the pattern allows. Most plain scalars (names, paths, words) start with a letter
// that no type's pattern starts with: one look at it spares the eight patterns.
const scalar = (name: string, starts: string, test: RegExp, construct: (s: string) => unknown) =>
  new Type(`tag:rollouts.fast-yaml:${name}`, {
    kind: 'scalar',
    resolve: (s) => s !== null && (s === '' || starts.includes(s[0]!)) && test.test(s),
    construct,
  });

// `yaml`'s core schema (yaml/dist/schema/core and common/null), tag by tag and in its order. Without the failsafe
// types, an explicit tag (`!!str 5`, `!!binary`, `!custom`) is unknown here and refused.
const CORE_AS_YAML_READS_IT = new Schema({
  implicit: [
    scalar('null', '~nN', /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalar('bool', 'tTfF', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
    scalar('int-oct', '0', /^0o[0-7]+$/, (s) => parseInt(s.substring(2), 8)),
    scalar('int', '-+0123456789', /^[-+]?[0-9]+$/, (s) => parseInt(s, 10)),
    scalar('int-hex', '0', /^0x[0-9a-fA-F]+$/, (s) => parseInt(s.substring(2), 16)),
    scalar('float-nan', '-+.', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, (s) =>
      s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity,
    ),
    scalar('float-exp', '-+.0123456789', /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, parseFloat),
    scalar('float', '-+.0123456789', /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, parseFloat),
  ],
});

class Refused extends Error {}

/** An anchor (so no alias can resolve either) or the non-specific tag `!`: left to `yaml`. */
function refuseProperties(event: 'open' | 'close', node: NodeState): void {
  if (event === 'close' && (node.anchor !== null || node.tag === '!')) throw new Refused();
}

// Merge keys, document markers and directives, verbatim tags (`!<...>`), explicit keys (`? k`) and flow collections
// as keys (`[a, b]: 1` and `{ [a] }`, which js-yaml names "a,b" and "a"; a map as a key it names "[object Object]",
// refused below): `yaml` reads each its own way. A match in a quoted string or a comment only sends a valid manifest
// the slower way.
const DOCUMENT_MARKUP = /^(?:---|\.\.\.|%)/m;
const EXPLICIT_KEY = /(?:^|[\s[{,])\?(?:\s|$)/m;
const COLLECTION_KEY = /[\]}][ \t]*:|[{,]\s*\[/;
const leftToYaml = (text: string) =>
  text.includes('<<') ||
  text.includes('!<') ||
  DOCUMENT_MARKUP.test(text) ||
  (text.includes('?') && EXPLICIT_KEY.test(text)) ||
  COLLECTION_KEY.test(text);

/**
 * The value of a one-document YAML text, or null when the fast path does not read it (a syntax error too): the
 * positioned path then reads it and says why.
 */
export function readYamlFast(text: string): unknown {
  if (leftToYaml(text)) return null;
  let value: unknown;
  try {
    value = load(text, { schema: CORE_AS_YAML_READS_IT, listener: refuseProperties });
  } catch {
    return null;
  }
  return hasKeyReadDifferently(value) ? null : value;
}

/**
 * A key js-yaml names otherwise than `yaml`: "null" for a null key (`: x`, `~: x`; `yaml` says ""), "[object Object]"
 * for a map as a key (`yaml` writes its YAML text). A key written so literally is refused too: slower, never wrong.
 */
function hasKeyReadDifferently(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasKeyReadDifferently);
  for (const k in value)
    if (k === 'null' || k === '[object Object]' || hasKeyReadDifferently((value as Record<string, unknown>)[k]))
      return true;
  return false;
}
