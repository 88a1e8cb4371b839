// The manifest reference (docs/manifest.md), generated from the JSON Schema that is generated from the zod schema:
// every field's type, whether it is required, its default and its `.describe()` text. A type used in several places
// (a step, a check) is one section, linked from each place.
import type { z } from 'zod';
import { CHECK_KIND_TABLE } from '../../src/manifest/check-kinds.js';
import { judgeMetric } from '../../src/manifest/judge-schema.js';
import { manifestJsonSchema } from '../../src/manifest/jsonschema.js';
import { httpRequest } from '../../src/manifest/primitives.js';
import * as s from '../../src/manifest/schema.js';
import { STEP_DRIVER_TABLE } from '../../src/manifest/step-drivers.js';

type Node = Record<string, any>;

const check = (r: Node) => r.properties.checks.additionalProperties;
const step = (r: Node) => r.properties.rollback.items;

/**
 * The sections, in the order they are printed: a title, the zod schema whose `.describe()` introduces it, and where
 * the type appears in the JSON Schema (where a field's description may stand in for the type's).
 */
const SECTIONS: [title: string, schema: z.ZodType, at: (root: Node) => Node][] = [
  ['Manifest', s.manifest, (r) => r],
  ['Phase', s.phase, (r) => r.properties.phases.items],
  ['Cohort', s.cohort, (r) => r.properties.phases.items.properties.cohort],
  ['Step', s.step, step],
  ['Retry', s.retry, (r) => step(r).properties.retry],
  ['Paginate', s.paginate, (r) => step(r).properties.paginate],
  ['HTTP request', httpRequest, (r) => step(r).properties.http],
  ['Convex call', STEP_DRIVER_TABLE.convex.schema, (r) => step(r).properties.convex],
  ['Gate', s.gate, (r) => r.properties.phases.items.properties.gate],
  ['Check', s.check, check],
  ['Verify check', s.verifyCheck, (r) => r.properties.verify.items],
  ['Prometheus query', CHECK_KIND_TABLE.prometheus.schema, (r) => check(r).properties.prometheus],
  ['Exec', CHECK_KIND_TABLE.exec.schema, (r) => check(r).properties.exec],
  ['Alerts', CHECK_KIND_TABLE.alerts.schema, (r) => check(r).properties.alerts],
  ['Drill', CHECK_KIND_TABLE.drill.schema, (r) => check(r).properties.drill],
  ['Judge', CHECK_KIND_TABLE.judge.schema, (r) => check(r).properties.judge],
  ['Judge metric', judgeMetric, (r) => check(r).properties.judge.properties.metrics.items],
  ['Notifier', s.notifier, (r) => r.properties.notify.items],
];

const DURATION = '^(\\d+)(ms|s|m|h|d)$';

const anchor = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** A node without what differs between the places a type is used: its field's description and default. */
function shape(node: Node): string {
  const { description: _d, default: _def, ...rest } = node;
  return JSON.stringify(rest);
}

/** A value as YAML flow style, as the descriptions quote defaults: 5m, [1s, 2s], {pass: 90}. */
export function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${flow(v)}`)
      .join(', ')}}`;
  return String(value);
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

interface Field {
  path: string;
  node: Node;
  required: boolean;
}

/** A field in the reference of its section: one row; an object of no section of its own adds its fields after it. */
function typeOf(node: Node, sections: Map<string, string>): string {
  const named = sections.get(shape(node));
  if (named) return `[${named}](#${anchor(named)})`;
  if (node.const !== undefined) return `\`${node.const}\``;
  if (node.enum) return node.enum.map((v: unknown) => `\`${v}\``).join(' | ');
  if (node.pattern === DURATION) return 'duration';
  if (node.type === 'array') return `list of ${typeOf(node.items ?? {}, sections)}`;
  if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object')
    return `map of ${typeOf(node.additionalProperties, sections)}`;
  if (node.type === 'object') return 'object';
  if (node.type === 'integer') return 'integer';
  return node.type ?? 'any';
}

function fieldsOf(node: Node, prefix: string, sections: Map<string, string>, self: string): Field[] {
  const out: Field[] = [];
  const required = new Set<string>(node.required ?? []);
  for (const [key, child] of Object.entries<Node>(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push({ path, node: child, required: required.has(key) });
    const named = sections.get(shape(child));
    if (named === undefined || named === self) {
      if (child.type === 'object' && child.properties) out.push(...fieldsOf(child, path, sections, self));
    }
  }
  return out;
}

/** The fields of the manifest that have no description of their own, as `section: path` (a test wants none). */
export function undescribedFields(): string[] {
  return walkFields().flatMap(({ section, field }) => (field.node.description ? [] : [`${section}: ${field.path}`]));
}

/** Every field with a default, and whether its description says it as `(default: X)`. */
export function defaultsUnsaid(): string[] {
  return walkFields().flatMap(({ section, field }) => {
    if (field.node.default === undefined) return [];
    const said = `(default: ${flow(field.node.default)})`;
    return String(field.node.description ?? '').includes(said) ? [] : [`${section}: ${field.path} lacks ${said}`];
  });
}

function sectionsOf(root: Node): { titles: Map<string, string>; nodes: [string, Node][] } {
  const nodes = SECTIONS.map(([title, , at]): [string, Node] => [title, at(root)]);
  return { titles: new Map(nodes.map(([title, node]) => [shape(node), title])), nodes };
}

function walkFields(): { section: string; field: Field }[] {
  const { titles, nodes } = sectionsOf(manifestJsonSchema() as Node);
  return nodes.flatMap(([title, node]) =>
    fieldsOf(node, '', titles, title).map((field) => ({ section: title, field })),
  );
}

export function manifestReference(): string {
  const root = manifestJsonSchema() as Node;
  const { titles, nodes } = sectionsOf(root);
  const lines: string[] = [];
  for (const [i, [title, node]] of nodes.entries()) {
    lines.push(`## ${title}`, '');
    const intro = SECTIONS[i]![1].description;
    if (intro) lines.push(intro, '');
    if (node.oneOf)
      lines.push(`Exactly one of: ${node.oneOf.map((o: Node) => `\`${o.required[0]}\``).join(', ')}.`, '');
    const fields = fieldsOf(node, '', titles, title);
    if (fields.length === 0) {
      lines.push(`Type: ${typeOf({ ...node, description: undefined }, new Map())}.`, '');
      continue;
    }
    lines.push('| field | type | default | meaning |', '| --- | --- | --- | --- |');
    for (const f of fields) {
      const dflt = f.node.default !== undefined ? `\`${flow(f.node.default)}\`` : f.required ? 'required' : '';
      const text = String(f.node.description ?? '').replace(/ \(default: [^)]*\)(?=\.?$)/, '');
      lines.push(`| \`${f.path}\` | ${cell(typeOf(f.node, titles))} | ${cell(dflt)} | ${cell(text)} |`);
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}
