export * from './schema.js';
export * from './load.js';
export * from './templates.js';
export * from './cel.js';
export { formatPath } from './positions.js';
export { templatePathError } from './scope.js';
export { secretIn, findSecrets } from './secrets.js';
export { manifestJsonSchema } from './jsonschema.js';
