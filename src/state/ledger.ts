// The ledger of a rollout: JSON objects one a line, append-only, in `<name>/ledger.jsonl`. Git blobs are immutable,
// so an append writes a new blob; to keep that cheap however long the ledger grows, the live file is sealed once it
// passes a size (default 64 KiB): its blob moves unchanged to the rollout's ledger archive (archive.ts: a segment of
// its own, no rewrite) and `ledger.jsonl` starts again. An append larger than a segment (a checkpoint of thousands of
// batches) is cut at a line end: all but its last lines go to the archive too, so the live file stays under the size
// (unless its last line alone passes it). The full ledger is the archived segments in order, then the segments an
// older version sealed into `<name>/ledger/` on the branch (moved to the archive with the next seal), then
// `ledger.jsonl` (ledger-reader.ts).
// A store that wrote the live file itself keeps its text (up to 1 MiB, store.ts) and writes the new live blob through
// its ObjectWriter. Otherwise an append streams the live blob from `git cat-file` straight into `git hash-object` (the
// two processes share a pipe; node only adds the new lines): no JS work is done per old entry.
import { exited, type Git } from '../sys/git.js';
import type { Masker } from '../sys/mask.js';
import { segmentNumber } from './archive.js';
import { StateStoreError } from './errors.js';
import type { ObjectWriter } from './objects.js';
import { listTree, withEntry, type TreeEntry } from './tree.js';
import type { LedgerEntry } from './types.js';

export const LEDGER_FILE = 'ledger.jsonl';
/** Where an older version sealed segments, on the branch. */
export const SEALED_DIR = 'ledger';
export const DEFAULT_SEGMENT_BYTES = 64 * 1024;

/**
 * Ledger lines, masked, by entry: made ahead of the commit that writes them when an entry is prepared (a paged step
 * prepares each batch's entry while its next request is in flight, and its checkpoint then only joins lines), else
 * when written. An entry must not change once prepared; a secret added since is masked all the same (the line is
 * made again).
 */
export class LedgerLines {
  private readonly lines = new WeakMap<LedgerEntry, { line: string; generation: number }>();

  constructor(private readonly masker: Masker) {}

  prepare(entry: LedgerEntry): void {
    this.lines.set(entry, { line: this.lineOf(entry), generation: this.masker.generation });
  }

  /** The lines of `entries`, each its JSON and a newline, masked. */
  text(entries: readonly LedgerEntry[]): string {
    let out = '';
    for (const e of entries) {
      const made = this.lines.get(e);
      out += made && made.generation === this.masker.generation ? made.line : this.lineOf(e);
    }
    return out;
  }

  private lineOf(entry: LedgerEntry): string {
    return this.masker.maskedJson(entry, (e) => `${JSON.stringify(e)}\n`);
  }
}

function blobEntry(name: string, oid: string, size: number): TreeEntry {
  return { mode: '100644', type: 'blob', oid, name, size };
}

export interface Appended<A> {
  /** The rollout directory's entries after the append. */
  entries: TreeEntry[];
  /**
   * What `archive` made of the segment blobs it was handed (oldest first: the sealed live file, after any left in
   * `ledger/`); undefined when nothing was sealed.
   */
  archived?: A;
  /** Bytes of the new live file. */
  written: number;
  /** The new live file's text when the append sealed (the last lines of `text`). */
  liveText?: string;
}

/**
 * `text` cut at a line end into the lines before and the last lines, at most `max` bytes of them (the last line alone
 * when it is longer). A newline byte never occurs inside a UTF-8 sequence: cutting after one keeps characters whole.
 */
export function splitTail(text: string, max: number): { head: string; tail: string } {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= max) return { head: '', tail: text };
  const end = buf[buf.length - 1] === 0x0a ? buf.length - 1 : buf.length;
  let start = buf.indexOf(0x0a, buf.length - max - 1) + 1;
  if (start === 0 || start > end) start = buf.lastIndexOf(0x0a, end - 1) + 1;
  return { head: buf.toString('utf8', 0, start), tail: buf.toString('utf8', start) };
}

