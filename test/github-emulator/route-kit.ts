// What every route handler shares: its context, its reply, GitHub's error bodies, pagination.
import type { EmulatorState, IssueRecord, PullRecord, RepoRecord } from './state.js';
import { isPull } from './state.js';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  state: EmulatorState;
  method: string;
  /** The matched template from the description, e.g. `/repos/{owner}/{repo}/pulls`. */
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The request's URL on the emulator (used to build Link headers). */
  url: URL;
}

export type Handler = (ctx: RouteContext) => Promise<Reply> | Reply;

/** Handlers keyed by `METHOD template`, e.g. `GET /repos/{owner}/{repo}`. */
export type RouteTable = Record<string, Handler>;

export const DOCS_URL = 'https://docs.github.com/rest';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
  }
}

/** A documented request the emulator does not reproduce: the server records it as a violation. */
export class NotEmulated extends Error {}

export function errorBody(status: number, message: string, documentationUrl = DOCS_URL): Record<string, unknown> {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

export function notFound(): HttpError {
  return new HttpError(404, errorBody(404, 'Not Found'));
}

export interface FieldError {
  resource?: string;
  field?: string;
  code: string;
  message?: string;
}

/** GitHub's 422: `Validation Failed` with a list of field errors (or another message and no list). */
export function validationFailed(
  errors: FieldError[],
  message = 'Validation Failed',
  documentationUrl = DOCS_URL,
): HttpError {
  return new HttpError(422, { ...errorBody(422, message, documentationUrl), ...(errors.length > 0 ? { errors } : {}) });
}

export function requireRepo(ctx: RouteContext): RepoRecord {
  const repo = ctx.state.repo(ctx.params.owner ?? '', ctx.params.repo ?? '');
  if (!repo) throw notFound();
  return repo;
}

export function intParam(ctx: RouteContext, name: string): number {
  const value = Number(ctx.params[name]);
  if (!Number.isInteger(value)) throw notFound();
  return value;
}

export function requireIssue(repo: RepoRecord, number: number): IssueRecord {
  const issue = repo.issues.get(number);
  if (!issue) throw notFound();
  return issue;
}

export function requirePull(repo: RepoRecord, number: number): PullRecord {
  const issue = repo.issues.get(number);
  if (!isPull(issue)) throw notFound();
  return issue;
}

/** The JSON request body as an object (the description has already validated its shape). */
export function bodyObject(ctx: RouteContext): Record<string, unknown> {
  const body = ctx.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

/** One page of `items` as GitHub serves it (`per_page` up to 100, `page` from 1) with its `Link` header. */
export function paginate<T>(ctx: RouteContext, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get('per_page') ?? 30) || 30));
  const pageNumber = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  if (lastPage === 1) return { page, headers: {} };
  const link = (n: number, rel: string): string => {
    const url = new URL(ctx.url.href);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (pageNumber > 1) links.push(link(Math.min(pageNumber - 1, lastPage), 'prev'));
  if (pageNumber < lastPage) links.push(link(pageNumber + 1, 'next'), link(lastPage, 'last'));
  if (pageNumber > 1) links.push(link(1, 'first'));
  return { page, headers: { link: links.join(', ') } };
}
