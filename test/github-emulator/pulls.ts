// Pull requests: list, create, get, update, files, merge (a real merge in the bare repository).
import { diffEntryJson, pullFacts, pullFiles, pullJson, pullSimpleJson, pullTips } from './pull-json.js';
import {
  bodyObject,
  errorBody,
  HttpError,
  intParam,
  NotEmulated,
  optionalString,
  paginate,
  requirePull,
  requireRepo,
  validationFailed,
  type Reply,
  type RouteContext,
  type RouteTable,
} from './route-kit.js';
import { gitIdentity, githubCommitter, isPull, type PullRecord, type RepoRecord } from './state.js';

const CREATE_DOCS = 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request';
const MERGE_DOCS = 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request';

function pulls(repo: RepoRecord): PullRecord[] {
  return [...repo.issues.values()].filter(isPull);
}

/** `owner:branch` or `branch` -> branch of this repository; undefined for another owner (forks are not emulated). */
function ownBranch(repo: RepoRecord, head: string): string | undefined {
  const colon = head.indexOf(':');
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.login.toLowerCase() ? head.slice(colon + 1) : undefined;
}

async function fullReply(ctx: RouteContext, repo: RepoRecord, pr: PullRecord, status = 200): Promise<Reply> {
  const body = pullJson(repo, pr, await pullFacts(repo, pr), ctx.state.urls);
  return { status, body, ...(status === 201 ? { headers: { location: body.url } } : {}) };
}

async function listPulls(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const state = ctx.query.get('state') ?? 'open';
  const head = ctx.query.get('head');
  const base = ctx.query.get('base');
  let found = pulls(repo).filter((pr) => state === 'all' || pr.state === state);
  // Like GitHub, a `head` filter without the `owner:` prefix is ignored rather than rejected.
  if (head?.includes(':')) {
    const branch = ownBranch(repo, head);
    found = found.filter((pr) => pr.pull.headRef === branch);
  }
  if (base) found = found.filter((pr) => pr.pull.baseRef === base);
  const sortKey = ctx.query.get('sort') === 'updated' ? 'updatedAt' : 'createdAt';
  const ascending = ctx.query.get('direction') === 'asc';
  found.sort((a, b) => (a[sortKey].localeCompare(b[sortKey]) || a.number - b.number) * (ascending ? 1 : -1));
  const { page, headers } = paginate(ctx, found);
  const body = await Promise.all(
    page.map(async (pr) => pullSimpleJson(repo, pr, await pullTips(repo, pr), ctx.state.urls)),
  );
  return { status: 200, body, headers };
}

async function createPull(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const input = bodyObject(ctx);
  if (input.issue !== undefined) throw new NotEmulated('converting an issue into a pull request');
  const headInput = optionalString(input, 'head') ?? '';
  const baseRef = optionalString(input, 'base') ?? '';
  const title = optionalString(input, 'title');
  const headRef = ownBranch(repo, headInput);
  const invalid = (field: string) =>
    validationFailed([{ resource: 'PullRequest', field, code: 'invalid' }], 'Validation Failed', CREATE_DOCS);
  const custom = (message: string) =>
    validationFailed([{ resource: 'PullRequest', code: 'custom', message }], 'Validation Failed', CREATE_DOCS);
  if (title === undefined)
    throw validationFailed(
      [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }],
      'Validation Failed',
      CREATE_DOCS,
    );
  const baseSha = await repo.git.branchSha(baseRef);
  if (!baseSha) throw invalid('base');
  const headSha = headRef === undefined ? undefined : await repo.git.branchSha(headRef);
  if (headRef === undefined || !headSha) throw invalid('head');
  if (pulls(repo).some((pr) => pr.state === 'open' && pr.pull.headRef === headRef && pr.pull.baseRef === baseRef)) {
    throw custom(`A pull request already exists for ${repo.owner.login}:${headRef}.`);
  }
  if (await repo.git.isAncestor(headSha, baseSha)) throw custom(`No commits between ${baseRef} and ${headRef}`);
  const now = ctx.state.now();
  const number = repo.nextNumber++;
  const pr: PullRecord = {
    number,
    id: ctx.state.nextId(),
    title,
    body: optionalString(input, 'body') ?? null,
    state: 'open',
    user: ctx.state.actor,
    labels: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    pull: {
      id: ctx.state.nextId(),
      headRef,
      baseRef,
      draft: input.draft === true,
      maintainerCanModify: input.maintainer_can_modify !== false,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      closedHeadSha: null,
      closedBaseSha: null,
    },
  };
  repo.issues.set(number, pr);
  return fullReply(ctx, repo, pr, 201);
}

