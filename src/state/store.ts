// The git state store (DESIGN §5): branch `rollouts-state`, an orphan branch holding `<name>/state.json` and the
// ledger `<name>/ledger.jsonl` (older ledger segments in `<name>/ledger/`, see ledger.ts). Every write is one commit
// made with plumbing only (hash-object, mktree, commit-tree) and published by compare-and-swap:
// `git update-ref <ref> <new> <old>` locally, a push without force with a remote. The user's work tree, index and
// HEAD are never touched.
// Compaction: every commit carries a `Rollouts-Depth: N` trailer (commits since the branch's root). A commit that
// would pass `compactAfter` is made instead as a new root: the same full tree (every state file and every ledger
// segment: nothing the engine reads is lost), no parent, published as a compare-and-swap too (`update-ref` with the
// old value locally, `push --force-with-lease=<branch>:<old tip>` with a remote). Only the git history of the files
// before it goes, so the branch's size and fetch cost stay flat however long a rollout runs.
import { secrets } from '../sys/mask.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { Git, isMissingObject, type GitIdentity } from '../sys/git.js';
import { LostRaceError, StateStoreError, type StateFileLocation } from './errors.js';
import { parseStateFile } from './state-file.js';
import {
  DEFAULT_SEGMENT_BYTES,
  appendLedger,
  ledgerLines,
  ledgerSegments,
  streamLedger,
  tailLedger,
} from './ledger.js';
import { TreeWriter, listTree, listTreeIfAny, withEntry, type TreeEntry } from './tree.js';
import type { LedgerEntry, RolloutState } from './types.js';

export const DEFAULT_STATE_BRANCH = 'rollouts-state';
const STATE_FILE = 'state.json';
/** How often one commit is rebuilt on a tip that moved only because of other rollouts. */
const MAX_REBASES = 10;
/** Commits since the root past which the next commit starts a fresh root (see the compaction note above). */
export const DEFAULT_COMPACT_AFTER = 200;
const DEPTH_TRAILER = /^Rollouts-Depth: (\d+)$/m;

export interface StateStoreOptions {
  /** Path of the git repository (a work tree or a bare repository). */
  repo: string;
  /** Default `rollouts-state`. */
  branch?: string;
  /** With a remote (e.g. `origin`) the remote branch is the truth: fetched before reads, pushed without force. */
  remote?: string;
  /** Author and committer of state commits; default `rollouts-bot`. */
  identity?: GitIdentity;
  /** Attempts of `update` before it gives up with LostRaceError; default 5. */
  attempts?: number;
  /** Base of the jittered backoff between `update` attempts; default 25 ms. */
  backoffMs?: number;
  /** The live ledger file is sealed into `<name>/ledger/` once it passes this size; default 1 MiB. */
  ledgerSegmentBytes?: number;
  /** With a remote: fetch only the tip (`--depth=N`); a compare-and-swap needs nothing older. Default: all. */
  fetchDepth?: number;
  /** Commits since the root after which the next commit is made a fresh root; default DEFAULT_COMPACT_AFTER. */
  compactAfter?: number;
  /** Environment for git; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface ReadOptions {
  /** With a remote: fetch before reading (default true). Pass false to read what the last fetch saw. */
  fetch?: boolean;
}

export interface LedgerReadOptions extends ReadOptions {
  /** Read the ledger as it was at this version. */
  version?: string;
}

export interface ReadResult {
  state: RolloutState | null;
  /** The state branch commit the read saw; null when the branch or the rollout does not exist. */
  version: string | null;
}

export interface StateChange {
  name: string;
  /** The version this change was planned on (from readState, update or a previous commit); null: a new rollout. */
  expected: string | null;
  /** The new state.json; omitted: unchanged. */
  state?: RolloutState;
  /** Entries appended to the ledger, in order. */
  ledger?: readonly LedgerEntry[];
  /** Commit message subject after `<name>: `. */
  message?: string;
}

export interface PlannedChange {
  state?: RolloutState;
  ledger?: readonly LedgerEntry[];
  message?: string;
}