/**
 * Appends `text` to the rollout's ledger. `dir` is the directory's listing with sizes (`ls-tree -l`), empty for a
 * new rollout; `liveText`, when the caller knows it, is the live file's text (it is then not read back from git).
 * Sealing removes `ledger/` from the directory: its segments are handed to `archive`, which runs while the new live
 * file is written.
 */
export async function appendLedger<A>(
  git: Git,
  objects: ObjectWriter,
  dir: readonly TreeEntry[],
  text: string,
  archive: (sealed: (string | Promise<string>)[]) => Promise<A>,
  segmentBytes = DEFAULT_SEGMENT_BYTES,
  liveText?: string,
): Promise<Appended<A>> {
  const live = dir.find((e) => e.name === LEDGER_FILE && e.type === 'blob');
  const liveSize = live?.size ?? 0;
  const size = Buffer.byteLength(text);
  const fits = liveSize + size <= segmentBytes;
  // What passes a segment on its own is archived with the old live file, as one segment of its own.
  const { head, tail } = fits ? { head: '', tail: text } : splitTail(text, segmentBytes);
  // Nothing to seal (a new live file of one line longer than a segment): the text is the live file, whole.
  if (fits || (!head && liveSize === 0)) {
    const blob = !live
      ? await objects.blob(text)
      : liveText === undefined
        ? await appendBlob(git, live.oid, text)
        : await objects.blob(liveText + text);
    const written = liveSize + size;
    return { entries: withEntry(dir, blobEntry(LEDGER_FILE, blob, written)), written };
  }
  const sealedDir = dir.find((e) => e.name === SEALED_DIR && e.type === 'tree');
  const sealing = async () => {
    const older = sealedDir ? await listTree(git, sealedDir.oid) : [];
    const legacy = older
      .filter((e) => e.type === 'blob' && !Number.isNaN(segmentNumber(e.name)))
      .sort((a, b) => segmentNumber(a.name) - segmentNumber(b.name))
      .map((e) => e.oid);
    // Written while the older segments are committed to the archive.
    const headBlob = head ? [objects.blob(head)] : [];
    headBlob[0]?.catch(() => undefined); // awaited by archive, unless it fails first
    return archive([...legacy, ...(live && liveSize > 0 ? [live.oid] : []), ...headBlob]);
  };
  const [fresh, archived] = await Promise.all([objects.blob(tail), sealing()]);
  const written = Buffer.byteLength(tail);
  const entries = withEntry(
    dir.filter((e) => e.name !== SEALED_DIR),
    blobEntry(LEDGER_FILE, fresh, written),
  );
  return { entries, archived, written, liveText: tail };
}

/** Writes a blob holding `oldBlob`'s bytes followed by `text`; returns its id. */
export async function appendBlob(git: Git, oldBlob: string, text: string): Promise<string> {
  const hash = git.spawn(['hash-object', '-w', '--stdin'], ['pipe', 'pipe', 'pipe']);
  const out: Buffer[] = [];
  hash.stdout?.on('data', (c: Buffer) => out.push(c));
  const hashDone = exited(hash);
  const stdin = hash.stdin;
  if (!stdin) throw new StateStoreError('git hash-object has no stdin');
  stdin.on('error', () => undefined); // reported through hash-object's exit code
  // cat-file writes directly into hash-object's stdin pipe.
  const cat = git.spawn(['cat-file', 'blob', oldBlob], ['ignore', stdin, 'pipe']);
  const read = await exited(cat);
  if (read.code !== 0) {
    hash.kill();
    await hashDone;
    throw new StateStoreError(`git cat-file blob ${oldBlob} failed`, read.stderr);
  }
  stdin.end(text);
  const r = await hashDone;
  if (r.code !== 0) throw new StateStoreError('git hash-object -w --stdin failed', r.stderr);
  return Buffer.concat(out).toString('utf8').trim();
}
