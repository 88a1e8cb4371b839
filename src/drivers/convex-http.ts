// The native `convex:` call: the one request `npx convex run` makes (convex 1.48, `ConvexHttpClient.function` in
// src/browser/http_client.ts), sent by sys/http over kept-alive connections instead of two processes per batch.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HttpError, request, safeUrl } from '../sys/http.js';
import { tryParseJson } from '../sys/json.js';
import { decodeConvexJson, mayHoldEncoded } from './convex-values.js';
import { StepCallError, type StepResult } from './types.js';

/** What `ConvexHttpClient` sends as `Convex-Client` in the convex version this driver follows. */
export const CONVEX_CLIENT = 'npm-1.48.0';
/** The status the deployment answers a function that threw with (`STATUS_CODE_UDF_FAILED`, http_client.ts). */
const UDF_FAILED = 560;

/**
 * The names convexDeployment reads a deployment from (besides `CONVEX_DEPLOYMENT`, which must stay unset beside the
 * self-hosted pair): a deploy key (or its alias) with `CONVEX_URL`, or the self-hosted URL and admin key.
 */
export const CONVEX_DEPLOYMENT_ENV = [
  'CONVEX_SELF_HOSTED_URL',
  'CONVEX_SELF_HOSTED_ADMIN_KEY',
  'CONVEX_DEPLOY_KEY',
  'CONVEX_DEPLOYMENT_TOKEN',
  'CONVEX_URL',
] as const;

export interface ConvexDeployment {
  url: string;
  adminKey: string;
}

/**
 * The deployment and admin key from the call's env (the manifest's `env:` names), as the convex CLI 1.48 resolves
 * them in `getDeploymentSelectionFromEnv` (src/cli/lib/deploymentSelection.ts); an empty value counts as unset there
 * too. In its order:
 * - a deploy key, `CONVEX_DEPLOY_KEY` or its alias `CONVEX_DEPLOYMENT_TOKEN` (`readDeployKeyFromEnv`,
 *   src/cli/lib/utils/utils.ts; `<ignore_deploy_key>` means unset, `processDeployKeyValue`). The CLI asks Convex's
 *   dashboard API for a deploy key's URL (`deployment/url_for_key`: "it might be a custom domain"); the engine asks
 *   no third party, so the URL is `CONVEX_URL`, the name Convex's clients read it from. Preview and project keys
 *   (`isPreviewDeployKey`, `isProjectKey` in src/cli/lib/deployment.ts) name no deployment: `via: cli` for those.
 * - else `CONVEX_SELF_HOSTED_URL` and `CONVEX_SELF_HOSTED_ADMIN_KEY`, both set, and then `CONVEX_DEPLOYMENT` must
 *   not be (the CLI refuses that mix). A `CONVEX_DEPLOYMENT` alone is a cloud login: `via: cli`.
 * The CLI also reads `.env.local` and `.env` in its directory; the engine passes steps only the `env:` names.
 */
export function convexDeployment(env: Record<string, string>): ConvexDeployment {
  const get = (name: string): string | null => (env[name] ? env[name] : null);
  const deployKey = [get('CONVEX_DEPLOY_KEY'), get('CONVEX_DEPLOYMENT_TOKEN')].find(
    (k) => k !== null && k !== '<ignore_deploy_key>',
  );
  if (deployKey) {
    const missing = /^<missing_deploy_key:(.+)>$/.exec(deployKey);
    if (missing) throw new StepCallError(`convex: ${missing[1]}`, false);
    const prefix = deployKey.split('|')[0]!;
    if (deployKey.includes('|') && (/^project:/.test(prefix) || /^preview:[^:]*:[^:]*$/.test(prefix)))
      throw new StepCallError(
        'convex: CONVEX_DEPLOY_KEY is a project or preview deploy key, which names no deployment; use `via: cli`',
        false,
      );
    const url = get('CONVEX_URL');
    if (!url)
      throw new StepCallError(
        'convex: CONVEX_DEPLOY_KEY is set but CONVEX_URL is not: list CONVEX_URL (the deployment URL) in `env:`',
        false,
      );
    return { url, adminKey: deployKey };
  }
  const url = get('CONVEX_SELF_HOSTED_URL');
  const adminKey = get('CONVEX_SELF_HOSTED_ADMIN_KEY');
  if (url && adminKey) {
    if (get('CONVEX_DEPLOYMENT'))
      throw new StepCallError(
        'convex: CONVEX_DEPLOYMENT must not be set when CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY are set',
        false,
      );
    return { url, adminKey };
  }
  throw new StepCallError(
    'convex: no deployment: list CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY (or CONVEX_DEPLOY_KEY and ' +
      'CONVEX_URL) in `env:` and set them in the job, or use `via: cli`',
    false,
  );
}

const EXTENSIONS = ['.ts', '.js', '.tsx', '.jsx', '.mts', '.mjs', '.cts', '.cjs'];

/**
 * The function path as `parseFunctionName` (src/cli/lib/run.ts) makes it: `api.a.b` -> `a:b`, an extension dropped,
 * `:default` when no export is named, and a leading `convex/` (the default functions directory) dropped unless such
 * a file exists under `convex/` itself.
 */
