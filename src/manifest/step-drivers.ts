// The step drivers (DESIGN §3 "Steps"), one entry each: the config's schema. A driver's whole config is rendered with
// the call's template context (so the lint checks all of it). Each driver's implementation is a file in drivers/,
// listed in drivers/index.ts.
import { z } from 'zod';
import type { KindSpec } from './kinds.js';
import { argv, httpRequest } from './primitives.js';

export const STEP_DRIVER_TABLE = {
  run: {
    schema: argv.describe(
      'A process, as an argv array (never a shell): `result.exitCode`, `result.stdout`, and `result.json` when stdout ' +
        'is JSON. A non-zero exit fails the step.',
    ),
  },
  http: { schema: httpRequest },
  convex: {
    schema: z
      .strictObject({
        function: z.string().min(1).describe('The Convex function, e.g. migrations/byok:backfillBatch.'),
        args: z
          .record(z.string(), z.unknown())
          .default({})
          .describe('Its arguments, templates allowed; a value that is one template keeps its type (default: {}).'),
        via: z
          .enum(['http', 'cli'])
          .default('http')
          .describe(
            'http: POST <deployment>/api/function over kept-alive connections, the request `npx convex run` ' +
              'makes, with the deployment and admin key from CONVEX_SELF_HOSTED_URL + ' +
              'CONVEX_SELF_HOSTED_ADMIN_KEY (or CONVEX_DEPLOY_KEY + CONVEX_URL) listed in env:. ' +
              "cli: npx convex run <function> '<args as JSON>' (with CI=1) (default: http).",
          ),
      })
      .describe(
        'A Convex function call; its value is result.json, its log lines go to the ledger (masked). An args key whose ' +
          'value is exactly one template that renders to null is left out (Convex treats a missing field as ' +
          'undefined; `v.optional` rejects null); a literal null stays. Convex-encoded values in the result ' +
          '({"$integer": ...}, {"$float": ...}, {"$bytes": ...}) are decoded: an int64 to a number (its decimal string ' +
          'past 2^53), bytes to base64 text.',
      ),
  },
} as const satisfies Record<string, KindSpec>;

export type StepDriverKind = keyof typeof STEP_DRIVER_TABLE;
