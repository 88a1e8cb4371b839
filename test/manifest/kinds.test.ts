// A kind is one table entry: the schema, the template lint, the JSON Schema and the registry all read the tables.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHECK_KIND_IMPLS } from '../../src/checks/registry.js';
import { drivers } from '../../src/drivers/index.js';
import { CHECK_KIND_TABLE, type CheckKindSpec } from '../../src/manifest/check-kinds.js';
import { schemaAt } from '../../src/manifest/kinds.js';
import { checkTemplateIssues } from '../../src/manifest/rules.js';
import { checkSchemaFor, type Manifest } from '../../src/manifest/schema.js';
import { STEP_DRIVER_TABLE } from '../../src/manifest/step-drivers.js';
import { manifestJsonSchema } from '../../src/manifest/index.js';
import { demo, issuesOf } from './demo-manifest.js';

describe('templates in every check kind are validated where they are written', () => {
  it('rejects {{ vars.nope }} in a judge query, at file:line:col', () => {
    const judge = [
      '  canary-judge:',
      '    judge:',
      '      prometheus: { url: "http://prometheus:9090" }',
      '      metrics:',
      '        - name: latency',
      '          control: \'rate(x{cohort="control"}[1m])\'',
      '          canary: \'rate(x{cohort="{{ vars.nope }}"}[1m])\'',
    ].join('\n');
    expect(issuesOf(demo({ 14: '    fail: "value > 0.05"\n' + judge }))).toEqual([
      {
        line: 21,
        col: 35,
        path: 'checks.canary-judge.judge.metrics[0].canary',
        message: '{{ vars.nope }}: no such entry in vars:',
      },
    ]);
  });

  it('rejects {{ vars.nope }} in alerts labels and a judge url', () => {
    const checks = [
      '  firing:',
      '    alerts: { labels: { rollout: "{{ vars.nope }}" } }',
      '  judged:',
      '    judge:',
      '      prometheus: { url: "{{ vars.promUrl }}" }',
      '      metrics: [{ name: m, control: "a", canary: "b" }]',
    ].join('\n');
    expect(issuesOf(demo({ 14: '    fail: "value > 0.05"\n' + checks }))).toEqual([
      {
        line: 16,
        col: 35,
        path: 'checks.firing.alerts.labels.rollout',
        message: '{{ vars.nope }}: no such entry in vars:',
      },
      {
        line: 19,
        col: 27,
        path: 'checks.judged.judge.prometheus.url',
        message: '{{ vars.promUrl }}: no such entry in vars:',
      },
    ]);
  });

  it('rejects templates in an exec check and in a verify check', () => {
    expect(issuesOf(demo({ 36: '    exec: { run: [./count-mixed, "{{ page.cursor }}"] }' }))).toEqual([
      {
        line: 36,
        col: 35,
        path: 'verify[0].exec.run[1]',
        message: '{{ page.cursor }} exists only in a step with paginate:',
      },
    ]);
  });
});

describe('the check kind table', () => {
  for (const [kind, spec] of Object.entries(CHECK_KIND_TABLE) as [string, CheckKindSpec][]) {
    it(`${kind}: every templated field and the Prometheus url field name a field of its schema`, () => {
      for (const pattern of [...Object.keys(spec.templates), ...(spec.prometheusUrl ? [spec.prometheusUrl] : [])])
        expect(schemaAt(spec.schema, pattern), `${kind}.${pattern}`).toBeDefined();
    });

    it(`${kind}: has an implementation, whose own verdict exists exactly when the table says no condition is needed`, () => {
      const impl = CHECK_KIND_IMPLS[kind as keyof typeof CHECK_KIND_IMPLS];
      expect(impl?.kind).toBe(kind);
      expect(impl.decide === undefined).toBe(spec.needsCondition === true);
    });
  }

  it('has no implementation without a table entry, and none the type would not demand', () => {
    expect(Object.keys(CHECK_KIND_IMPLS).sort()).toEqual(Object.keys(CHECK_KIND_TABLE).sort());
    // @ts-expect-error a registry without one of the table's kinds does not compile
    const missing: typeof CHECK_KIND_IMPLS = { ...CHECK_KIND_IMPLS, judge: undefined };
    expect(missing.judge).toBeUndefined();
  });

  it('step drivers: one implementation per table entry', () => {
    expect(Object.keys(drivers).sort()).toEqual(Object.keys(STEP_DRIVER_TABLE).sort());
    for (const [kind, impl] of Object.entries(drivers)) expect(impl.kind).toBe(kind);
  });
});

describe('adding a check kind is adding a table entry', () => {
  // A kind that exists only in this test: the schema, lint and JSON Schema built from the extended table know it.
  const table = {
    ...CHECK_KIND_TABLE,
    echo: {
      schema: z.strictObject({ text: z.string(), note: z.string().optional() }).describe('Echoes its text.'),
      templates: { text: 'text' },
    },
  } satisfies Record<string, CheckKindSpec>;
  const checkSchema = checkSchemaFor(table);
  const m = { vars: { who: 'x' }, env: [] } as unknown as Manifest;

  it('the schema accepts it as one more kind, with the fields every check has', () => {
    expect(checkSchema.parse({ echo: { text: 'hi' }, pass: 'value == 0' })).toMatchObject({
      echo: { text: 'hi' },
      severity: 'high',
      timeout: '30s',
    });
    expect(checkSchema.safeParse({ echo: { text: 'hi' }, exec: { run: ['x'] } }).error?.issues[0]?.message).toBe(
      'give exactly one of http, prometheus, exec, alerts, drill, judge, echo; found exec and echo',
    );
    expect(checkSchema.safeParse({ echo: { text: 'hi', extra: 1 } }).success).toBe(false);
  });

  it('the lint checks exactly its templated fields', () => {
    const issues = checkTemplateIssues(table.echo, { text: '{{ vars.nope }}', note: '{{ vars.nope }}' }, ['echo'], m);
    expect(issues).toEqual([
      { path: ['echo', 'text'], message: '{{ vars.nope }}: no such entry in vars:', offsetInString: 0 },
    ]);
    expect(checkTemplateIssues(table.echo, { text: '{{ vars.who }}' }, ['echo'], m)).toEqual([]);
  });

  it('the JSON Schema of the real table lists every kind as one of a check', () => {
    const json = JSON.stringify(manifestJsonSchema());
    for (const kind of Object.keys(CHECK_KIND_TABLE)) expect(json).toContain(`{"required":["${kind}"]}`);
    expect(z.toJSONSchema(checkSchema, { io: 'input', unrepresentable: 'any' }).properties).toHaveProperty('echo');
  });
});
