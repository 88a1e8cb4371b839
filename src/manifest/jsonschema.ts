// The manifest's JSON Schema, generated from the zod schema so the two never drift.
import { z } from 'zod';
import { exactlyOneOf } from './primitives.js';
import { manifest } from './schema.js';

export function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(manifest, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const kinds = exactlyOneOf.get(zodSchema as unknown as z.ZodType);
      if (kinds) jsonSchema.oneOf = kinds.map((k) => ({ required: [k] }));
    },
  }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://gitops-rollouts.dev/schema/rollouts-v1.json',
    title: 'gitops-rollouts manifest (rollouts/v1)',
  };
}
