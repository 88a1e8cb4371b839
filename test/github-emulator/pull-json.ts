// Pull requests as GitHub represents them, with their git facts (shas, mergeability, diff stats) read from git.
import type { components } from '@octokit/openapi-types';
import type { DiffFile } from './git.js';
import {
  authorAssociation,
  labelJson,
  nodeId,
  repoApiUrl,
  repoHtmlUrl,
  repositoryJson,
  userJson,
} from './json-common.js';
import type { LabelRecord, PullRecord, RepoRecord, Urls } from './state.js';

type Schemas = components['schemas'];

export interface PullTips {
  headSha: string;
  baseSha: string;
}

export interface PullFacts extends PullTips {
  mergeable: boolean | null;
  mergeableState: string;
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
}

/** Head and base commits: frozen when the pull request closed, the branches' tips while it is open. */
export async function pullTips(repo: RepoRecord, pr: PullRecord): Promise<PullTips> {
  const headSha = pr.pull.closedHeadSha ?? (await repo.git.branchSha(pr.pull.headRef)) ?? '';
  const baseSha = pr.pull.closedBaseSha ?? (await repo.git.branchSha(pr.pull.baseRef)) ?? '';
  return { headSha, baseSha };
}

/** The files of a pull request: base...head, i.e. from their merge base to head. */
export async function pullFiles(repo: RepoRecord, tips: PullTips): Promise<DiffFile[]> {
  if (!tips.headSha || !tips.baseSha) return [];
  const mergeBase = await repo.git.mergeBase(tips.baseSha, tips.headSha);
  return repo.git.diff(mergeBase, tips.headSha);
}

export async function pullFacts(repo: RepoRecord, pr: PullRecord): Promise<PullFacts> {
  const tips = await pullTips(repo, pr);
  const files = await pullFiles(repo, tips);
  const commits = tips.headSha && tips.baseSha ? (await repo.git.commitsBetween(tips.baseSha, tips.headSha)).length : 0;
  let mergeable: boolean | null = null;
  let mergeableState = 'unknown';
  if (pr.state === 'open' && tips.headSha && tips.baseSha) {
    mergeable = (await repo.git.mergeTree(tips.baseSha, tips.headSha)).clean;
    mergeableState = mergeable ? 'clean' : 'dirty';
  }
  return {
    ...tips,
    mergeable,
    mergeableState,
    commits,
    changedFiles: files.length,
    additions: files.reduce((sum, f) => sum + f.additions, 0),
    deletions: files.reduce((sum, f) => sum + f.deletions, 0),
  };
}

function issueLabels(repo: RepoRecord, names: string[]): LabelRecord[] {
  return names.map((name) => repo.labels.get(name.toLowerCase())).filter((l): l is LabelRecord => l !== undefined);
}

export function pullSimpleJson(
  repo: RepoRecord,
  pr: PullRecord,
  tips: PullTips,
  urls: Urls,
): Schemas['pull-request-simple'] {
  const api = repoApiUrl(urls, repo);
  const html = repoHtmlUrl(urls, repo);
  const self = `${api}/pulls/${pr.number}`;
  const repository = repositoryJson(repo, urls, pr.updatedAt);
  const owner = userJson(repo.owner, urls);
  const branch = (ref: string, sha: string): Schemas['pull-request-simple']['head'] => ({
    label: `${repo.owner.login}:${ref}`,
    ref,
    sha,
    user: owner,
    repo: repository,
  });
  return {
    url: self,
    id: pr.pull.id,
    node_id: nodeId('PullRequest', pr.pull.id),
    html_url: `${html}/pull/${pr.number}`,
    diff_url: `${html}/pull/${pr.number}.diff`,
    patch_url: `${html}/pull/${pr.number}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${tips.headSha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(pr.user, urls),
    body: pr.body,
    labels: issueLabels(repo, pr.labels).map((l) => labelJson(l, repo, urls)),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.pull.mergedAt,
    merge_commit_sha: pr.pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branch(pr.pull.headRef, tips.headSha),
    base: branch(pr.pull.baseRef, tips.baseSha),
    _links: {
      self: { href: self },
      html: { href: `${html}/pull/${pr.number}` },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${api}/statuses/${tips.headSha}` },
    },
    author_association: authorAssociation(pr.user, repo),
    auto_merge: null,
    draft: pr.pull.draft,
  };
}

export function pullJson(repo: RepoRecord, pr: PullRecord, facts: PullFacts, urls: Urls): Schemas['pull-request'] {
  const simple = pullSimpleJson(repo, pr, facts, urls);
  const comments = [...repo.comments.values()].filter((c) => c.issueNumber === pr.number).length;
  return {
    ...simple,
    state: pr.state,
    user: userJson(pr.user, urls),
    head: { ...simple.head, user: userJson(repo.owner, urls) },
    base: { ...simple.base, user: userJson(repo.owner, urls) },
    merged: pr.pull.merged,
    mergeable: facts.mergeable,
    rebaseable: facts.mergeable,
    mergeable_state: facts.mergeableState,
    merged_by: pr.pull.mergedBy ? userJson(pr.pull.mergedBy, urls) : null,
    comments,
    review_comments: 0,
    maintainer_can_modify: pr.pull.maintainerCanModify,
    commits: facts.commits,
    additions: facts.additions,
    deletions: facts.deletions,
    changed_files: facts.changedFiles,
  };
}

export function diffEntryJson(file: DiffFile, repo: RepoRecord, headSha: string, urls: Urls): Schemas['diff-entry'] {
  const path = file.filename.split('/').map(encodeURIComponent).join('/');
  return {
    sha: file.blobSha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${repoHtmlUrl(urls, repo)}/blob/${headSha}/${path}`,
    raw_url: `${repoHtmlUrl(urls, repo)}/raw/${headSha}/${path}`,
    contents_url: `${repoApiUrl(urls, repo)}/contents/${path}?ref=${headSha}`,
    ...(file.patch !== undefined ? { patch: file.patch } : {}),
    ...(file.previousFilename !== undefined ? { previous_filename: file.previousFilename } : {}),
  };
}
