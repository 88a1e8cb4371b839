export type {
  CheckEnv,
  CheckKindImpl,
  DrillRecord,
  KindDecision,
  Measurement,
  Outcome,
  Sample,
  Severity,
} from './types.js';
export { MeasurementError } from './types.js';
export { sampleCheck, measureBaseline, decideMeasurement } from './sample.js';
export { needsBaseline, evaluateConditions } from './conditions.js';
export { decideGate, type GateInput, type GateVerdict, type GateNotice } from './gate.js';
export { CHECK_KIND_IMPLS, kindOf } from './registry.js';
export { processEnv, runArgv } from './exec.js';
