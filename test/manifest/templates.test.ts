import { describe, expect, it } from 'vitest';
import { render, renderText, TemplateError, templatesIn, type TemplateContext } from '../../src/manifest/index.js';

const ctx: TemplateContext = {
  cohort: { ids: ['org_1', 'org_2'], percent: 10 },
  page: { cursor: null, number: 3 },
  run: { dryRun: false },
  vars: { batchSize: 25, label: 'wave', nested: { limit: 7 }, tricky: '{{ env.SECRET }}' },
  env: { SECRET: 'do-not-leak' },
};

describe('a value that is exactly one template keeps its type', () => {
  it.each([
    ['a list stays a list', '{{ cohort.ids }}', ['org_1', 'org_2']],
    ['false stays a boolean', '{{ run.dryRun }}', false],
    ['a number stays a number', '{{ vars.batchSize }}', 25],
    ['null stays null', '{{ page.cursor }}', null],
    ['a map stays a map', '{{ vars.nested }}', { limit: 7 }],
    ['without spaces inside the braces', '{{cohort.ids}}', ['org_1', 'org_2']],
    ['with extra spaces inside the braces', '{{   vars.batchSize   }}', 25],
  ])('%s', (_what, template, expected) => {
    expect(render(template, ctx)).toEqual(expected);
  });

  it('keeps types at every depth of a JSON-like value and leaves non-strings alone', () => {
    const args = {
      organizationIds: '{{ cohort.ids }}',
      dryRun: '{{ run.dryRun }}',
      cursor: '{{ page.cursor }}',
      fixed: true,
      n: 1,
    };
    expect(render({ args, list: ['{{ vars.batchSize }}', 'x'] }, ctx)).toEqual({
      args: { organizationIds: ['org_1', 'org_2'], dryRun: false, cursor: null, fixed: true, n: 1 },
      list: [25, 'x'],
    });
  });
});

describe('mixed text interpolates', () => {
  it.each([
    ['a number', 'size={{ vars.batchSize }}', 'size=25'],
    ['a list as JSON', 'ids={{ cohort.ids }}', 'ids=["org_1","org_2"]'],
    ['null as nothing', 'cursor={{ page.cursor }}', 'cursor='],
    ['a boolean', '--dry-run={{ run.dryRun }}', '--dry-run=false'],
    ['two templates side by side', '{{ vars.label }}{{ page.number }}', 'wave3'],
    ['a template with spaces around it', ' {{ vars.batchSize }} ', ' 25 '],
  ])('%s', (_what, template, expected) => {
    expect(render(template, ctx)).toBe(expected);
  });

  it('leaves text without templates as it is', () => {
    expect(render('plain { braces } here', ctx)).toBe('plain { braces } here');
  });

  it('renderText turns a whole-template value into text for argv, URLs and headers', () => {
    expect(renderText('{{ cohort.ids }}', ctx)).toBe('["org_1","org_2"]');
    expect(renderText('{{ vars.batchSize }}', ctx)).toBe('25');
    expect(renderText('{{ page.cursor }}', ctx)).toBe('');
    expect(renderText('{{ run.dryRun }}', ctx)).toBe('false');
  });
});

describe('unknown paths and code', () => {
  it('throws on a path that names nothing, never renders an empty string', () => {
    expect(() => render('{{ vars.nope }}', ctx)).toThrow(new TemplateError('{{ vars.nope }} names nothing'));
    expect(() => render('x-{{ cohort.added }}', ctx)).toThrow(new TemplateError('{{ cohort.added }} names nothing'));
  });

  it('says an env name listed in env: but missing from the environment is not set, naming it', () => {
    expect(() => render('{{ env.API_URL }}/go', ctx)).toThrow(
      new TemplateError('{{ env.API_URL }}: API_URL is not set in the environment'),
    );
  });

  it('throws on an expression instead of evaluating it', () => {
    expect(() => render('{{ vars.batchSize + 1 }}', ctx)).toThrow(
      '{{ vars.batchSize + 1 }} is not a path: templates are data, not expressions',
    );
    expect(() => render('{{ process.exit(1) }}', ctx)).toThrow(TemplateError);
    expect(() => render('{{ vars.label | upper }}', ctx)).toThrow(TemplateError);
  });

  it('does not reach inherited properties of the context', () => {
    for (const path of [
      'constructor',
      'vars.toString',
      'vars.__proto__',
      'vars.nested.hasOwnProperty',
      'vars.constructor.name',
    ])
      expect(() => render(`{{ ${path} }}`, ctx)).toThrow(`{{ ${path} }} names nothing`);
  });

  it('does not render templates found inside a rendered value', () => {
    expect(render('{{ vars.tricky }}', ctx)).toBe('{{ env.SECRET }}');
    expect(render('a {{ vars.tricky }}', ctx)).toBe('a {{ env.SECRET }}');
  });
});

describe('templatesIn', () => {
  it('finds each template with its offset and whether it is a plain path', () => {
    expect(templatesIn('a {{ vars.x }} b {{a + b}}')).toEqual([
      { path: 'vars.x', offset: 2, isPath: true },
      { path: 'a + b', offset: 17, isPath: false },
    ]);
    expect(templatesIn('no templates')).toEqual([]);
  });
});