export function convexPath(name: string, cwd: string): string {
  if (name.startsWith('api.') || name.startsWith('internal.')) {
    const parts = name.split('.');
    if (parts.length < 3) throw new StepCallError(`convex: function name has too few parts: "${name}"`, false);
    const exportName = parts.pop()!;
    return `${parts.slice(1).join('/')}:${exportName}`;
  }
  const filePath = name.split(':')[0]!;
  const exportName = name.split(':')[1] ?? 'default';
  const ext = EXTENSIONS.find((e) => filePath.endsWith(e));
  const file = ext ? filePath.slice(0, -ext.length) : filePath;
  const normalized = `${file}:${exportName}`;
  const dir = 'convex/';
  if (!filePath.startsWith(dir)) return normalized;
  const nested = ext
    ? existsSync(join(cwd, dir, filePath))
    : EXTENSIONS.some((e) => existsSync(join(cwd, dir, filePath + e)));
  return nested ? normalized : `${file.slice(dir.length)}:${exportName}`;
}

interface ConvexReply {
  status?: unknown;
  value?: unknown;
  errorMessage?: unknown;
  errorData?: unknown;
  logLines?: unknown;
}

function logLinesOf(reply: ConvexReply): string[] | undefined {
  return Array.isArray(reply.logLines) ? reply.logLines.map(String) : undefined;
}

/**
 * Whether another attempt of a failed function may succeed. A `ConvexError` (the reply has `errorData`), a function
 * that does not exist and arguments its validator rejects fail the same way again; anything else (an uncaught error,
 * a write conflict, a timeout inside the deployment) may not.
 */
function retryableFailure(reply: ConvexReply, message: string): boolean {
  if (reply.errorData !== undefined) return false;
  return !/Could not find (public )?function|ArgumentValidationError|Object is missing the required field/.test(
    message,
  );
}

export interface NativeCall {
  function: string;
  args: Record<string, unknown>;
  env: Record<string, string>;
  cwd: string;
  signal: AbortSignal;
}

interface Target {
  path: string;
  endpoint: string;
  headers: Record<string, string>;
}

/**
 * Targets by the run's env (one object a run), then function and directory: a paged step calls the same one
 * thousands of times, with the same strings (a key made of both would be a new string, hashed, every batch).
 */
const targets = new WeakMap<Record<string, string>, Map<string, Map<string, Target>>>();

function target(call: NativeCall): Target {
  let byFunction = targets.get(call.env);
  if (!byFunction) targets.set(call.env, (byFunction = new Map()));
  let byCwd = byFunction.get(call.function);
  if (!byCwd) {
    if (byFunction.size >= 64) byFunction.clear();
    byFunction.set(call.function, (byCwd = new Map()));
  }
  let found = byCwd.get(call.cwd);
  if (!found) {
    const { url, adminKey } = convexDeployment(call.env);
    found = {
      path: convexPath(call.function, call.cwd),
      endpoint: `${url.replace(/\/+$/, '')}/api/function`,
      headers: {
        'content-type': 'application/json',
        'convex-client': CONVEX_CLIENT,
        authorization: `Convex ${adminKey}`,
      },
    };
    byCwd.set(call.cwd, found);
  }
  return found;
}

/**
 * POST {url}/api/function with `args` as they go (convex-values.ts `convexArgs` already applied); the reply's `value`,
 * decoded (`decodeConvexJson`), as result.json, its `logLines` kept; a failed function throws.
 */
export async function callConvexFunction(call: NativeCall): Promise<StepResult> {
  const { path, endpoint, headers } = target(call);
  const body = JSON.stringify({ path, format: 'convex_encoded_json', args: call.args });
  let res;
  try {
    res = await request(endpoint, { method: 'POST', headers, body, signal: call.signal });
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    throw new StepCallError(`convex ${path}: ${err.detail}`, err.reason !== 'bad-url' && err.reason !== 'too-large');
  }
  // A function, not a string: safeUrl parses the URL, and a batch that succeeds never says where it went.
  const where = () => `convex ${path} (${safeUrl(endpoint)})`;
  if ((res.status < 200 || res.status > 299) && res.status !== UDF_FAILED) {
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    const text = res.body.trim().slice(0, 500);
    throw new StepCallError(`${where()}: HTTP ${res.status}${text ? `: ${text}` : ''}`, retryable, {
      status: res.status,
      body: res.body,
    });
  }
  const reply = tryParseJson(res.body) as ConvexReply | undefined;
  if (!reply || typeof reply !== 'object')
    throw new StepCallError(`${where()}: the reply is not JSON (HTTP ${res.status})`, true, { body: res.body });
  const logLines = logLinesOf(reply);
  if (reply.status === 'success') {
    const value = reply.value ?? null;
    return { json: mayHoldEncoded(res.body) ? decodeConvexJson(value) : value, ...(logLines ? { logLines } : {}) };
  }
  if (reply.status === 'error') {
    const message = typeof reply.errorMessage === 'string' ? reply.errorMessage : JSON.stringify(reply.errorMessage);
    const failed: StepResult = { ...(logLines ? { logLines } : {}) };
    if (reply.errorData !== undefined) failed.json = { errorData: decodeConvexJson(reply.errorData) };
    throw new StepCallError(`${path}: ${message}`, retryableFailure(reply, message), failed);
  }
  throw new StepCallError(`${where()}: invalid reply: ${res.body.slice(0, 200)}`, true, { body: res.body });
}
