// The git state store (DESIGN §5): branch `rollouts-state`, an orphan branch holding `<name>/state.json`, the live
// ledger `<name>/ledger.jsonl` and a pointer to the rollout's ledger archive (sealed segments, archive.ts). Every
// write is one commit made with plumbing only (hash-object, mktree: objects.ts, through long-lived processes) and
// published by compare-and-swap (branch.ts): an `update-ref` transaction locally, a push without force with a remote;
// a commit that seals a ledger segment moves the archive ref in the same transaction. Long histories start again from a fresh root (compact.ts). The
// user's work tree, index and HEAD are never touched.
import { secrets } from '../sys/mask.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { Git } from '../sys/git.js';
import { ARCHIVE_ENTRY, LedgerArchive } from './archive.js';
import { readStateFiles } from './blobs.js';
import { BranchRefs, type RefUpdate } from './branch.js';
import { DEFAULT_COMPACT_AFTER, DEFAULT_COMPACT_BYTES, framing, trailerDepth, type Depth } from './compact.js';
import { LostRaceError, StateStoreError, type StateFileLocation } from './errors.js';
import { ObjectWriter } from './objects.js';
import { DEFAULT_SEGMENT_BYTES, LEDGER_FILE, LedgerLines, appendLedger } from './ledger.js';
import { allSegments, ledgerParts, streamLedger, tailLedger } from './ledger-reader.js';
import { parseStateFile } from './state-file.js';
import {
  DEFAULT_STATE_BRANCH,
  STATE_FILE,
  assertBranchName,
  assertRolloutName,
  type LedgerReadOptions,
  type Planner,
  type ReadOptions,
  type ReadResult,
  type StateChange,
  type StateStoreOptions,
  type UpdateOptions,
  type UpdateResult,
} from './store-types.js';
import { listTree, listTreeIfAny, withEntry, type TreeEntry } from './tree.js';
import type { LedgerEntry } from './types.js';

export * from './store-types.js';
export { DEFAULT_COMPACT_AFTER, DEFAULT_COMPACT_BYTES } from './compact.js';

/** The live ledger file's text is kept for the next commit up to this size (a segment is 64 KiB by default). */
const KEPT_LIVE_TEXT = 1024 * 1024;

interface MadeCommit {
  commit: string;
  root: TreeEntry[];
  depth: Depth;
  /** The rollout whose directory the commit wrote, its entries (`ls-tree -l` sizes on blobs it wrote). */
  name: string;
  dir: TreeEntry[];
  /** The text of that directory's live ledger file; undefined when not known or too large to keep. */
  liveText: string | undefined;
}

/** How often one commit is rebuilt on a tip that moved only because of other rollouts. */
const MAX_REBASES = 10;

export class GitStateStore {
  readonly repo: string;
  readonly branch: string;
  readonly remote: string | undefined;
  private readonly git: Git;
  private readonly refs: BranchRefs;
  private readonly archive: LedgerArchive;
  private readonly objects: ObjectWriter;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly segmentBytes: number;
  private readonly limits: { compactAfter: number; compactBytes: number };
  /** Commits this store has read or made, so it need not check they are present before building on them. */
  private readonly known = new Set<string>();
  /**
   * The last commit this store published, as it wrote it: its root's entries, its depth, and the rollout directory it
   * wrote (with the live ledger file's text when it is small). A commit never changes, so a next commit built on it
   * (a session's checkpoints are) lists nothing back from git: each spawn of git blocks this thread for milliseconds.
   */
  private made: MadeCommit | null = null;
  /** Ledger lines masked ahead of their commit (prepareLedger). */
  private readonly lines = new LedgerLines(secrets);
  /** Every state file of the last tip read, read at once (a pass reads them all). */
  private snapshot: { tip: string; files: Promise<Map<string, string | null>> } | null = null;

  constructor(opts: StateStoreOptions) {
    this.repo = opts.repo;
    this.branch = opts.branch ?? DEFAULT_STATE_BRANCH;
    assertBranchName(this.branch);
    this.remote = opts.remote;
    this.git = new Git(opts.repo, { identity: opts.identity, env: opts.env });
    this.refs = new BranchRefs(this.git, this.branch, this.remote, opts.fetchDepth);
    this.archive = new LedgerArchive(this.git, this.branch, this.remote);
    this.objects = new ObjectWriter(this.git);
    this.attempts = opts.attempts ?? 5;
    this.backoffMs = opts.backoffMs ?? 25;
    this.segmentBytes = opts.ledgerSegmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.limits = {
      compactAfter: opts.compactAfter ?? DEFAULT_COMPACT_AFTER,
      compactBytes: opts.compactBytes ?? DEFAULT_COMPACT_BYTES,
    };
  }

  /** The ref reads are made from: the local branch, or the remote-tracking ref with a remote. */
  get ref(): string {
    return this.refs.ref;
  }

  /** The archive ref holding a rollout's sealed ledger segments (on the remote, or here without one). */
  archiveRef(name: string): string {
    assertRolloutName(name);
    return this.archive.ref(name);
  }

