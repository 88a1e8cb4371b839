// Octokit for the action: GitHub's recommended throttling and retries (as changesets/action's octokit.ts does).
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { secrets } from '../sys/mask.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  token: string;
  baseUrl?: string;
  log?: (line: string) => void;
}

/** What a request sends that people read: PR and comment bodies, titles, deployment statuses, dispatch inputs. */
const TEXT_PARAMS = new Set([
  'body',
  'title',
  'description',
  'message',
  'summary',
  'text',
  'log_url',
  'environment_url',
  'payload',
  'inputs',
  'client_payload',
  'output',
]);

/**
 * Every request's text is masked before octokit serialises it: the one masking point for GitHub. Identifiers
 * (owner, repo, refs, numbers) are left alone: masking them would send the request elsewhere.
 */
export function maskRequestText(options: Record<string, unknown>): void {
  for (const key of Object.keys(options)) if (TEXT_PARAMS.has(key)) options[key] = secrets.maskValue(options[key]);
}

export function createOctokit({ token, baseUrl, log = () => {} }: ClientOptions): Octokit {
  secrets.add(token);
  const octokit = getOctokit(
    token,
    {
      baseUrl,
      throttle: {
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log(`rate limited on ${options.method} ${options.url}; retrying after ${retryAfter}s`);
          return retryCount < 2;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log(`secondary rate limit on ${options.method} ${options.url}; retrying after ${retryAfter}s`);
          return retryCount < 2;
        },
      },
      retry: { doNotRetry: [400, 401, 403, 404, 405, 409, 422] },
    },
    retry,
    throttling,
  );
  octokit.hook.before('request', (options) => maskRequestText(options as unknown as Record<string, unknown>));
  return octokit;
}
