import { describe, expect, it } from 'vitest';
import { templatePathError } from '../../src/manifest/index.js';
import { demo, issuesOf } from './demo-manifest.js';

describe('names', () => {
  it('rejects a phase name used twice, at the second', () => {
    expect(issuesOf(demo({ 23: '  - name: canary' }))).toEqual([
      { line: 23, col: 11, path: 'phases[1].name', message: 'duplicate phase name `canary`' },
    ]);
  });

  it('rejects a step name used twice in a phase, at the second', () => {
    expect(
      issuesOf(demo({ 21: '        run: [./audit, "{{ cohort.ids }}"]\n      - name: audit\n        run: [./again]' })),
    ).toEqual([{ line: 22, col: 15, path: 'phases[0].steps[1].name', message: 'duplicate step name `audit`' }]);
  });

  it('rejects a step name used twice in the rollback', () => {
    expect(
      issuesOf(demo({ 33: '    run: [./undo, "{{ phase.name }}"]\n  - name: undo\n    run: [./undo-more]' })),
    ).toEqual([{ line: 34, col: 11, path: 'rollback[1].name', message: 'duplicate step name `undo`' }]);
  });

  it('allows the same step name in two phases', () => {
    expect(issuesOf(demo({ 25: '      - name: audit' }))).toEqual([]);
  });

  it('rejects `none` as a phase name: it means nothing applied', () => {
    expect(issuesOf(demo({ 23: '  - name: none' }))).toEqual([
      { line: 23, col: 11, path: 'phases[1].name', message: '`none` is reserved: it means nothing applied' },
    ]);
  });

  it('rejects a desired phase that names no phase, listing the ones there are', () => {
    expect(issuesOf(demo({ 4: 'phase: limited' }))).toEqual([
      { line: 4, col: 8, path: 'phase', message: 'phase `limited` names no phase (have: none, canary, full)' },
    ]);
    expect(issuesOf(demo({ 4: 'phase: full' }))).toEqual([]);
  });

  it('rejects a gate check that is not defined under checks:', () => {
    expect(issuesOf(demo({ 22: '    gate: { hold: 1h, checks: [probe, nope] }' }))).toEqual([
      { line: 22, col: 39, path: 'phases[0].gate.checks[1]', message: 'check `nope` is not defined under checks:' },
    ]);
  });
});