  /** The commit at the tip of the state branch, or null when it does not exist yet. */
  async tip(opts: ReadOptions = {}): Promise<string | null> {
    if (this.remote && opts.fetch !== false) await this.refs.fetch();
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
    const files = await this.stateFiles(tip);
    const text = files.get(name);
    if (text === undefined) return { state: null, version: null };
    // A rollout with a ledger but no state file still has a version, so that its next commit is a CAS on it.
    if (text === null) return { state: null, version: tip };
    return { state: parseStateFile(text, this.stateFile(name, tip)), version: tip };
  }

  /** Names of the rollouts that have a state file. */
  async listRollouts(opts: ReadOptions = {}): Promise<string[]> {
    const tip = await this.tip(opts);
    if (!tip) return [];
    const files = await this.stateFiles(tip);
    return [...files.keys()].filter((n) => files.get(n) !== null).sort();
  }

  /**
   * Streams the ledger entries of a rollout, oldest first (at `version`, default the current tip). Sealed segments
   * come from the rollout's ledger archive, fetched from the remote when this clone does not have them.
   */
  async *readLedger(name: string, opts: LedgerReadOptions = {}): AsyncGenerator<LedgerEntry> {
    assertRolloutName(name);
    const at = opts.version ?? (await this.tip(opts));
    if (!at) return;
    yield* streamLedger(this.git, await allSegments(await ledgerParts(this.git, this.archive, name, at)));
  }

  /** The last `n` ledger entries of a rollout, oldest first. */
  async tailLedger(name: string, n: number, opts: LedgerReadOptions = {}): Promise<LedgerEntry[]> {
    assertRolloutName(name);
    if (n <= 0) return [];
    const at = opts.version ?? (await this.tip(opts));
    if (!at) return [];
    return tailLedger(this.git, await ledgerParts(this.git, this.archive, name, at), n);
  }

  /**
   * Serialises and masks a ledger entry now, for the commit that will write it: a caller that buffers entries (a
   * paged step's checkpoints) does it while it waits anyway, and the commit then only joins their lines. An entry
   * must not change once prepared.
   */
  prepareLedger(entry: LedgerEntry): void {
    this.lines.prepare(entry);
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
    return this.commitWith(change, entries);
  }

  /**
   * Ends the store's long-lived git processes. Optional: idle, they end themselves and never keep node running; a
   * store used after close starts them again.
   */
  async close(): Promise<void> {
    await Promise.all([this.objects.close(), this.refs.close()]);
  }

  private async commitWith(unmasked: StateChange, entries: readonly LedgerEntry[]): Promise<string> {
    // The state branch is pushed and readable by everyone who can read the repository: every value written to it
    // (gate samples' reasons, cursors, cohort ids, results, the message) is masked here, as it is serialised.
    const change: StateChange = { ...unmasked, message: unmasked.message && secrets.mask(unmasked.message) };
    const { name } = change;
    const base = change.expected ?? (await this.tip({ fetch: false }));
    if (base && this.remote && !this.known.has(base) && !(await this.git.isCommit(base))) {
      // A version another clone made (e.g. handed over by the caller): fetch it.
      await this.refs.fetch();
      if (!(await this.git.isCommit(base))) throw new StateStoreError(`unknown state version ${base}`);
    }
    const stateText = change.state ? secrets.maskedJson(change.state, (s) => `${JSON.stringify(s, null, 2)}\n`) : null;
    // Independent reads and writes run side by side (each git spawn costs a few ms): the state blob is hashed while
    // the ledger's lines are joined and the base is read, then beside the ledger's append and its archive commit.
    const stateBlob = stateText === null ? null : this.objects.blob(stateText);
    stateBlob?.catch(() => undefined); // awaited below, unless the base is refused first
    const text = entries.length > 0 ? this.lines.text(entries) : null;
    const made = base && this.made?.commit === base ? this.made : null;
    const madeDir = made?.name === name ? made : null;
    const [root, dir, depth] = await Promise.all([
      made ? made.root : base ? listTree(this.git, base) : Promise.resolve([]),
      madeDir ? madeDir.dir : base ? listTreeIfAny(this.git, `${base}:${name}`, true) : Promise.resolve(null),
      made ? made.depth : base ? this.depthOf(base) : { commits: 0, bytes: 0 },
    ]);
    const baseDir = root.find((e) => e.name === name && e.type === 'tree')?.oid ?? null;
    if (change.expected === null && baseDir)
      throw new LostRaceError(`rollout ${name} was created by another run`, name);

    let entriesOfDir = dir ?? [];
    let written = 0;
    let archive: RefUpdate | undefined;
    // The live ledger file's text when known: none yet is an empty one.
    let liveText = entriesOfDir.some((e) => e.name === LEDGER_FILE) ? madeDir?.liveText : '';
    const prev = entriesOfDir.find((e) => e.name === ARCHIVE_ENTRY && e.type === 'commit')?.oid ?? null;
    const extend = (sealed: (string | Promise<string>)[]) => this.archive.extend(name, prev, sealed, this.objects);
    const [stateOid, appended] = await Promise.all([
      stateBlob,
      text === null
        ? null
        : appendLedger(this.git, this.objects, entriesOfDir, text, extend, this.segmentBytes, liveText),
    ]);
    if (appended && text !== null) {
      liveText = appended.archived ? appended.liveText : liveText === undefined ? undefined : liveText + text;
      entriesOfDir = appended.entries;
      written += appended.written;
      if (appended.archived) {
        archive = {
          ref: this.archive.ref(name),
          local: this.archive.localRef(name),
          commit: appended.archived,
          old: prev,
        };
        const pointer = { mode: '160000', type: 'commit', oid: appended.archived, name: ARCHIVE_ENTRY };
        entriesOfDir = withEntry(entriesOfDir, pointer);
      }
    }
    if (stateOid && stateText !== null) {
      const size = Buffer.byteLength(stateText);
      written += size;
      entriesOfDir = withEntry(entriesOfDir, {
        mode: '100644',
        type: 'blob',
        oid: stateOid,
        name: STATE_FILE,
        size,
      });
    }
    const newDir = await this.objects.tree(entriesOfDir);
    const subject = `${name}: ${change.message ?? (change.state ? `status ${change.state.status}` : 'ledger')}`;
    const dirMade = {
      name,
      dir: entriesOfDir,
      liveText: liveText && liveText.length <= KEPT_LIVE_TEXT ? liveText : undefined,
    };
    const c = { name, newDir, baseDir, written, archive, subject };
    return this.publishRebasing(c, { base, root, depth }, dirMade);
  }

