// Publishing and fetching the state branch (and a rollout's ledger archive ref with it): the compare-and-swap.
// Locally one transaction of a long-lived `update-ref --stdin` (sys/git-pipe.ts); with a remote one `push --atomic`,
// so the branch never points at archive segments the remote does not hold, and a lost race on either ref rejects
// both. The reflog message is the same for every commit (one process makes them all): their subjects tell them apart.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Git } from '../sys/git.js';
import { GitError } from '../sys/git-error.js';
import { GitPipe } from '../sys/git-pipe.js';
import { LostRaceError, StateStoreError } from './errors.js';

/** A ref moved with the branch in the same compare-and-swap: a rollout's ledger archive. */
export interface RefUpdate {
  /** The ref's name on the remote (and locally without a remote). */
  ref: string;
  /** The local ref mirroring it with a remote. */
  local: string;
  commit: string;
  /** The value it must still have; null: it must not exist. */
  old: string | null;
}

export interface Publication {
  commit: string;
  /** The tip it replaces; null: the branch must not exist. */
  base: string | null;
  /** A fresh root (compaction), not a fast-forward of `base`. */
  fresh: boolean;
  also?: RefUpdate;
}

function isLocalCasFailure(stderr: string): boolean {
  return /cannot lock ref|but expected|already exists|File exists|unable to resolve reference/i.test(stderr);
}

function isPushRace(stdout: string, stderr: string): boolean {
  const text = `${stdout}\n${stderr}`;
  return /\[rejected\]|non-fast-forward|fetch first|stale info|failed to update ref|failed to lock|cannot lock ref|incorrect old value|atomic push failed/i.test(
    text,
  );
}

function casLine(ref: string, commit: string, old: string | null): string {
  return old ? `update ${ref} ${commit} ${old}\n` : `create ${ref} ${commit}\n`;
}

/** The reflog message of the refs the store moves. */
const REFLOG_MESSAGE = 'rollouts: state commit';

export class BranchRefs {
  private readonly updates: GitPipe;

  constructor(
    private readonly git: Git,
    readonly branch: string,
    readonly remote: string | undefined,
    private readonly fetchDepth: number | undefined,
  ) {
    this.updates = new GitPipe(git, ['update-ref', '-m', REFLOG_MESSAGE, '--stdin']);
  }

  /** Ends the `update-ref` process. */
  close(): Promise<void> {
    return this.updates.close();
  }

  /** Applies `lines` (update/create commands) all or none; rejects with git's words when it refuses them. */
  private async transaction(lines: string): Promise<{ ok: true } | { ok: false; stderr: string }> {
    try {
      await this.updates.request(`start\n${lines}prepare\ncommit\n`, 3);
      return { ok: true };
    } catch (e) {
      if (e instanceof GitError) return { ok: false, stderr: e.stderr };
      throw e;
    }
  }

  /** The ref reads are made from: the local branch, or the remote-tracking ref with a remote. */
  get ref(): string {
    return this.remote ? `refs/remotes/${this.remote}/${this.branch}` : `refs/heads/${this.branch}`;
  }

  async publish(p: Publication): Promise<void> {
    const head = `refs/heads/${this.branch}`;
    if (!this.remote) {
      const input = casLine(head, p.commit, p.base) + (p.also ? casLine(p.also.ref, p.also.commit, p.also.old) : '');
      const r = await this.transaction(input);
      if (r.ok) return;
      if (isLocalCasFailure(r.stderr)) throw new LostRaceError(`state branch ${this.branch} moved: ${r.stderr.trim()}`);
      throw new StateStoreError(`git update-ref ${head} failed`, r.stderr);
    }
    const r = await this.git.run([
      'push',
      '--porcelain',
      '--no-verify',
      ...(p.also ? ['--atomic', `--force-with-lease=${p.also.ref}:${p.also.old ?? ''}`] : []),
      // A fresh root is not a fast-forward: the lease on the old tip keeps it a compare-and-swap.
      ...(p.fresh && p.base ? [`--force-with-lease=${head}:${p.base}`] : []),
      this.remote,
      `${p.commit}:${head}`,
      ...(p.also ? [`${p.also.commit}:${p.also.ref}`] : []),
    ]);
    if (r.code !== 0) {
      if (isPushRace(r.stdout, r.stderr)) {
        const why = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => l.startsWith('!')) ?? r.stderr.trim();
        throw new LostRaceError(`push to ${this.remote}/${this.branch} was rejected: ${why.replace(/\s+/g, ' ')}`);
      }
      throw new StateStoreError(`git push ${this.remote} ${this.branch} failed`, `${r.stdout}\n${r.stderr}`);
    }
    // The remote is the truth; the local refs are a cache, so a failure to update them is not an error.
    const also = p.also ? `update ${p.also.local} ${p.also.commit}\n` : '';
    await this.transaction(`update ${this.ref} ${p.commit}\nupdate ${head} ${p.commit}\n${also}`);
  }

  async fetch(): Promise<void> {
    const refspec = `+refs/heads/${this.branch}:${this.ref}`;
    const depth = this.fetchDepth ? [`--depth=${this.fetchDepth}`] : [];
    const found = await fetchRef(this.git, this.remote ?? '', refspec, depth, `${this.branch}`);
    // First run: the remote has no state branch yet. Forget a stale tracking ref.
    if (!found) await this.git.run(['update-ref', '-d', this.ref]);
  }
}

/** `git fetch` of one refspec, retried on local lock contention; false when the remote has no such ref. */
export async function fetchRef(
  git: Git,
  remote: string,
  refspec: string,
  extra: readonly string[],
  what: string,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const r = await git.run(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', ...extra, remote, refspec]);
    if (r.code === 0) return true;
    if (/couldn't find remote ref/i.test(r.stderr)) return false;
    if (attempt < 4 && /cannot lock ref|unable to update local ref|File exists/i.test(r.stderr)) {
      await sleep(10 + Math.random() * 40);
      continue;
    }
    throw new StateStoreError(`git fetch ${remote} ${what} failed`, r.stderr);
  }
}
