import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue, loadManifestFile, loadRollouts, manifestFiles, parseManifest } from '../../src/manifest/index.js';
import { demo, issuesOf } from './demo-manifest.js';

describe('parseManifest on a valid manifest', () => {
  it('returns the manifest with its defaults filled in and no issues', () => {
    const r = parseManifest('rollouts/demo.yaml', demo());
    expect(r.issues).toEqual([]);
    expect(r.manifest?.name).toBe('demo');
    expect(r.manifest?.phases[0]?.steps[0]?.timeout).toBe('5m');
    expect(r.manifest?.phases[0]?.gate?.every).toBe('5m');
    expect(r.manifest?.phases[0]?.promote).toBe('pr');
    expect(r.manifest?.checks.probe?.severity).toBe('high');
  });
});

describe('YAML syntax errors', () => {
  it('reports an unclosed flow sequence where the parser notices it', () => {
    expect(issuesOf(demo({ 5: 'env: [TOKEN, PROMETHEUS_URL' }))).toEqual([
      {
        line: 6,
        col: 1,
        path: '(root)',
        message: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
  });

  it('reports a missing closing quote at the end of the line', () => {
    expect(issuesOf(demo({ 11: '    pass: "result.status == 200' }))).toEqual([
      { line: 11, col: 32, path: '(root)', message: 'Missing closing "quote' },
    ]);
  });

  it('reports a tab used as indentation first, at its column', () => {
    expect(issuesOf(demo({ 20: '\treadOnly: true' }))[0]).toEqual({
      line: 20,
      col: 1,
      path: '(root)',
      message: 'Tabs are not allowed as indentation',
    });
  });

  it('reports a value that starts a nested map on one line', () => {
    expect(issuesOf(demo({ 3: 'name: demo: x' }))).toEqual([
      { line: 3, col: 7, path: '(root)', message: 'Nested mappings are not allowed in compact mappings' },
    ]);
  });

  it('reports an alias to an anchor that does not exist, at the alias', () => {
    expect(issuesOf(demo({ 7: '  batchSize: *size' }))).toEqual([
      { line: 7, col: 14, path: '(root)', message: 'Unresolved alias (the anchor must be set before the alias): size' },
    ]);
  });

  it('rejects an alias bomb instead of expanding it', () => {
    const text = [
      'a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      { line: 2, col: 8, path: '(root)', message: 'Excessive alias count indicates a resource exhaustion attack' },
    ]);
  });

  it('rejects an empty file and a file with only comments', () => {
    const empty = [{ line: 1, col: 1, path: '(root)', message: 'the file is empty: expected a Rollout manifest' }];
    expect(issuesOf('')).toEqual(empty);
    expect(issuesOf('# nothing yet\n')).toEqual(empty);
  });

  it('rejects a second YAML document at its start', () => {
    expect(issuesOf(demo({}, ['---', 'kind: Rollout']))).toEqual([
      { line: 38, col: 1, path: '(root)', message: 'one rollout a file: remove the second YAML document' },
    ]);
  });

  it('rejects a document that is not a map', () => {
    expect(issuesOf('- a\n- b\n')).toEqual([
      { line: 1, col: 1, path: '(root)', message: 'expected object, got a list' },
    ]);
    expect(issuesOf('~\n')).toEqual([{ line: 1, col: 1, path: '(root)', message: 'expected object, got null' }]);
  });
});

describe('duplicate keys', () => {
  it('reports a top-level key given twice at the second one, naming it', () => {
    expect(issuesOf(demo({ 4: 'phase: none\nphase: canary' }))).toEqual([
      { line: 5, col: 1, path: '(root)', message: 'duplicate key `phase`: it appears twice in this map' },
    ]);
  });

  it('reports a nested key given twice', () => {
    expect(issuesOf(demo({ 20: '        readOnly: true\n        readOnly: false' }))).toEqual([
      { line: 21, col: 9, path: '(root)', message: 'duplicate key `readOnly`: it appears twice in this map' },
    ]);
  });

  it('reports a key given twice inside a flow map', () => {
    expect(issuesOf(demo({ 22: '    gate: { hold: 1h, hold: 2h }' }))).toEqual([
      { line: 22, col: 23, path: '(root)', message: 'duplicate key `hold`: it appears twice in this map' },
    ]);
  });
});

describe('unknown fields', () => {
  it('points at an unknown top-level key and suggests the field it is a typo of', () => {
    expect(issuesOf(demo({ 4: 'phase: none\ndescripton: a demo' }))).toEqual([
      { line: 5, col: 1, path: 'descripton', message: 'unknown field `descripton` (did you mean `description`?)' },
    ]);
  });

  it('suggests within a step, a flow-map gate and a check', () => {
    expect(issuesOf(demo({ 20: '        readOnyl: true' }))).toEqual([
      {
        line: 20,
        col: 9,
        path: 'phases[0].steps[0].readOnyl',
        message: 'unknown field `readOnyl` (did you mean `readOnly`?)',
      },
    ]);
    expect(issuesOf(demo({ 22: '    gate: { hold: 1h, chekcs: [probe, error-rate] }' }))).toEqual([
      { line: 22, col: 23, path: 'phases[0].gate.chekcs', message: 'unknown field `chekcs` (did you mean `checks`?)' },
    ]);
    expect(issuesOf(demo({ 11: '    pass: "result.status == 200"\n    severty: high' }))).toEqual([
      { line: 12, col: 5, path: 'checks.probe.severty', message: 'unknown field `severty` (did you mean `severity`?)' },
    ]);
  });

  it('gives no suggestion when no field is close', () => {
    expect(issuesOf(demo({ 4: 'phase: none\ncolour: red' }))).toEqual([
      { line: 5, col: 1, path: 'colour', message: 'unknown field `colour`' },
    ]);
  });

  it('reports a check name that is not lowercase-with-dashes at its key', () => {
    expect(issuesOf(demo({ 9: '  Probe_1:', 22: '    gate: { hold: 1h, checks: [error-rate] }' }))).toEqual([
      {
        line: 9,
        col: 3,
        path: 'checks.Probe_1',
        message: 'invalid name `Probe_1`: expected lowercase letters, digits and single dashes',
      },
    ]);
  });
});

describe('wrong types', () => {
  it('names the expected type and the value found', () => {
    expect(issuesOf(demo({ 20: '        readOnly: "yes"' }))).toEqual([
      { line: 20, col: 19, path: 'phases[0].steps[0].readOnly', message: 'expected boolean, got string "yes"' },
    ]);
    const stepsAsText = { 24: '    steps: backfill', 25: null, 26: null, 27: null, 28: null, 29: null, 30: null };
    expect(issuesOf(demo(stepsAsText))).toEqual([
      { line: 24, col: 12, path: 'phases[1].steps', message: 'expected array, got string "backfill"' },
    ]);
    expect(issuesOf(demo({ 21: '        run: { cmd: ./audit }' }))).toEqual([
      { line: 21, col: 14, path: 'phases[0].steps[0].run', message: 'expected array, got a map' },
    ]);
  });

  it('names the allowed values of a literal or an enum', () => {
    expect(issuesOf(demo({ 1: 'apiVersion: rollouts/v2' }))).toEqual([
      { line: 1, col: 13, path: 'apiVersion', message: 'expected "rollouts/v1", got string "rollouts/v2"' },
    ]);
    expect(issuesOf(demo({ 11: '    pass: "result.status == 200"\n    severity: urgent' }))).toEqual([
      {
        line: 12,
        col: 15,
        path: 'checks.probe.severity',
        message: 'expected "critical" or "high" or "medium" or "low", got string "urgent"',
      },
    ]);
  });

  it('explains a malformed duration and name', () => {
    expect(issuesOf(demo({ 22: '    gate: { hold: 1 hour, checks: [probe, error-rate] }' }))).toEqual([
      { line: 22, col: 19, path: 'phases[0].gate.hold', message: 'expected a duration like 30s, 5m, 1h or 2d' },
    ]);
    expect(issuesOf(demo({ 3: 'name: Demo' }), 'rollouts/Demo.yaml')).toEqual([
      { line: 3, col: 7, path: 'name', message: 'expected lowercase letters, digits and single dashes' },
    ]);
  });
});

describe('missing required fields', () => {
  it('points at the map that lacks the field', () => {
    expect(issuesOf(demo({ 3: null }))).toEqual([
      { line: 1, col: 1, path: 'name', message: 'missing required field `name`' },
    ]);
    expect(issuesOf(demo({ 22: '    gate: { checks: [probe, error-rate] }' }))).toEqual([
      { line: 22, col: 11, path: 'phases[0].gate.hold', message: 'missing required field `hold`' },
    ]);
  });

  it('says missing, not a wrong value, for a missing literal field', () => {
    expect(issuesOf(demo({ 2: null }))).toEqual([
      { line: 1, col: 1, path: 'kind', message: 'missing required field `kind`' },
    ]);
  });
});

describe('exactly one driver or check kind', () => {
  it('rejects a step with two drivers at the step', () => {
    expect(
      issuesOf(
        demo({ 21: '        run: [./audit, "{{ cohort.ids }}"]\n        http: { url: "https://x.example.com" }' }),
      ),
    ).toEqual([
      {
        line: 19,
        col: 9,
        path: 'phases[0].steps[0]',
        message: 'give exactly one of run, http, convex; found run and http',
      },
    ]);
  });

  it('rejects a step with no driver', () => {
    expect(issuesOf(demo({ 21: null }))).toEqual([
      { line: 19, col: 9, path: 'phases[0].steps[0]', message: 'needs one of run, http, convex' },
    ]);
  });

  it('rejects a check with two kinds at the check', () => {
    expect(
      issuesOf(demo({ 10: '    http: { url: "https://api.example.com/status" }\n    exec: { run: [./probe] }' })),
    ).toEqual([
      {
        line: 10,
        col: 5,
        path: 'checks.probe',
        message: 'give exactly one of http, prometheus, exec, alerts, drill, judge; found http and exec',
      },
    ]);
  });
});

describe('name and file', () => {
  it('requires the name to equal the file stem', () => {
    expect(issuesOf(demo(), 'rollouts/other.yaml')).toEqual([
      { line: 3, col: 7, path: 'name', message: "name `demo` must equal the file's name `other`" },
    ]);
    expect(issuesOf(demo(), 'rollouts/demo.yml')).toEqual([]);
  });

  it('skips the name rule for text that does not come from a .yaml file', () => {
    expect(issuesOf(demo(), '<stdin>')).toEqual([]);
  });
});

describe('formatIssue', () => {
  it('prints file:line:col: path: message, without a path for the root', () => {
    expect(formatIssue({ file: 'rollouts/demo.yaml', line: 4, col: 8, path: 'phase', message: 'no' })).toBe(
      'rollouts/demo.yaml:4:8: phase: no',
    );
    expect(formatIssue({ file: 'a.yaml', line: 1, col: 1, path: '(root)', message: 'empty' })).toBe(
      'a.yaml:1:1: empty',
    );
  });
});

describe('files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollouts-load-'));
    await writeFile(join(dir, 'demo.yaml'), demo());
    await writeFile(join(dir, 'other.yml'), demo());
    await writeFile(join(dir, 'notes.txt'), 'not a manifest');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists only .yaml and .yml files, sorted; an absent directory has none', async () => {
    expect(await manifestFiles(dir)).toEqual([join(dir, 'demo.yaml'), join(dir, 'other.yml')]);
    expect(await manifestFiles(join(dir, 'absent'))).toEqual([]);
  });

  it('loads every manifest of a directory with its own issues', async () => {
    const results = await loadRollouts(dir);
    expect(results.map((r) => [r.file, r.issues.map((i) => i.message)])).toEqual([
      [join(dir, 'demo.yaml'), []],
      [join(dir, 'other.yml'), ["name `demo` must equal the file's name `other`"]],
    ]);
  });

  it('reports a missing file as an issue at 1:1', async () => {
    const r = await loadManifestFile(join(dir, 'gone.yaml'));
    expect(r.manifest).toBeNull();
    expect(r.issues).toEqual([
      { file: join(dir, 'gone.yaml'), line: 1, col: 1, path: '(root)', message: 'no such file' },
    ]);
  });
});
