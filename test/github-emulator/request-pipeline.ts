// One HTTP request through the emulator: match an operation of the description, authenticate, validate the
// request, run the route (through test interceptors), validate the response, and record all of it.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { actionRoutes } from './actions.js';
import { deploymentRoutes } from './deployments.js';
import { issueRoutes } from './issues.js';
import type { OpenApiDescription, OperationMatch } from './openapi.js';
import { pullRoutes } from './pulls.js';
import { repoRoutes } from './repos.js';
import { errorBody, HttpError, NotEmulated, type Reply, type RouteContext, type RouteTable } from './route-kit.js';
import type { EmulatorState } from './state.js';

export type ViolationKind = 'route' | 'auth' | 'request' | 'response' | 'not-emulated' | 'emulator-error';

export interface Violation {
  kind: ViolationKind;
  method: string;
  path: string;
  /** The description's path template, when the request matched one. */
  route?: string;
  status?: number;
  message: string;
}

export interface ApiCall {
  method: string;
  /** Path template (e.g. `/repos/{owner}/{repo}/pulls`), or the raw path of an undocumented request. */
  route: string;
  path: string;
  status: number;
}

export interface InterceptedRequest {
  method: string;
  route: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

/** A test hook around a route: return a reply to replace it (or to alter the one `next()` produces), undefined to pass. */
export type Interceptor = (
  request: InterceptedRequest,
  next: () => Promise<Reply>,
) => Promise<Reply | undefined> | Reply | undefined;

const ROUTES: RouteTable = { ...repoRoutes, ...pullRoutes, ...issueRoutes, ...deploymentRoutes, ...actionRoutes };

/** `METHOD template` of every operation the emulator implements. */
export function emulatedOperations(): string[] {
  return Object.keys(ROUTES);
}

const RATE_LIMIT = 5000;

export interface PipelineLog {
  calls: ApiCall[];
  violations: Violation[];
  interceptors: Interceptor[];
}

export class RequestPipeline {
  private readonly repoLocks = new Map<string, Promise<unknown>>();
  private readonly rateLimitReset = Math.floor(Date.now() / 1000) + 3600;
  private used = 0;

  constructor(
    private readonly description: OpenApiDescription,
    private readonly state: EmulatorState,
    private readonly token: string,
    private readonly log: PipelineLog,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.state.urls.api);
    const match = this.description.match(method, url.pathname);
    const violate = (kind: ViolationKind, message: string, status?: number): void => {
      this.log.violations.push({
        kind,
        method,
        path: url.pathname,
        ...(match ? { route: match.template } : {}),
        ...(status ? { status } : {}),
        message,
      });
    };
    const reply = await this.reply(req, url, match, Buffer.concat(chunks).toString('utf8'), violate);
    if (match) {
      for (const problem of this.description.validateResponse(match, reply.status, reply.body))
        violate('response', problem, reply.status);
    }
    this.log.calls.push({ method, route: match?.template ?? url.pathname, path: url.pathname, status: reply.status });
    this.send(res, reply);
  }

  private async reply(
    req: IncomingMessage,
    url: URL,
    match: OperationMatch | undefined,
    text: string,
    violate: (kind: ViolationKind, message: string, status?: number) => void,
  ): Promise<Reply> {
    if (!match) {
      violate('route', `${req.method} ${url.pathname} is not an operation of GitHub's REST API description`);
      return { status: 404, body: errorBody(404, 'Not Found') };
    }
    const auth = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (auth !== this.token) {
      violate('auth', auth === undefined ? 'no authorization header' : 'wrong token');
      return { status: 401, body: errorBody(401, auth === undefined ? 'Requires authentication' : 'Bad credentials') };
    }
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        violate('request', 'request body is not JSON');
        return { status: 400, body: errorBody(400, 'Problems parsing JSON') };
      }
    }
    const problems = this.description.validateRequest(match, url.searchParams, {
      present: text.length > 0,
      value: body,
    });
    if (problems.length > 0) {
      for (const problem of problems) violate('request', problem);
      return { status: 422, body: errorBody(422, `Invalid request.\n\n${problems.join('\n')}`) };
    }
    const handler = ROUTES[`${match.method} ${match.template}`];
    if (!handler) {
      violate('not-emulated', `${match.operationId} is documented but the emulator does not implement it`);
      return { status: 404, body: errorBody(404, 'Not Found') };
    }
    const ctx: RouteContext = {
      state: this.state,
      method: match.method,
      route: match.template,
      params: match.params,
      query: url.searchParams,
      body,
      url,
    };
    const intercepted: InterceptedRequest = {
      method: match.method,
      route: match.template,
      path: url.pathname,
      params: match.params,
      query: url.searchParams,
      body,
    };
    let next = (): Promise<Reply> => this.runRoute(ctx, async () => handler(ctx), violate);
    for (const interceptor of [...this.log.interceptors].reverse()) {
      const inner = next;
      next = async () => (await interceptor(intercepted, inner)) ?? inner();
    }
    return this.withRepoLock(match.params, next);
  }

  private async runRoute(
    ctx: RouteContext,
    route: () => Promise<Reply>,
    violate: (kind: ViolationKind, message: string) => void,
  ): Promise<Reply> {
    try {
      return await route();
    } catch (error) {
      if (error instanceof HttpError) return { status: error.status, body: error.body };
      if (error instanceof NotEmulated) {
        violate('not-emulated', `${ctx.method} ${ctx.route}: ${error.message} is not emulated`);
        return { status: 422, body: errorBody(422, `Not supported by the emulator: ${error.message}`) };
      }
      violate('emulator-error', error instanceof Error ? (error.stack ?? error.message) : String(error));
      return { status: 500, body: errorBody(500, 'Server Error') };
    }
  }

  /** Requests to one repository run one at a time, as check-then-write routes (create PR, merge) need. */
  private async withRepoLock<T>(params: Record<string, string>, work: () => Promise<T>): Promise<T> {
    if (params.owner === undefined || params.repo === undefined) return work();
    const key = `${params.owner}/${params.repo}`.toLowerCase();
    const previous = this.repoLocks.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    this.repoLocks.set(
      key,
      result.catch(() => undefined),
    );
    return result;
  }

  private send(res: ServerResponse, reply: Reply): void {
    this.used += 1;
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': randomUUID().toUpperCase(),
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - this.used)),
      'x-ratelimit-reset': String(this.rateLimitReset),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    const payload = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(payload)),
    });
    res.end(payload);
  }
}