export interface PlanContext {
  version: string | null;
  /** 1 on the first call, 2 after the first lost race, ... */
  attempt: number;
}

/** Computes the change from the current state; null means nothing to write. Re-run after a lost race. */
export type Planner = (
  current: RolloutState | null,
  ctx: PlanContext,
) => PlannedChange | null | Promise<PlannedChange | null>;

export interface UpdateResult {
  state: RolloutState | null;
  version: string | null;
  committed: boolean;
  attempts: number;
}

export interface UpdateOptions {
  attempts?: number;
}

export function assertRolloutName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(name) || name.endsWith('.lock')) {
    throw new StateStoreError(`invalid rollout name for the state branch: ${JSON.stringify(name)}`);
  }
}

function assertBranchName(branch: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(branch) || /\.\.|\/\/|\/$|\.lock$|\/\./.test(branch)) {
    throw new StateStoreError(`invalid state branch name: ${JSON.stringify(branch)}`);
  }
}

function isLocalCasFailure(stderr: string): boolean {
  return /cannot lock ref|but expected|already exists|File exists|unable to resolve reference/i.test(stderr);
}

function isPushRace(stdout: string, stderr: string): boolean {
  const text = `${stdout}\n${stderr}`;
  return /\[rejected\]|non-fast-forward|fetch first|stale info|failed to update ref|failed to lock|cannot lock ref|incorrect old value/i.test(
    text,
  );
}

export class GitStateStore {
  readonly repo: string;
  readonly branch: string;
  readonly remote: string | undefined;
  private readonly git: Git;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly segmentBytes: number;
  private readonly fetchDepth: number | undefined;
  private readonly compactAfter: number;
  /** Commits this store has read or made, so it need not check they are present before building on them. */
  private readonly known = new Set<string>();

  constructor(opts: StateStoreOptions) {
    this.repo = opts.repo;
    this.branch = opts.branch ?? DEFAULT_STATE_BRANCH;
    assertBranchName(this.branch);
    this.remote = opts.remote;
    this.git = new Git(opts.repo, { identity: opts.identity, env: opts.env });
    this.attempts = opts.attempts ?? 5;
    this.backoffMs = opts.backoffMs ?? 25;
    this.segmentBytes = opts.ledgerSegmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.fetchDepth = opts.fetchDepth;
    this.compactAfter = opts.compactAfter ?? DEFAULT_COMPACT_AFTER;
  }

  /** The ref reads are made from: the local branch, or the remote-tracking ref with a remote. */
  get ref(): string {
    return this.remote ? `refs/remotes/${this.remote}/${this.branch}` : `refs/heads/${this.branch}`;
  }

  /** The commit at the tip of the state branch, or null when it does not exist yet. */
  async tip(opts: ReadOptions = {}): Promise<string | null> {
    if (this.remote && opts.fetch !== false) await this.fetch();
    const r = await this.git.run(['rev-parse', '--verify', '--quiet', `${this.ref}^{commit}`]);
    if (r.code === 0) return this.remember(r.stdout.trim());
    if (r.code === 1) return null;
    throw new StateStoreError(`cannot resolve ${this.ref} in ${this.repo}`, r.stderr);
  }

  /** Where `<name>/state.json` at `commit` lives, for errors a person acts on. */
  stateFile(name: string, commit: string): StateFileLocation {
    const ref = this.remote ? `${this.remote}/${this.branch}` : this.branch;
    return { rollout: name, branch: this.branch, ref, remote: this.remote, commit };
  }

  /** The rollout's state.json at the tip (checked against the schema: throws StateFileError), and that version. */
  async readState(name: string, opts: ReadOptions = {}): Promise<ReadResult> {
    assertRolloutName(name);
    const tip = await this.tip(opts);
    if (!tip) return { state: null, version: null };
    const r = await this.git.run(['cat-file', 'blob', `${tip}:${name}/${STATE_FILE}`]);
    if (r.code === 0) return { state: parseStateFile(r.stdout, this.stateFile(name, tip)), version: tip };
    if (!isMissingObject(r.stderr)) throw new StateStoreError(`cannot read ${name}/${STATE_FILE}`, r.stderr);
    // A rollout with a ledger but no state file still has a version, so that its next commit is a CAS on it.
    const dir = await this.git.run(['cat-file', '-t', `${tip}:${name}`]);
    return { state: null, version: dir.code === 0 ? tip : null };
  }

