// The ledger archive: sealed ledger segments leave the state branch. A rollout's archive is one ref,
// `refs/rollouts/<branch>/ledger/<name>`, a chain of commits with one segment each (`000001.jsonl`, ...), oldest at
// the root. The rollout's directory on the branch names the archive commit that holds its sealed segments with a
// gitlink entry `ledger-archive` (a tree entry naming a commit that git never fetches with the branch), so the
// branch's tip tree keeps only state.json, the live ledger file and that pointer however long the rollout runs.
// The archive ref moves only in the same compare-and-swap as the branch (branch.ts: one atomic push), so the pointer
// always names a commit the remote holds. The hot path never reads the archive: appending needs only the previous
// archive commit (fetched alone, --depth=1, when a segment is sealed); readers of the whole ledger fetch the chain.
import type { Git } from '../sys/git.js';
import { CatFileBatch, parseTreeBody } from './blobs.js';
import { fetchRef } from './branch.js';
import { LostRaceError, StateStoreError } from './errors.js';
import type { ObjectWriter } from './objects.js';

/** The rollout directory's entry naming its archive commit. */
export const ARCHIVE_ENTRY = 'ledger-archive';
const SEGMENT = /^(\d+)\.jsonl$/;
/** What `--unshallow` asks for, for one ref: its whole history, whatever other refs' boundaries are. */
const WHOLE_HISTORY = '--depth=2147483647';

export function segmentFile(n: number): string {
  return `${String(n).padStart(6, '0')}.jsonl`;
}

export function segmentNumber(file: string): number {
  const m = SEGMENT.exec(file);
  return m ? Number(m[1]) : Number.NaN;
}

export class LedgerArchive {
  /** Archive commits this store made, with their segment numbers: extending one lists nothing back from git. */
  private readonly made = new Map<string, number>();

  constructor(
    private readonly git: Git,
    readonly branch: string,
    readonly remote: string | undefined,
  ) {}

  /** The archive ref of a rollout, on the remote (or here without a remote). */
  ref(name: string): string {
    return `refs/rollouts/${this.branch}/ledger/${name}`;
  }

  /** Where this clone keeps its copy of the remote's archive ref. */
  localRef(name: string): string {
    return this.remote ? `refs/rollouts/${this.branch}/remotes/${this.remote}/ledger/${name}` : this.ref(name);
  }

  /**
   * Commits the segment blobs (oldest first; a blob still being written is awaited when its turn comes) onto the
   * archive ending at `prev`; returns the new archive tip. Its trees and commits are written by the store's `objects`.
   */
  async extend(
    name: string,
    prev: string | null,
    segments: readonly (string | Promise<string>)[],
    objects: ObjectWriter,
  ): Promise<string> {
    let n = 0;
    if (prev) {
      let last = this.made.get(prev) ?? (await this.segmentOf(prev));
      if (last === null && this.remote) {
        // A depth-1 clone has the pointer but not the commit: fetch that one commit, not the archive. A whole clone
        // fetches the chain instead (new commits only, once it has it): --depth would make the user's repo shallow.
        await this.fetch(name, (await this.git.isShallow()) ? ['--depth=1'] : []);
        last = await this.segmentOf(prev);
      }
      if (last === null && this.remote) {
        // The archive moved past `prev` meanwhile: so did the rollout, and this commit would lose its race anyway.
        const tip = await this.git.run(['rev-parse', '--verify', '--quiet', this.localRef(name)]);
        if (tip.code === 0 && tip.stdout.trim() !== prev)
          throw new LostRaceError(`the ledger archive of ${name} moved on (another run sealed a segment)`, name);
      }
      if (last === null) throw new StateStoreError(`ledger archive commit ${prev} of ${name} is missing here`);
      n = last;
    }
    let tip = prev;
    for (const segment of segments) {
      const blob = await segment;
      n++;
      const tree = await objects.tree([{ mode: '100644', type: 'blob', oid: blob, name: segmentFile(n) }]);
      const message = `${name}: ledger segment ${n}\n\nRollouts-Segment: ${n}`;
      tip = await objects.commit({ tree, parents: tip ? [tip] : [], message });
    }
    if (!tip) throw new StateStoreError(`no ledger segment to archive for ${name}`);
    if (this.made.size >= 1000) this.made.clear();
    this.made.set(tip, n);
    return tip;
  }

  /** The archived segment blobs up to `commit`, oldest first, fetching the archive from the remote when needed. */
  async segments(name: string, commit: string): Promise<string[]> {
    let blobs = await this.walk(commit);
    if (!blobs && this.remote) {
      await this.fetch(name, (await this.git.isShallow()) ? [WHOLE_HISTORY] : []);
      blobs = await this.walk(commit);
    }
    if (!blobs) {
      const where = this.remote ? ` (fetched ${this.ref(name)} from ${this.remote})` : '';
      throw new StateStoreError(`the ledger archive of ${name} at ${commit} is incomplete${where}`);
    }
    return blobs;
  }

  /** The segment number of an archive commit; null when the commit is not here. */
  private async segmentOf(commit: string): Promise<number | null> {
    const r = await this.git.run(['ls-tree', '--name-only', commit]);
    if (r.code !== 0) return null;
    const n = segmentNumber(r.stdout.trim());
    if (Number.isNaN(n)) throw new StateStoreError(`${commit} is not a ledger archive commit`);
    return n;
  }

  /** Walks the chain from `commit` to its root through one cat-file process; null when a link is missing here. */
  private async walk(commit: string): Promise<string[] | null> {
    const batch = new CatFileBatch(this.git);
    const blobs: string[] = [];
    try {
      let at: string | null = commit;
      let expect: number | null = null;
      while (at) {
        const c = await batch.read(at);
        if (!c) return null;
        if (c.type !== 'commit') throw new StateStoreError(`${at} is not a ledger archive commit`);
        const text = c.body.toString('utf8');
        const tree = await batch.read(/^tree (\S+)$/m.exec(text)?.[1] ?? '');
        if (!tree) return null;
        const [entry, ...rest] = parseTreeBody(tree.body, tree.oid.length);
        const n = entry ? segmentNumber(entry.name) : Number.NaN;
        if (!entry || rest.length || Number.isNaN(n) || (expect !== null && n !== expect))
          throw new StateStoreError(`${at} is not a ledger archive commit of the expected shape`);
        blobs.push(entry.oid);
        expect = n - 1;
        at = /^parent (\S+)$/m.exec(text)?.[1] ?? null;
      }
      if (expect !== 0) return null; // the chain stops above segment 1: a shallow boundary
      return blobs.reverse();
    } finally {
      await batch.close();
    }
  }

  private async fetch(name: string, depth: readonly string[]): Promise<void> {
    const found = await fetchRef(
      this.git,
      this.remote ?? '',
      `+${this.ref(name)}:${this.localRef(name)}`,
      depth,
      this.ref(name),
    );
    if (!found) throw new StateStoreError(`${this.remote} has no ledger archive ${this.ref(name)}`);
  }
}
