import { describe, expect, it } from 'vitest';
import { render, TemplateError } from '../../src/manifest/index.js';
import { planRender } from '../../src/engine/render-plan.js';

const fixed = {
  env: { TARGET_URL: 'http://127.0.0.1:8080', TRICKY: '{{ page.cursor }}' },
  vars: { batchSize: 25, tags: ['a', 'b'] },
  cohort: { ids: ['org_1', 'org_2'], added: null, percent: null },
  run: { dryRun: false },
};
const call = (cursor: string | null, number: number) => ({
  ...fixed,
  page: { cursor, number },
  batch: { key: `k-${number}` },
});

const config = {
  method: 'POST',
  url: '{{ env.TARGET_URL }}/migrations/backfill?page={{ page.number }}',
  headers: { 'x-key': '{{ batch.key }}', 'x-fixed': 'size {{ vars.batchSize }}' },
  json: {
    numItems: '{{ vars.batchSize }}',
    cursor: '{{ page.cursor }}',
    ids: '{{ cohort.ids }}',
    dryRun: '{{ run.dryRun }}',
    tags: ['{{ vars.tags }}', 1, null],
  },
  timeout: '30s',
};

describe('planRender', () => {
  it('renders the same value as render() with the full template, call after call', () => {
    const renderer = planRender(config, fixed);
    for (const [cursor, n] of [
      [null, 1],
      ['c1', 2],
      ['c2', 3],
    ] as const) {
      expect(renderer(call(cursor, n))).toEqual(render(config, call(cursor, n)));
    }
  });

  it('keeps the types of whole templates (a list stays a list, null stays null, false stays false)', () => {
    const out = planRender(config, fixed)(call(null, 1)) as { json: Record<string, unknown> };
    expect(out.json).toEqual({
      numItems: 25,
      cursor: null,
      ids: ['org_1', 'org_2'],
      dryRun: false,
      tags: [['a', 'b'], 1, null],
    });
  });

  it('never renders a rendered value again: an env value that looks like a template stays text', () => {
    const renderer = planRender({ v: '{{ env.TRICKY }}', w: '{{ env.TRICKY }}-{{ page.number }}' }, fixed);
    expect(renderer(call('secret-cursor', 7))).toEqual({ v: '{{ page.cursor }}', w: '{{ page.cursor }}-7' });
  });

  it('reports a template error on the first call, not when the plan is made', () => {
    const renderer = planRender({ url: '{{ env.MISSING }}' }, fixed);
    expect(() => renderer(call(null, 1))).toThrow(TemplateError);
  });

  it('renders per-call strings with the values of that call only', () => {
    const renderer = planRender(['{{ page.cursor }}', '{{ batch.key }}', 'plain'], fixed);
    expect(renderer(call('x', 1))).toEqual(['x', 'k-1', 'plain']);
    expect(renderer(call('y', 2))).toEqual(['y', 'k-2', 'plain']);
  });
});
