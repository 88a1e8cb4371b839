// `convex: { function, args }`: a preset of `run`, `npx convex run <function> '<args as JSON>'` (convex 1.48: the
// result is printed as JSON when stdout is not a terminal, nothing for null; logs go to stderr; failure exits 1).
import { runArgv } from './run.js';
import type { StepDriver } from './types.js';

export interface ConvexConfig {
  function: string;
  args: Record<string, unknown>;
}

export function convexArgv(config: ConvexConfig): string[] {
  return ['npx', 'convex', 'run', config.function, JSON.stringify(config.args ?? {})];
}

export const convexDriver: StepDriver = {
  kind: 'convex',
  async call(call) {
    const result = await runArgv(convexArgv(call.config as ConvexConfig), call);
    // A function that returns null prints nothing: its result is null, not "no JSON".
    if (result.json === undefined && !result.stdout?.trim()) result.json = null;
    return result;
  },
};
