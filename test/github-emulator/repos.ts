// Repository, commits (read from git) and git references.
import type { components } from '@octokit/openapi-types';
import type { CommitInfo, GitIdentity } from './git.js';
import { nodeId, repoApiUrl, repoHtmlUrl, repositoryJson } from './json-common.js';
import { diffEntryJson, pullSimpleJson, pullTips } from './pull-json.js';
import {
  bodyObject,
  DOCS_URL,
  errorBody,
  HttpError,
  notFound,
  optionalString,
  paginate,
  requireRepo,
  validationFailed,
  type Reply,
  type RouteContext,
  type RouteTable,
} from './route-kit.js';
import { isPull, type PullRecord, type RepoRecord, type Urls } from './state.js';

type Schemas = components['schemas'];

function utc(date: string): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function gitUser(identity: GitIdentity): { name: string; email: string; date: string } {
  return { name: identity.name, email: identity.email, date: utc(identity.date) };
}

async function commitJson(repo: RepoRecord, info: CommitInfo, urls: Urls): Promise<Schemas['commit']> {
  const api = repoApiUrl(urls, repo);
  const html = repoHtmlUrl(urls, repo);
  const files = await repo.git.diff(info.parents[0], info.sha);
  const additions = files.reduce((sum, f) => sum + f.additions, 0);
  const deletions = files.reduce((sum, f) => sum + f.deletions, 0);
  return {
    url: `${api}/commits/${info.sha}`,
    sha: info.sha,
    node_id: nodeId('Commit', parseInt(info.sha.slice(0, 8), 16)),
    html_url: `${html}/commit/${info.sha}`,
    comments_url: `${api}/commits/${info.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${info.sha}`,
      author: gitUser(info.author),
      committer: gitUser(info.committer),
      message: info.message,
      comment_count: 0,
      tree: { sha: info.tree, url: `${api}/git/trees/${info.tree}` },
      verification: { verified: false, reason: 'unsigned', payload: null, signature: null, verified_at: null },
    },
    // GitHub links commit authors to accounts by e-mail; the emulator has no such accounts.
    author: null,
    committer: null,
    parents: info.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${html}/commit/${sha}` })),
    stats: { additions, deletions, total: additions + deletions },
    files: files.map((f) => diffEntryJson(f, repo, info.sha, urls)),
  };
}

async function getCommit(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const ref = ctx.params.ref ?? '';
  const sha = await repo.git.resolveCommit(ref);
  if (!sha) throw validationFailed([], `No commit found for SHA: ${ref}`, `${DOCS_URL}/commits/commits#get-a-commit`);
  return { status: 200, body: await commitJson(repo, await repo.git.commitInfo(sha), ctx.state.urls) };
}

/** Pull requests that merged a commit, or carry it between their base and head. */
async function containsCommit(repo: RepoRecord, pr: PullRecord, sha: string): Promise<boolean> {
  if (pr.pull.mergeCommitSha === sha) return true;
  const { headSha, baseSha } = await pullTips(repo, pr);
  if (!headSha || !(await repo.git.isAncestor(sha, headSha))) return false;
  return !baseSha || !(await repo.git.isAncestor(sha, baseSha));
}

async function pullsOfCommit(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const given = ctx.params.commit_sha ?? '';
  const sha = await repo.git.resolveCommit(given);
  if (!sha) throw validationFailed([], `No commit found for SHA: ${given}`);
  const found: PullRecord[] = [];
  for (const issue of [...repo.issues.values()].reverse()) {
    if (isPull(issue) && (await containsCommit(repo, issue, sha))) found.push(issue);
  }
  const { page, headers } = paginate(ctx, found);
  const body = await Promise.all(
    page.map(async (pr) => pullSimpleJson(repo, pr, await pullTips(repo, pr), ctx.state.urls)),
  );
  return { status: 200, body, headers };
}

async function refJson(repo: RepoRecord, ref: string, urls: Urls): Promise<Schemas['git-ref'] | undefined> {
  const found = (await repo.git.listRefs(ref)).find((r) => r.ref === ref);
  if (!found) return undefined;
  const api = repoApiUrl(urls, repo);
  const kind = found.type === 'tag' ? 'tags' : 'commits';
  return {
    ref,
    node_id: nodeId('Ref', parseInt(found.sha.slice(0, 8), 16)),
    url: `${api}/git/${ref}`,
    object: { type: found.type, sha: found.sha, url: `${api}/git/${kind}/${found.sha}` },
  };
}

async function getRef(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const body = await refJson(repo, `refs/${ctx.params.ref ?? ''}`, ctx.state.urls);
  if (!body) throw notFound();
  return { status: 200, body };
}

async function createRef(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const input = bodyObject(ctx);
  const ref = optionalString(input, 'ref') ?? '';
  const sha = optionalString(input, 'sha') ?? '';
  if (!/^refs\/[^/]+\/.+/.test(ref)) throw validationFailed([], `${ref} is not a valid ref name.`);
  if (!(await repo.git.resolveCommit(sha)) || !/^[0-9a-f]{40}$/.test(sha))
    throw validationFailed([], 'Object does not exist');
  if (!(await repo.git.updateRef(ref, sha, '0'.repeat(40)))) throw validationFailed([], 'Reference already exists');
  const body = await refJson(repo, ref, ctx.state.urls);
  return { status: 201, body, headers: { location: body?.url ?? '' } };
}

async function updateRef(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const ref = `refs/${ctx.params.ref ?? ''}`;
  const input = bodyObject(ctx);
  const sha = optionalString(input, 'sha') ?? '';
  const current = await repo.git.resolveCommit(ref);
  if (!current) throw validationFailed([], 'Reference does not exist');
  if (!(await repo.git.resolveCommit(sha))) throw validationFailed([], 'Object does not exist');
  if (input.force !== true && !(await repo.git.isAncestor(current, sha)))
    throw validationFailed([], 'Update is not a fast forward');
  if (!(await repo.git.updateRef(ref, sha, current)))
    throw new HttpError(409, errorBody(409, 'Reference update failed'));
  return { status: 200, body: await refJson(repo, ref, ctx.state.urls) };
}

export const repoRoutes: RouteTable = {
  'GET /repos/{owner}/{repo}': (ctx) => ({
    status: 200,
    body: repositoryJson(requireRepo(ctx), ctx.state.urls, ctx.state.now()),
  }),
  'GET /repos/{owner}/{repo}/commits/{ref}': getCommit,
  'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls': pullsOfCommit,
  'GET /repos/{owner}/{repo}/git/ref/{ref}': getRef,
  'POST /repos/{owner}/{repo}/git/refs': createRef,
  'PATCH /repos/{owner}/{repo}/git/refs/{ref}': updateRef,
  'DELETE /repos/{owner}/{repo}/git/refs/{ref}': async (ctx) => {
    const repo = requireRepo(ctx);
    const ref = `refs/${ctx.params.ref ?? ''}`;
    if (!(await repo.git.resolveCommit(ref)) || !(await repo.git.deleteRef(ref)))
      throw validationFailed([], 'Reference does not exist');
    return { status: 204 };
  },
};
