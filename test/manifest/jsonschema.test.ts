import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import ajv2020 from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { CliIO } from '../../src/cli/io.js';
import { manifestJsonSchema } from '../../src/manifest/index.js';
import { demo } from './demo-manifest.js';

// ajv is CommonJS: under NodeNext the default import is its module.exports, whose `default` is the class.
const Ajv2020 = ajv2020.default;
const ROOT = join(import.meta.dirname, '..', '..');

async function schemaFromCli(): Promise<{ code: number; text: string }> {
  const out: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: () => {}, isTTY: false, cwd: ROOT, env: {} };
  const code = await runCli(['schema'], io);
  return { code, text: out.join('\n') };
}

async function exampleManifests(): Promise<[string, unknown][]> {
  const dir = join(ROOT, 'rollouts');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort();
  return Promise.all(names.map(async (n) => [n, parseYaml(await readFile(join(dir, n), 'utf8'))] as [string, unknown]));
}

describe('rollouts schema', () => {
  it('prints a JSON Schema (draft 2020-12) that ajv accepts and compiles', async () => {
    const { code, text } = await schemaFromCli();
    expect(code).toBe(0);
    const schema = JSON.parse(text) as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ajv = new Ajv2020({ allErrors: true });
    expect(ajv.validateSchema(schema), ajv.errorsText(ajv.errors)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('accepts every manifest in rollouts/ and the demo manifest', async () => {
    const validate = new Ajv2020({ allErrors: true }).compile(manifestJsonSchema());
    const manifests = await exampleManifests();
    expect(manifests.length).toBeGreaterThan(0);
    for (const [name, value] of [...manifests, ['demo', parseYaml(demo())] as [string, unknown]])
      expect(validate(value), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
  });

  it('rejects an unknown field, a step with two drivers and a wrong type', () => {
    const validate = new Ajv2020({ allErrors: true }).compile(manifestJsonSchema());
    const valid = parseYaml(demo()) as Record<string, unknown>;
    expect(validate({ ...valid, colour: 'red' })).toBe(false);
    expect(validate.errors).toContainEqual(
      expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'colour' } }),
    );

    const twoDrivers = parseYaml(
      demo({ 21: '        run: [./audit]\n        http: { url: "https://x.example.com" }' }),
    );
    expect(validate(twoDrivers)).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toContain('oneOf');

    expect(validate(parseYaml(demo({ 20: '        readOnly: "yes"' })))).toBe(false);
  });

  it('is committed fresh: schema/rollouts-v1.json equals the generated schema', async () => {
    const committed = await readFile(join(ROOT, 'schema', 'rollouts-v1.json'), 'utf8');
    const { text } = await schemaFromCli();
    expect(
      committed,
      'regenerate with `node dist/cli.js schema > schema/rollouts-v1.json` (npm run build does it)',
    ).toBe(`${text}\n`);
  });
});
