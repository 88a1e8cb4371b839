import { manifestJsonSchema } from '../../manifest/index.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../errors.js';

export const schemaCommand = defineCommand({
  name: 'schema',
  summary: 'print the JSON Schema of the manifest (for editors and other tools)',
  examples: ['rollouts schema > .rollouts/rollouts-v1.json   # refresh the copy `rollouts init` wrote'],
  run({ io }) {
    io.out(JSON.stringify(manifestJsonSchema(), null, 2));
    return EXIT.ok;
  },
});