  /** Names of the rollouts that have a state file. */
  async listRollouts(opts: ReadOptions = {}): Promise<string[]> {
    const tip = await this.tip(opts);
    if (!tip) return [];
    const out = await this.git.ok(['ls-tree', '-r', '-z', '--name-only', tip]);
    return out
      .split('\0')
      .filter((p) => p.endsWith(`/${STATE_FILE}`) && p.split('/').length === 2)
      .map((p) => p.slice(0, -STATE_FILE.length - 1))
      .sort();
  }

  /** Streams the ledger entries of a rollout, oldest first (at `version`, default the current tip). */
  async *readLedger(name: string, opts: LedgerReadOptions = {}): AsyncGenerator<LedgerEntry> {
    assertRolloutName(name);
    const at = opts.version ?? (await this.tip(opts));
    if (!at) return;
    yield* streamLedger(this.git, await ledgerSegments(this.git, `${at}:${name}`));
  }

  /** The last `n` ledger entries of a rollout, oldest first. */
  async tailLedger(name: string, n: number, opts: LedgerReadOptions = {}): Promise<LedgerEntry[]> {
    assertRolloutName(name);
    if (n <= 0) return [];
    const at = opts.version ?? (await this.tip(opts));
    if (!at) return [];
    return tailLedger(this.git, await ledgerSegments(this.git, `${at}:${name}`), n);
  }

  /**
   * Writes one commit: the rollout's new state and/or ledger entries. A compare-and-swap against `expected`: throws
   * LostRaceError when the rollout changed since. A tip that moved only because of other rollouts is not a conflict:
   * the commit is rebuilt on it. Returns the new version.
   */
  async commit(change: StateChange): Promise<string> {
    const { name } = change;
    assertRolloutName(name);
    if (change.state && change.state.name !== name) {
      throw new StateStoreError(`state.name ${JSON.stringify(change.state.name)} does not match rollout ${name}`);
    }
    const entries = change.ledger ?? [];
    if (!change.state && entries.length === 0) {
      if (change.expected) return change.expected;
      throw new StateStoreError(`nothing to commit for new rollout ${name}`);
    }
    const trees = new TreeWriter(this.git);
    try {
      return await this.commitWith(trees, change, entries);
    } finally {
      await trees.close();
    }
  }

  private async commitWith(trees: TreeWriter, unmasked: StateChange, raw: readonly LedgerEntry[]): Promise<string> {
    // The state branch is pushed and readable by everyone who can read the repository: every value written to it
    // (gate samples' reasons, cursors, cohort ids, results, the message) is masked here, before it is serialised.
    const change: StateChange = {
      ...unmasked,
      state: unmasked.state && secrets.maskValue(unmasked.state),
      message: unmasked.message && secrets.mask(unmasked.message),
    };
    const entries = secrets.maskValue(raw);
    const { name } = change;
    const base = change.expected ?? (await this.tip({ fetch: false }));
    if (base && this.remote && !this.known.has(base) && !(await this.hasCommit(base))) {
      // A version another clone made (e.g. handed over by the caller): fetch it.
      await this.fetch();
      if (!(await this.hasCommit(base))) throw new StateStoreError(`unknown state version ${base}`);
    }
    // Independent reads and writes run side by side: each git spawn costs a few ms.
    const [root, dir, stateBlob, baseCommit] = await Promise.all([
      base ? listTree(this.git, base) : Promise.resolve([]),
      base ? listTreeIfAny(this.git, `${base}:${name}`, true) : Promise.resolve(null),
      change.state ? this.git.ok(['hash-object', '-w', '--stdin'], `${JSON.stringify(change.state, null, 2)}\n`) : null,
      base ? this.git.ok(['cat-file', 'commit', base]) : null,
    ]);
    const depth = baseCommit === null ? 0 : await this.depthOf(base!, baseCommit);
    const baseDir = root.find((e) => e.name === name && e.type === 'tree')?.oid ?? null;
    if (change.expected === null && baseDir)
      throw new LostRaceError(`rollout ${name} was created by another run`, name);

    let entriesOfDir = dir ?? [];
    if (stateBlob)
      entriesOfDir = withEntry(entriesOfDir, { mode: '100644', type: 'blob', oid: stateBlob.trim(), name: STATE_FILE });
    if (entries.length > 0) {
      const text = ledgerLines(entries);
      entriesOfDir = await appendLedger(this.git, entriesOfDir, text, this.segmentBytes, (e) => trees.write(e));
    }
    const newDir = await trees.write(entriesOfDir);
    const subject = `${name}: ${change.message ?? (change.state ? `status ${change.state.status}` : 'ledger')}`;
    return this.publishRebasing(trees, name, newDir, baseDir, { base, root, depth }, subject);
  }

