// The check kinds (DESIGN §3 "Checks"), one entry each: the config's schema, which of its fields hold templates (the
// lint checks exactly those, and they are rendered before the kind measures), where its Prometheus URL is, and
// whether it has a verdict of its own. Each kind's implementation is a file in checks/, listed in checks/registry.ts.
import { z } from 'zod';
import { fieldAt, renderFields, type FieldPattern, type KindSpec, type TemplateMode } from './kinds.js';
import { judge } from './judge-schema.js';
import { age, argv, duration, httpRequest } from './primitives.js';
import type { TemplateContext } from './templates.js';

export interface CheckKindSpec extends KindSpec {
  /** The fields rendered with the sample's template context; every other string is taken literally. */
  templates: Readonly<Record<FieldPattern, TemplateMode>>;
  /** The field with the Prometheus base URL; a check without one uses another check's, else $PROMETHEUS_URL. */
  prometheusUrl?: FieldPattern;
  /** No verdict of its own: a check of this kind needs `pass:` or `fail:`. */
  needsCondition?: boolean;
}

const prometheusUrl = z
  .string()
  .optional()
  .describe("Prometheus's base URL; absent: another check's, else $PROMETHEUS_URL.");

export const CHECK_KIND_TABLE = {
  http: {
    schema: httpRequest,
    templates: { url: 'text', headers: 'text', json: 'value' },
  },
  prometheus: {
    schema: z
      .strictObject({
        url: prometheusUrl,
        query: z.string().min(1).describe('The PromQL instant query, templates allowed.'),
      })
      .describe(
        "Instant query; `value` is the scalar or the single sample. url: else another check's, else $PROMETHEUS_URL.",
      ),
    templates: { url: 'text', query: 'text' },
    prometheusUrl: 'url',
    needsCondition: true,
  },
  exec: {
    schema: z
      .strictObject({
        run: argv.describe(
          'The command as an argv array, never a shell: `result.exitCode`, `result.stdout`, `result.json`.',
        ),
        timeout: duration
          .default('30s')
          .describe('Time allowed for the process; then its process group is killed (default: 30s).'),
      })
      .describe('A process: `value` is its exit code; without pass/fail, exit 0 passes.'),
    templates: { run: 'text' },
  },
  alerts: {
    schema: z
      .strictObject({
        url: prometheusUrl,
        labels: z
          .record(z.string(), z.string())
          .default({})
          .describe(
            'Labels a firing alert must all have, templates allowed; {} matches every alert. The labels Prometheus ' +
              "reports (the rule's and the series'): /api/v1/alerts lacks the external labels, which only " +
              "Alertmanager's webhook carries (default: {}).",
          ),
      })
      .describe('Firing alerts from Prometheus /api/v1/alerts whose labels match; `value` is their count.'),
    templates: { url: 'text', labels: 'text' },
    prometheusUrl: 'url',
  },
  drill: {
    schema: z
      .strictObject({
        maxRto: duration.describe('The longest recovery time (rollback drill duration) that passes.'),
        maxAge: age.default('30d').describe('How recent the drill must be (default: 30d).'),
      })
      .describe('A rollback drill recorded in the ledger within maxAge met maxRto.'),
    templates: {},
  },
  judge: {
    schema: judge,
    templates: { 'prometheus.url': 'text', 'metrics[].control': 'text', 'metrics[].canary': 'text' },
    prometheusUrl: 'prometheus.url',
  },
} as const satisfies Record<string, CheckKindSpec>;

export type CheckKind = keyof typeof CHECK_KIND_TABLE;
/** A kind's config as the schema outputs it (defaults applied). */
export type CheckConfig<K extends CheckKind> = z.output<(typeof CHECK_KIND_TABLE)[K]['schema']>;

const spec = (kind: CheckKind): CheckKindSpec => CHECK_KIND_TABLE[kind];

/** A kind's config with its templates rendered: what the kind measures with. */
export function renderCheckConfig<K extends CheckKind>(
  kind: K,
  config: CheckConfig<K>,
  ctx: TemplateContext,
): CheckConfig<K> {
  return renderFields(config, spec(kind).templates, ctx);
}

/** The Prometheus base URL a check names (unrendered), if its kind has one. */
export function prometheusUrlOf(kind: CheckKind, config: unknown): string | undefined {
  const field = spec(kind).prometheusUrl;
  const url = field === undefined ? undefined : fieldAt(config, field);
  return typeof url === 'string' ? url : undefined;
}