describe('template paths', () => {
  it('rejects a vars entry that does not exist, at the template inside the string', () => {
    expect(issuesOf(demo({ 27: '          url: "https://api.example.com/backfill?size={{ vars.nope }}"' }))).toEqual([
      { line: 27, col: 55, path: 'phases[1].steps[0].http.url', message: '{{ vars.nope }}: no such entry in vars:' },
    ]);
  });

  it('rejects {{ page.cursor }} in a step without paginate:', () => {
    expect(issuesOf(demo({ 21: '        run: [./audit, "{{ page.cursor }}"]' }))).toEqual([
      {
        line: 21,
        col: 25,
        path: 'phases[0].steps[0].run[1]',
        message: '{{ page.cursor }} exists only in a step with paginate:',
      },
    ]);
  });

  it('rejects {{ cohort.ids }} in the step that lists the cohort', () => {
    const cohort = '    cohort: { percent: 10, from: { name: list, run: [./list, "{{ cohort.ids }}"] } }';
    expect(issuesOf(demo({ 17: cohort }))).toEqual([
      {
        line: 17,
        col: 63,
        path: 'phases[0].cohort.from.run[1]',
        message: '{{ cohort.ids }} cannot be used while listing the cohort itself',
      },
    ]);
  });

  it('rejects an expression inside the braces: templates are data', () => {
    expect(issuesOf(demo({ 27: '          url: "https://api.example.com/backfill?size={{ a + b }}"' }))).toEqual([
      {
        line: 27,
        col: 55,
        path: 'phases[1].steps[0].http.url',
        message:
          '{{ a + b }} is not a path: templates are data, not expressions (use a path like {{ vars.batchSize }})',
      },
    ]);
  });

  it('rejects an env name not listed in env:', () => {
    expect(issuesOf(demo({ 28: '          headers: { Authorization: "Bearer {{ env.SECRET_TOKEN }}" }' }))).toEqual([
      {
        line: 28,
        col: 45,
        path: 'phases[1].steps[0].http.headers.Authorization',
        message:
          '{{ env.SECRET_TOKEN }}: SECRET_TOKEN is not listed in env: (list it there and set it in the workflow)',
      },
    ]);
  });

  it('rejects a notifier env name not listed in env:', () => {
    expect(issuesOf(demo({}, ['notify:', '  - slack: { webhookEnv: SLACK_URL }']))).toEqual([
      { line: 39, col: 26, path: 'notify[0].slack.webhookEnv', message: 'SLACK_URL is not listed in env:' },
    ]);
  });

  it('checks templates in checks too, where batch.key does not exist', () => {
    expect(issuesOf(demo({ 10: '    http: { url: "https://api.example.com/status?k={{ batch.key }}" }' }))).toEqual([
      { line: 10, col: 52, path: 'checks.probe.http.url', message: '{{ batch.key }} exists only in steps' },
    ]);
  });

  it.each([
    ['rollout.name', null],
    ['rollout.id', 'unknown template path {{ rollout.id }}: only rollout.name exists'],
    ['phase.name', null],
    ['run.dryRun', null],
    ['run.wet', 'unknown template path {{ run.wet }}: only run.dryRun exists'],
    ['cohort.ids', null],
    ['cohort.size', 'unknown template path {{ cohort.size }}: cohort has ids, added, percent'],
    ['batch.key', null],
    ['batch.size', 'unknown template path {{ batch.size }}: only batch.key exists'],
    ['page.cursor', null],
    ['page.size', '{{ page.size }} exists only in a step with paginate.batchTime (a fixed size is a value in vars:)'],
    ['page.total', 'unknown template path {{ page.total }}: page has cursor, number, size'],
    ['vars', '{{ vars }} needs a name: {{ vars.NAME }}'],
    ['vars.nested.deep', null],
    ['vars.nested.other', '{{ vars.nested.other }}: no such entry in vars:'],
    ['env.TOKEN', null],
    ['env.TOKEN.x', '{{ env.TOKEN.x }}: expected {{ env.NAME }}'],
    [
      'secrets.TOKEN',
      'unknown template path {{ secrets.TOKEN }}: paths start with cohort, phase, rollout, vars, env, batch, page or run',
    ],
  ])('{{ %s }} in a paginated step: %s', (path, error) => {
    const m = { vars: { nested: { deep: 1 } }, env: ['TOKEN'] };
    expect(templatePathError(path, { kind: 'step', paginated: true }, m)).toBe(error);
  });
});

describe('paginate.throttle and paginate.batchTime', () => {
  const sized = (batchTime: string, json = '{ cursor: "{{ page.cursor }}", numItems: "{{ page.size }}" }') => ({
    29: `          json: ${json}`,
    30: `        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage", batchTime: ${batchTime} }`,
  });

  it('gives {{ page.size }} to a step with batchTime, and to no other', () => {
    expect(issuesOf(demo(sized('{ target: 2s, maxSize: 100 }')))).toEqual([]);
    expect(
      templatePathError('page.size', { kind: 'step', paginated: true, sized: true }, { vars: {}, env: [] }),
    ).toBeNull();
    expect(
      issuesOf(demo({ 29: '          json: { cursor: "{{ page.cursor }}", numItems: "{{ page.size }}" }' })),
    ).toEqual([
      {
        line: 29,
        col: 59,
        path: 'phases[1].steps[0].http.json.numItems',
        message: '{{ page.size }} exists only in a step with paginate.batchTime (a fixed size is a value in vars:)',
      },
    ]);
  });

  it('rejects a batchTime whose step never sends {{ page.size }}, at the field', () => {
    expect(issuesOf(demo(sized('{ target: 2s, maxSize: 100 }', '{ cursor: "{{ page.cursor }}" }')))).toEqual([
      {
        line: 30,
        col: 87,
        path: 'phases[1].steps[0].paginate.batchTime',
        message:
          'batchTime sizes `{{ page.size }}`, but the step never sends it: pass it to the target (e.g. numItems: "{{ page.size }}")',
      },
    ]);
  });

  it('rejects sizes out of order', () => {
    expect(issuesOf(demo(sized('{ target: 2s, minSize: 50, maxSize: 10 }')))).toMatchObject([
      { line: 30, path: 'phases[1].steps[0].paginate.batchTime.minSize', message: 'minSize 50 is above maxSize 10' },
    ]);
    expect(issuesOf(demo(sized('{ target: 2s, maxSize: 10, startSize: 11 }')))).toMatchObject([
      {
        line: 30,
        path: 'phases[1].steps[0].paginate.batchTime.startSize',
        message: 'startSize 11 is outside [minSize 1, maxSize 10]',
      },
    ]);
  });

  it('rejects a throttle check not defined under checks:, at its name', () => {
    const paging = (checks: string) =>
      `        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage", throttle: { checks: [${checks}] } }`;
    expect(issuesOf(demo({ 30: paging('probe, error-rate') }))).toEqual([]);
    expect(issuesOf(demo({ 30: paging('probe, lag') }))).toEqual([
      {
        line: 30,
        col: 115,
        path: 'phases[1].steps[0].paginate.throttle.checks[1]',
        message: 'check `lag` is not defined under checks:',
      },
    ]);
  });
});

