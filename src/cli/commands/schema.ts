import { manifestJsonSchema } from '../../manifest/index.js';
import { EXIT } from '../errors.js';
import type { CliIO } from '../io.js';

export function schemaCommand(io: CliIO): number {
  io.out(JSON.stringify(manifestJsonSchema(), null, 2));
  return EXIT.ok;
}
