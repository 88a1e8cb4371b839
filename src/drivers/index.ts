import type { StepDriverKind } from '../manifest/index.js';
import { convexDriver } from './convex.js';
import { httpDriver } from './http.js';
import { runDriver } from './run.js';
import type { StepDriver } from './types.js';

export const drivers: Record<StepDriverKind, StepDriver> = { run: runDriver, http: httpDriver, convex: convexDriver };

export * from './types.js';
export { convexArgv } from './convex.js';
