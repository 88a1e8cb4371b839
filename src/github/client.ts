// Octokit for the action: GitHub's recommended throttling and retries (as changesets/action's octokit.ts does).
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type Octokit = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  token: string;
  baseUrl?: string;
  log?: (line: string) => void;
}

export function createOctokit({ token, baseUrl, log = () => {} }: ClientOptions): Octokit {
  return getOctokit(
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
}
