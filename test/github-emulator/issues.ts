// Issue comments and labels (pull requests are issues here, as on GitHub).
import { issueCommentJson, labelJson, userJson } from './json-common.js';
import {
  bodyObject,
  errorBody,
  HttpError,
  intParam,
  notFound,
  optionalString,
  paginate,
  requireIssue,
  requireRepo,
  validationFailed,
  type Reply,
  type RouteContext,
  type RouteTable,
} from './route-kit.js';
import type { CommentRecord, LabelRecord, RepoRecord } from './state.js';

/** GitHub's colour for labels created implicitly by adding them to an issue. */
const DEFAULT_LABEL_COLOR = 'ededed';

function requireComment(repo: RepoRecord, ctx: RouteContext): CommentRecord {
  const comment = repo.comments.get(intParam(ctx, 'comment_id'));
  if (!comment) throw notFound();
  return comment;
}

function listComments(ctx: RouteContext): Reply {
  const repo = requireRepo(ctx);
  const issue = requireIssue(repo, intParam(ctx, 'issue_number'));
  const since = ctx.query.get('since');
  const sinceTime = since ? Date.parse(since) : undefined;
  const comments = [...repo.comments.values()]
    .filter((c) => c.issueNumber === issue.number && (sinceTime === undefined || Date.parse(c.updatedAt) >= sinceTime))
    .sort((a, b) => a.id - b.id);
  const { page, headers } = paginate(ctx, comments);
  return { status: 200, body: page.map((c) => issueCommentJson(c, repo, ctx.state.urls)), headers };
}

function createComment(ctx: RouteContext): Reply {
  const repo = requireRepo(ctx);
  const issue = requireIssue(repo, intParam(ctx, 'issue_number'));
  const now = ctx.state.now();
  const comment: CommentRecord = {
    id: ctx.state.nextId(),
    issueNumber: issue.number,
    body: optionalString(bodyObject(ctx), 'body') ?? '',
    user: ctx.state.actor,
    createdAt: now,
    updatedAt: now,
  };
  repo.comments.set(comment.id, comment);
  issue.updatedAt = now;
  const body = issueCommentJson(comment, repo, ctx.state.urls);
  return { status: 201, body, headers: { location: body.url } };
}

function updateComment(ctx: RouteContext): Reply {
  const repo = requireRepo(ctx);
  const comment = requireComment(repo, ctx);
  comment.body = optionalString(bodyObject(ctx), 'body') ?? comment.body;
  comment.updatedAt = ctx.state.now();
  return { status: 200, body: issueCommentJson(comment, repo, ctx.state.urls) };
}

function ensureLabel(ctx: RouteContext, repo: RepoRecord, name: string): LabelRecord {
  let label = repo.labels.get(name.toLowerCase());
  if (!label) {
    label = { id: ctx.state.nextId(), name, color: DEFAULT_LABEL_COLOR, description: '' };
    repo.labels.set(name.toLowerCase(), label);
  }
  return label;
}

function issueLabelsReply(ctx: RouteContext, repo: RepoRecord, names: string[]): Reply {
  const labels = names
    .map((name) => repo.labels.get(name.toLowerCase()))
    .filter((l): l is LabelRecord => l !== undefined);
  return { status: 200, body: labels.map((l) => labelJson(l, repo, ctx.state.urls)) };
}

function addLabels(ctx: RouteContext): Reply {
  const repo = requireRepo(ctx);
  const issue = requireIssue(repo, intParam(ctx, 'issue_number'));
  const requested = bodyObject(ctx).labels;
  const names = (Array.isArray(requested) ? requested : []).map((item: unknown) =>
    typeof item === 'string' ? item : String((item as { name?: unknown }).name ?? ''),
  );
  for (const name of names) {
    const label = ensureLabel(ctx, repo, name);
    if (!issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) issue.labels.push(label.name);
  }
  issue.updatedAt = ctx.state.now();
  return issueLabelsReply(ctx, repo, issue.labels);
}

function removeLabel(ctx: RouteContext): Reply {
  const repo = requireRepo(ctx);
  const issue = requireIssue(repo, intParam(ctx, 'issue_number'));
  const name = (ctx.params.name ?? '').toLowerCase();
  const index = issue.labels.findIndex((l) => l.toLowerCase() === name);
  if (index < 0) throw notFound();
  issue.labels.splice(index, 1);
  issue.updatedAt = ctx.state.now();
  return issueLabelsReply(ctx, repo, issue.labels);
}

function createLabel(ctx: RouteContext): Reply {
  const repo = requireRepo(ctx);
  const input = bodyObject(ctx);
  const name = optionalString(input, 'name') ?? '';
  if (repo.labels.has(name.toLowerCase()))
    throw validationFailed([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
  const label: LabelRecord = {
    id: ctx.state.nextId(),
    name,
    color: (optionalString(input, 'color') ?? DEFAULT_LABEL_COLOR).replace(/^#/, ''),
    description: optionalString(input, 'description') ?? '',
  };
  repo.labels.set(name.toLowerCase(), label);
  const body = labelJson(label, repo, ctx.state.urls);
  return { status: 201, body, headers: { location: body.url } };
}

/** GET /user: a user's token reads its user; an installation token (a bot) is refused, as on GitHub. */
function authenticatedUser(ctx: RouteContext): Reply {
  const actor = ctx.state.actor;
  if (actor.type === 'Bot')
    throw new HttpError(403, errorBody(403, 'Resource not accessible by integration', USER_DOCS));
  const now = new Date(0).toISOString();
  const user = {
    ...userJson(actor, ctx.state.urls),
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: now,
    updated_at: now,
  };
  return { status: 200, body: user };
}

const USER_DOCS = 'https://docs.github.com/rest/users/users#get-the-authenticated-user';

export const issueRoutes: RouteTable = {
  'GET /user': authenticatedUser,
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': listComments,
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': createComment,
  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}': (ctx) => {
    const repo = requireRepo(ctx);
    return { status: 200, body: issueCommentJson(requireComment(repo, ctx), repo, ctx.state.urls) };
  },
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': updateComment,
  'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}': (ctx) => {
    const repo = requireRepo(ctx);
    repo.comments.delete(requireComment(repo, ctx).id);
    return { status: 204 };
  },
  'GET /repos/{owner}/{repo}/issues/{issue_number}/labels': (ctx) => {
    const repo = requireRepo(ctx);
    return issueLabelsReply(ctx, repo, requireIssue(repo, intParam(ctx, 'issue_number')).labels);
  },
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': addLabels,
  'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}': removeLabel,
  'GET /repos/{owner}/{repo}/labels/{name}': (ctx) => {
    const repo = requireRepo(ctx);
    const label = repo.labels.get((ctx.params.name ?? '').toLowerCase());
    if (!label) throw notFound();
    return { status: 200, body: labelJson(label, repo, ctx.state.urls) };
  },
  'POST /repos/{owner}/{repo}/labels': createLabel,
};
