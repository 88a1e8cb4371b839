// The fast path's YAML reader: what it refuses (left to `yaml`), and that the scalars it does read come out as
// `yaml`'s core schema makes them, so that both paths of parseManifest give one result.
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readYamlFast } from '../../src/manifest/fast-yaml.js';
import { parseManifest } from '../../src/manifest/index.js';

describe('readYamlFast', () => {
  it('resolves every plain scalar as yaml does (YAML 1.2 core: no underscores, no signed hex, no yes/no)', () => {
    const scalars = [
      ...['~', 'null', 'Null', 'NULL', 'nULL', '', 'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'no', 'on'],
      ...['0', '-0', '+12', '012', '0o17', '0o8', '0x1F', '0X1F', '-0x1F', '0b101', '1_000', '99999999999999999999'],
      ...['1.5', '1.', '.5', '-.5', '1e3', '1E-3', '1.5e+3', '1e400', '-1e400', '.inf', '-.Inf', '+.INF', '.nan'],
      ...['.NaN', '.NAN', '.Nan', '2026-12-02', '12:30', '1:20:30', '0.1.2', '1e', 'e1', '+', '.', '0x'],
    ];
    for (const s of scalars) expect([s, readYamlFast(`k: ${s}\n`)]).toEqual([s, parseYaml(`k: ${s}\n`)]);
  });

  it('reads keys that are scalars of any type to the same names', () => {
    const text = '1e400: a\n1.50: b\n0x10: c\ntrue: d\n.nan: e\n-0: f\n';
    expect(readYamlFast(text)).toEqual(parseYaml(text));
  });

  it('refuses what yaml reads its own way: anchors, aliases, tags, merge keys, complex keys, document markup', () => {
    const refused = [
      'a: &x 1\nb: *x\n',
      'a: *x\n',
      'a: !!str 5\n',
      'a: !!int "5"\n',
      'a: ! 5\n',
      'a: !custom 5\n',
      'a: !<tag:yaml.org,2002:str> 5\n',
      'b: 1\n<<: { a: 1 }\n',
      '? a\n: 1\n',
      '[a, b]: 1\n',
      'm: { [a]: 1 }\n',
      '{ a: 1 }: 2\n',
      'm: { [a] }\n',
      'm: { x: 1, [a, b] }\n',
      'm: { {a} }\n',
      'args: { ids: {{ vars.nope }} }\n',
      '---\na: 1\n',
      'a: 1\n...\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: 1\na: 2\n',
      'a: [1\n',
    ];
    for (const text of refused) expect([text, readYamlFast(text)]).toEqual([text, null]);
  });
});

describe('parseManifest on both paths', () => {
  const manifest = (vars: string) =>
    [
      'apiVersion: rollouts/v1',
      'kind: Rollout',
      'name: k',
      'phase: none',
      `vars: ${vars}`,
      'phases:',
      '  - name: a',
      '',
    ].join('\n');

  it('gives one result for values whose type depends on the schema', () => {
    for (const vars of ['{ a: 1_000, b: -0x1F, c: 0b1, d: 1e400, e: .NaN }', '{ a: 0o17, b: 0x1F, c: yes, d: ~ }']) {
      const file = 'rollouts/k.yaml';
      const fast = parseManifest(file, manifest(vars));
      expect(fast.issues).toEqual([]);
      expect(fast).toEqual(parseManifest(file, manifest(vars), { fast: false }));
    }
  });

  it('gives one result for a null key, which js-yaml would name "null"', () => {
    const file = 'rollouts/k.yaml';
    const text = manifest('{ ~: 1 }');
    expect(parseManifest(file, text)).toEqual(parseManifest(file, text, { fast: false }));
  });
});
