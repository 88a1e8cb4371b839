// The generated parts of docs/ are what the code says today: the manifest reference from the zod schema, the CLI
// reference from the commander program, the action's inputs and outputs from action.yml.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, withBlock } from '../../scripts/docs.js';
import { defaultsUnsaid, undescribedFields } from '../../scripts/docs/manifest.js';

describe('generated docs', () => {
  for (const { file, block, text } of GENERATED)
    it(`${file} holds the ${block} reference as the code makes it today (else: npm run docs, and commit it)`, () => {
      const committed = readFileSync(file, 'utf8');
      expect(committed).toBe(withBlock(committed, block, text()));
    });

  it('every field of the manifest schema has a description of its own (.describe() in src/manifest/)', () => {
    expect(undescribedFields()).toEqual([]);
  });

  it('every field with a default says it in its description, as "(default: X)"', () => {
    expect(defaultsUnsaid()).toEqual([]);
  });
});