  /** The commit's message and whether it starts a fresh root, from the depth of the base it is built on. */
  private framing(subject: string, base: string | null, depth: number): { message: string; fresh: boolean } {
    if (base && depth >= this.compactAfter) {
      const note = `History compacted: a fresh root with the tree of ${base} plus this change.`;
      return { message: `${subject}\n\n${note}\n\nRollouts-Depth: 1`, fresh: true };
    }
    return { message: `${subject}\n\nRollouts-Depth: ${depth + 1}`, fresh: false };
  }

  /** Commits the rollout directory `newDir` on `base` and publishes it, rebuilding on tips moved by other rollouts. */
  private async publishRebasing(
    trees: TreeWriter,
    name: string,
    newDir: string,
    baseDir: string | null,
    first: { base: string | null; root: TreeEntry[]; depth: number },
    subject: string,
  ): Promise<string> {
    let { base, root, depth } = first;
    let stuck = 0;
    for (let rebase = 0; ; rebase++) {
      // Framed on the base it is built on: a commit rebuilt on a tip moved by another writer counts that tip's depth.
      const { message, fresh } = this.framing(subject, base, depth);
      const tree = await trees.write(withEntry(root, { mode: '040000', type: 'tree', oid: newDir, name }));
      const parents = base && !fresh ? ['-p', base] : [];
      const commit = (await this.git.ok(['commit-tree', '--no-gpg-sign', '-m', message, ...parents, tree])).trim();
      let lost: LostRaceError;
      try {
        await this.publish(commit, base, message.split('\n')[0]!, fresh);
        return this.remember(commit);
      } catch (e) {
        if (!(e instanceof LostRaceError) || rebase >= MAX_REBASES) throw e;
        lost = e;
      }
      // The tip moved. Rebuild on it when this rollout's files are still what the change was planned on.
      const tip = await this.tip({ fetch: true });
      root = tip ? await listTree(this.git, tip) : [];
      const tipDir = root.find((e) => e.name === name && e.type === 'tree')?.oid ?? null;
      if (tipDir !== baseDir)
        throw new LostRaceError(`rollout ${name} was changed by another run`, name, { cause: lost });
      if (tip === base) {
        // Rejected though nothing moved: lock contention with a writer that failed, or a broken remote.
        if (++stuck >= 3) throw new StateStoreError(`cannot publish the state commit of ${name}: ${lost.message}`);
        await sleep(5 + Math.random() * 20);
      }
      if (tip !== base) depth = tip ? await this.depthOf(tip, await this.git.ok(['cat-file', 'commit', tip])) : 0;
      base = tip;
    }
  }