  /** Commits the rollout directory `newDir` on `base` and publishes it, rebuilding on tips moved by other rollouts. */
  private async publishRebasing(
    c: { name: string; newDir: string; baseDir: string | null; written: number; archive?: RefUpdate; subject: string },
    first: { base: string | null; root: TreeEntry[]; depth: Depth },
    dirMade: Pick<MadeCommit, 'name' | 'dir' | 'liveText'>,
  ): Promise<string> {
    let { base, root, depth } = first;
    let stuck = 0;
    for (let rebase = 0; ; rebase++) {
      // Framed on the base it is built on: a commit rebuilt on a tip moved by another writer counts that tip's depth.
      const { message, fresh } = framing(c.subject, base, depth, c.written, this.limits);
      const newRoot = withEntry(root, { mode: '040000', type: 'tree', oid: c.newDir, name: c.name });
      const tree = await this.objects.tree(newRoot);
      const commit = await this.objects.commit({ tree, parents: base && !fresh ? [base] : [], message });
      let lost: LostRaceError;
      try {
        this.made = null;
        await this.refs.publish({ commit, base, fresh, also: c.archive });
        const { commits, bytes } = trailerDepth(message);
        this.made = { commit, root: newRoot, depth: { commits: commits!, bytes }, ...dirMade };
        return this.remember(commit);
      } catch (e) {
        if (!(e instanceof LostRaceError) || rebase >= MAX_REBASES) throw e;
        lost = e;
      }
      // The tip moved. Rebuild on it when this rollout's files are still what the change was planned on (then its
      // archive ref has not moved either: it moves only with the rollout's directory).
      const tip = await this.tip({ fetch: true });
      root = tip ? await listTree(this.git, tip) : [];
      const tipDir = root.find((e) => e.name === c.name && e.type === 'tree')?.oid ?? null;
      if (tipDir !== c.baseDir)
        throw new LostRaceError(`rollout ${c.name} was changed by another run`, c.name, { cause: lost });
      if (tip === base) {
        // Rejected though nothing moved: lock contention with a writer that failed, or a broken remote.
        if (++stuck >= 3) throw new StateStoreError(`cannot publish the state commit of ${c.name}: ${lost.message}`);
        await sleep(5 + Math.random() * 20);
      }
      if (tip !== base) depth = tip ? await this.depthOf(tip) : { commits: 0, bytes: 0 };
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

  private stateFiles(tip: string): Promise<Map<string, string | null>> {
    if (this.snapshot?.tip !== tip) {
      const files = readStateFiles(this.git, tip);
      this.snapshot = { tip, files };
      files.catch(() => {
        if (this.snapshot?.files === files) this.snapshot = null;
      });
    }
    return this.snapshot.files;
  }

  /** Where `commit` stands since its root: its trailers; for a commit without them (made by hand), counted. */
  private async depthOf(commit: string): Promise<Depth> {
    const { commits, bytes } = trailerDepth(await this.git.ok(['cat-file', 'commit', commit]));
    if (commits !== undefined) return { commits, bytes };
    const count = (await this.git.ok(['rev-list', '--count', '--first-parent', commit])).trim();
    return { commits: Number(count), bytes };
  }

  private remember(commit: string): string {
    if (this.known.size > 1000) this.known.clear();
    this.known.add(commit);
    return commit;
  }
}
