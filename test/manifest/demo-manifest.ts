// A small valid manifest whose line numbers the error tests refer to; `demo({ 22: '...' })` edits it by line.
import { parseManifest, type ManifestIssue } from '../../src/manifest/index.js';

export const DEMO_LINES: readonly string[] = [
  'apiVersion: rollouts/v1', // 1
  'kind: Rollout', // 2
  'name: demo', // 3
  'phase: none', // 4
  'env: [TOKEN, PROMETHEUS_URL]', // 5
  'vars:', // 6
  '  batchSize: 25', // 7
  'checks:', // 8
  '  probe:', // 9
  '    http: { url: "https://api.example.com/status" }', // 10
  '    pass: "result.status == 200"', // 11
  '  error-rate:', // 12
  '    prometheus: { url: "{{ env.PROMETHEUS_URL }}", query: "sum(rate(errors[5m]))" }', // 13
  '    fail: "value > 0.05"', // 14
  'phases:', // 15
  '  - name: canary', // 16
  '    cohort: { ids: [org_1, org_2] }', // 17
  '    steps:', // 18
  '      - name: audit', // 19
  '        readOnly: true', // 20
  '        run: [./audit, "{{ cohort.ids }}"]', // 21
  '    gate: { hold: 1h, checks: [probe, error-rate] }', // 22
  '  - name: full', // 23
  '    steps:', // 24
  '      - name: backfill', // 25
  '        http:', // 26
  '          url: "https://api.example.com/backfill?size={{ vars.batchSize }}"', // 27
  '          headers: { Authorization: "Bearer {{ env.TOKEN }}" }', // 28
  '          json: { cursor: "{{ page.cursor }}" }', // 29
  '        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }', // 30
  'rollback:', // 31
  '  - name: undo', // 32
  '    run: [./undo, "{{ phase.name }}"]', // 33
  'verify:', // 34
  '  - name: clean', // 35
  '    exec: { run: [./count-mixed] }', // 36
  '    pass: "result.json.count == 0"', // 37
];

/**
 * The demo manifest with lines replaced: `{ 4: 'phase: canary' }`. A replacement may hold several lines (`\n`), which
 * moves the lines after it; `null` deletes the line. Numbers always refer to the original lines.
 */
export function demo(edits: Record<number, string | null> = {}, append: string[] = []): string {
  const out: string[] = [];
  DEMO_LINES.forEach((line, i) => {
    const edit = edits[i + 1];
    if (edit === undefined) out.push(line);
    else if (edit !== null) out.push(edit);
  });
  return `${[...out, ...append].join('\n')}\n`;
}

export type Found = Pick<ManifestIssue, 'line' | 'col' | 'path' | 'message'>;

/** The issues of a manifest text, without the file name, in source order. */
export function issuesOf(text: string, file = 'rollouts/demo.yaml'): Found[] {
  return parseManifest(file, text).issues.map(({ line, col, path, message }) => ({ line, col, path, message }));
}
