// `convex: { function, args, via }`: by default the native call of the deployment's HTTP endpoint (convex-http.ts).
// `via: cli` is a preset of `run`, `npx convex run <function> '<args as JSON>'` (convex 1.48: the result is printed as
// Convex-encoded JSON when stdout is not a terminal, nothing for null; logs go to stderr; failure exits 1). Both follow
// Convex's value rules (convex-values.ts): a key whose one template renders to null is left out, and `{"$integer":
// ...}` and the like in the result are decoded.
import { callConvexFunction } from './convex-http.js';
import { convexArgs, decodeConvexJson } from './convex-values.js';
import { runArgv } from './run.js';
import type { StepDriver } from './types.js';

export interface ConvexConfig {
  function: string;
  args: Record<string, unknown>;
  via?: 'cli' | 'http';
}

export function convexArgv(config: ConvexConfig, written?: unknown): string[] {
  const writtenArgs = written && typeof written === 'object' ? (written as Partial<ConvexConfig>).args : undefined;
  return ['npx', 'convex', 'run', config.function, JSON.stringify(convexArgs(config.args ?? {}, writtenArgs))];
}

/**
 * What the CLI is told besides the manifest's `env:` names. `CI` makes it run as in automation; it is also the CLI's
 * one switch for its error reporting (convex 1.48, src/cli/lib/utils/sentry.ts: `initSentry` starts Sentry only when
 * `!process.env.CI`), so a runner reports nothing to Convex.
 */
export const CONVEX_CLI_ENV = { CI: '1' } as const;

export const convexDriver: StepDriver = {
  kind: 'convex',
  async call(call) {
    const config = call.config as ConvexConfig;
    if (config.via !== 'cli') {
      const writtenArgs = (call.written as Partial<ConvexConfig> | undefined)?.args;
      const { env, cwd, signal } = call;
      return callConvexFunction({
        function: config.function,
        args: convexArgs(config.args ?? {}, writtenArgs),
        env,
        cwd,
        signal,
      });
    }
    const argv = convexArgv(config, call.written);
    const result = await runArgv(argv, { ...call, env: { ...call.env, ...CONVEX_CLI_ENV } });
    // A function that returns null prints nothing: its result is null, not "no JSON".
    if (result.json === undefined && !result.stdout?.trim()) result.json = null;
    else if (result.json !== undefined) result.json = decodeConvexJson(result.json);
    return result;
  },
};
