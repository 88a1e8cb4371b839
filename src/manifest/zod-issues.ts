// The schema's issues in the manifest's words: an unknown field with the field it is a typo of, a missing field, the
// expected type and the value found (masked).
import type { z } from 'zod';
import type { RuleIssue } from './rules.js';
import type { FieldPath } from './positions.js';
import { fieldsAt, suggest } from './fields.js';
import { excerpt } from '../sys/mask.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  // A short, masked excerpt: a value can be anything a file held (a symlinked .env, /proc/self/environ).
  return `${typeof value} ${excerpt(value)}`;
}

export function zodIssueToRules(issue: z.core.$ZodIssue): RuleIssue[] {
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