async function closePull(repo: RepoRecord, pr: PullRecord, now: string): Promise<void> {
  const tips = await pullTips(repo, pr);
  pr.state = 'closed';
  pr.closedAt = now;
  pr.pull.closedHeadSha = tips.headSha;
  pr.pull.closedBaseSha = tips.baseSha;
}

async function updatePull(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const pr = requirePull(repo, intParam(ctx, 'pull_number'));
  const input = bodyObject(ctx);
  const now = ctx.state.now();
  const base = optionalString(input, 'base');
  if (base !== undefined && base !== pr.pull.baseRef) {
    if (!(await repo.git.branchSha(base)))
      throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    pr.pull.baseRef = base;
  }
  if (input.state === 'closed' && pr.state === 'open') await closePull(repo, pr, now);
  if (input.state === 'open' && pr.state === 'closed') {
    if (pr.pull.merged)
      throw validationFailed(
        [],
        'state cannot be changed. The pull request cannot be reopened because it has been merged.',
      );
    Object.assign(pr, { state: 'open', closedAt: null });
    Object.assign(pr.pull, { closedHeadSha: null, closedBaseSha: null });
  }
  const title = optionalString(input, 'title');
  if (title !== undefined) pr.title = title;
  if (typeof input.body === 'string') pr.body = input.body;
  if (typeof input.maintainer_can_modify === 'boolean') pr.pull.maintainerCanModify = input.maintainer_can_modify;
  pr.updatedAt = now;
  return fullReply(ctx, repo, pr);
}

async function listFiles(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const pr = requirePull(repo, intParam(ctx, 'pull_number'));
  const tips = await pullTips(repo, pr);
  const files = (await pullFiles(repo, tips)).map((f) => diffEntryJson(f, repo, tips.headSha, ctx.state.urls));
  const { page, headers } = paginate(ctx, files);
  return { status: 200, body: page, headers };
}

async function mergePull(ctx: RouteContext): Promise<Reply> {
  const repo = requireRepo(ctx);
  const pr = requirePull(repo, intParam(ctx, 'pull_number'));
  const input = bodyObject(ctx);
  const method = optionalString(input, 'merge_method') ?? 'merge';
  const notMergeable = (message = 'Pull Request is not mergeable') =>
    new HttpError(405, errorBody(405, message, MERGE_DOCS));
  if (method === 'rebase') throw new NotEmulated('merge_method rebase (git 2.39 merge-tree cannot replay commits)');
  if (pr.state !== 'open') throw notMergeable();
  const { headSha, baseSha } = await pullTips(repo, pr);
  const expected = optionalString(input, 'sha');
  if (expected !== undefined && expected !== headSha) {
    throw new HttpError(409, errorBody(409, 'Head branch was modified. Review and try the merge again.', MERGE_DOCS));
  }
  const merged = await repo.git.mergeTree(baseSha, headSha);
  if (!merged.clean) throw notMergeable();
  const now = ctx.state.now();
  const author = gitIdentity(ctx.state.actor, now);
  let title: string;
  let detail: string;
  if (method === 'squash') {
    title = optionalString(input, 'commit_title') ?? `${pr.title} (#${pr.number})`;
    detail =
      optionalString(input, 'commit_message') ??
      (await repo.git.commitsBetween(baseSha, headSha)).map((c) => `* ${c.message}`).join('\n\n');
  } else {
    title =
      optionalString(input, 'commit_title') ??
      `Merge pull request #${pr.number} from ${repo.owner.login}/${pr.pull.headRef}`;
    detail = optionalString(input, 'commit_message') ?? pr.title;
  }
  const parents = method === 'squash' ? [baseSha] : [baseSha, headSha];
  const sha = await repo.git.commitTree(
    merged.tree,
    parents,
    detail ? `${title}\n\n${detail}` : title,
    author,
    githubCommitter(now),
  );
  if (!(await repo.git.updateRef(`refs/heads/${pr.pull.baseRef}`, sha, baseSha))) {
    throw notMergeable('Base branch was modified. Review and try the merge again.');
  }
  await closePull(repo, pr, now);
  Object.assign(pr.pull, {
    closedHeadSha: headSha,
    closedBaseSha: baseSha,
    merged: true,
    mergedAt: now,
    mergedBy: ctx.state.actor,
    mergeCommitSha: sha,
  });
  pr.updatedAt = now;
  return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
}

export const pullRoutes: RouteTable = {
  'GET /repos/{owner}/{repo}/pulls': listPulls,
  'POST /repos/{owner}/{repo}/pulls': createPull,
  'GET /repos/{owner}/{repo}/pulls/{pull_number}': async (ctx) => {
    const repo = requireRepo(ctx);
    return fullReply(ctx, repo, requirePull(repo, intParam(ctx, 'pull_number')));
  },
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}': updatePull,
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': listFiles,
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge': mergePull,
};
