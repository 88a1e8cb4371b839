export * from './schema.js';
export * from './load.js';
export * from './committed.js';
export * from './templates.js';
export * from './cel.js';
export { durationMs } from './primitives.js';
export { JUDGE_EFFECT_SIZE } from './judge-schema.js';
export {
  CHECK_KIND_TABLE,
  prometheusUrlOf,
  renderCheckConfig,
  type CheckConfig,
  type CheckKind,
  type CheckKindSpec,
} from './check-kinds.js';
export type { StepDriverKind } from './step-drivers.js';
export { formatPath } from './positions.js';
export { templatePathError } from './scope.js';
export { secretIn, findSecrets, isDeniedEnvName } from './secrets.js';
export { manifestJsonSchema } from './jsonschema.js';
export { envNamesOf, envNamesOfPhase, phaseScope, rollbackScope, type RunScope } from './env-use.js';