  /**
   * Read, plan, compare-and-swap; on a lost race re-read and re-plan (jittered backoff), up to `attempts` times, then
   * throw LostRaceError.
   */
  async update(name: string, plan: Planner, opts: UpdateOptions = {}): Promise<UpdateResult> {
    const attempts = opts.attempts ?? this.attempts;
    for (let attempt = 1; ; attempt++) {
      const current = await this.readState(name);
      const change = await plan(current.state, { version: current.version, attempt });
      if (!change) return { ...current, committed: false, attempts: attempt };
      try {
        const version = await this.commit({ name, expected: current.version, ...change });
        return { state: change.state ?? current.state, version, committed: true, attempts: attempt };
      } catch (e) {
        if (!(e instanceof LostRaceError)) throw e;
        if (attempt >= attempts) {
          throw new LostRaceError(`lost the race for rollout ${name} ${attempts} times: ${e.message}`, name);
        }
      }
      const delay = Math.min(2000, this.backoffMs * 2 ** (attempt - 1)) * (0.5 + Math.random());
      await sleep(delay);
    }
  }

  /** Commits from the root to `commit`: its trailer; for a commit without one (made by hand), counted. */
  private async depthOf(commit: string, text: string): Promise<number> {
    const trailer = DEPTH_TRAILER.exec(text)?.[1];
    if (trailer) return Number(trailer);
    return Number((await this.git.ok(['rev-list', '--count', '--first-parent', commit])).trim());
  }

  private remember(commit: string): string {
    if (this.known.size > 1000) this.known.clear();
    this.known.add(commit);
    return commit;
  }

  private async hasCommit(oid: string): Promise<boolean> {
    return (await this.git.run(['cat-file', '-e', `${oid}^{commit}`])).code === 0;
  }

  private async publish(commit: string, base: string | null, message: string, fresh = false): Promise<void> {
    if (!this.remote) {
      const r = await this.git.run(['update-ref', '-m', message, `refs/heads/${this.branch}`, commit, base ?? '']);
      if (r.code === 0) return;
      if (isLocalCasFailure(r.stderr)) throw new LostRaceError(`state branch ${this.branch} moved: ${r.stderr.trim()}`);
      throw new StateStoreError(`git update-ref refs/heads/${this.branch} failed`, r.stderr);
    }
    const r = await this.git.run([
      'push',
      '--porcelain',
      '--no-verify',
      // A fresh root is not a fast-forward: the lease on the old tip keeps it a compare-and-swap.
      ...(fresh && base ? [`--force-with-lease=refs/heads/${this.branch}:${base}`] : []),
      this.remote,
      `${commit}:refs/heads/${this.branch}`,
    ]);
    if (r.code !== 0) {
      if (isPushRace(r.stdout, r.stderr)) {
        const why = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => l.startsWith('!')) ?? r.stderr.trim();
        throw new LostRaceError(`push to ${this.remote}/${this.branch} was rejected: ${why.replace(/\s+/g, ' ')}`);
      }
      throw new StateStoreError(`git push ${this.remote} ${this.branch} failed`, `${r.stdout}\n${r.stderr}`);
    }
    // The remote is the truth; the local refs are a cache, so a failure to update them is not an error.
    await this.git.run(
      ['update-ref', '--stdin'],
      `update ${this.ref} ${commit}\nupdate refs/heads/${this.branch} ${commit}\n`,
    );
  }

  private async fetch(): Promise<void> {
    const refspec = `+refs/heads/${this.branch}:${this.ref}`;
    for (let attempt = 1; ; attempt++) {
      const remote = this.remote ?? '';
      const depth = this.fetchDepth ? [`--depth=${this.fetchDepth}`] : [];
      const r = await this.git.run([
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        ...depth,
        remote,
        refspec,
      ]);
      if (r.code === 0) return;
      if (/couldn't find remote ref/i.test(r.stderr)) {
        // First run: the remote has no state branch yet. Forget a stale tracking ref.
        await this.git.run(['update-ref', '-d', this.ref]);
        return;
      }
      if (attempt < 4 && /cannot lock ref|unable to update local ref|File exists/i.test(r.stderr)) {
        await sleep(10 + Math.random() * 40);
        continue;
      }
      throw new StateStoreError(`git fetch ${remote} ${this.branch} failed`, r.stderr);
    }
  }
}