describe('CEL', () => {
  it('rejects a condition that does not compile, at the offending character', () => {
    expect(issuesOf(demo({ 11: '    pass: "result.status == )"' }))).toEqual([
      { line: 11, col: 29, path: 'checks.probe.pass', message: 'invalid CEL: Unexpected token: RPAREN' },
    ]);
  });

  it('compiles expect and paginate conditions of steps', () => {
    const paginate = '        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage &&& true" }';
    expect(issuesOf(demo({ 30: paginate }))).toEqual([
      { line: 30, col: 87, path: 'phases[1].steps[0].paginate.while', message: 'invalid CEL: Unexpected character: &' },
    ]);
    expect(issuesOf(demo({ 20: '        expect: "result.json.failed =="' }))).toEqual([
      { line: 20, col: 39, path: 'phases[0].steps[0].expect', message: 'invalid CEL: Unexpected token: EOF' },
    ]);
  });

  it('requires pass: or fail: on a prometheus check, and not both on any check', () => {
    expect(issuesOf(demo({ 14: null }))).toEqual([
      {
        line: 13,
        col: 5,
        path: 'checks.error-rate',
        message: 'a prometheus check needs `pass:` or `fail:` (CEL over value and baseline)',
      },
    ]);
    expect(issuesOf(demo({ 11: '    pass: "result.status == 200"\n    fail: "result.status >= 500"' }))).toEqual([
      { line: 12, col: 5, path: 'checks.probe.fail', message: 'give `pass:` or `fail:`, not both' },
    ]);
  });
});

describe('cohorts', () => {
  it('requires ids or percent, and from: with percent', () => {
    expect(issuesOf(demo({ 17: '    cohort: { salt: x }' }))).toEqual([
      {
        line: 17,
        col: 13,
        path: 'phases[0].cohort',
        message: 'a cohort has either `ids:` or `percent:` (with `from:`)',
      },
    ]);
    expect(issuesOf(demo({ 17: '    cohort: { percent: 10 }' }))).toEqual([
      {
        line: 17,
        col: 13,
        path: 'phases[0].cohort',
        message: 'a `percent:` cohort needs `from:`, a step that lists the ids',
      },
    ]);
  });
});

describe('a rollback that sends the cohort of a phase that has none', () => {
  const MESSAGE =
    'rollback step `undo` sends {{ cohort.added }}, which is null for phase `full` (it has no cohort), so rolling it ' +
    'back would undo nothing; give `full` its own `rollback:` that undoes everything (e.g. a paged step over all records)';

  it('rejects a top-level rollback using cohort.added when a phase without a cohort falls back to it, with the fix', () => {
    expect(issuesOf(demo({ 33: '    run: [./undo, "{{ cohort.added }}"]' }))).toEqual([
      { line: 32, col: 11, path: 'rollback[0].name', message: MESSAGE },
    ]);
  });

  it('accepts it once that phase has its own rollback, as seed 000 pages over everything', () => {
    const own =
      '        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }\n    rollback: [{ name: undo-all, run: [./undo-all] }]';
    expect(issuesOf(demo({ 30: own, 33: '    run: [./undo, "{{ cohort.added }}"]' }))).toEqual([]);
  });

  it('rejects a phase-level rollback using cohort.ids in a phase without a cohort', () => {
    const own =
      '        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }\n    rollback: [{ name: undo-some, run: [./undo, "{{ cohort.ids }}"] }]';
    expect(issuesOf(demo({ 30: own })).map((i) => i.message)).toEqual([
      'rollback step `undo-some` sends {{ cohort.ids }}, which is null for phase `full` (it has no cohort), so rolling ' +
        'it back would undo nothing; make it undo everything the phase changed (e.g. a paged step over all records)',
    ]);
  });

  it('accepts it for a phase without a cohort whose steps are all read-only: it changed nothing', () => {
    expect(
      issuesOf(
        demo({ 25: '      - name: backfill\n        readOnly: true', 33: '    run: [./undo, "{{ cohort.added }}"]' }),
      ),
    ).toEqual([]);
  });
});
