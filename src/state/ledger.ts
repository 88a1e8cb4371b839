// The ledger of a rollout: JSON objects one a line, append-only, in `<name>/ledger.jsonl`. Git blobs are immutable,
// so an append writes a new blob; to keep that cheap however long the ledger grows, the live file is sealed once it
// passes a size (default 1 MiB): its blob moves unchanged to `<name>/ledger/000001.jsonl`, ... (a tree entry, no
// rewrite) and `ledger.jsonl` starts again. The full ledger is the sealed segments in order, then `ledger.jsonl`.
// An append streams the live blob from `git cat-file` straight into `git hash-object` (the two processes share a
// pipe; node only adds the new lines): the ledger is never held in memory, and no JS work is done per old entry.
import { createInterface } from 'node:readline';
import { exited, isMissingObject, type Git } from '../sys/git.js';
import { StateStoreError } from './errors.js';
import { listTree, listTreeIfAny, parseLsTree, withEntry, writeTree, type TreeEntry } from './tree.js';
import type { LedgerEntry } from './types.js';

export const LEDGER_FILE = 'ledger.jsonl';
export const SEALED_DIR = 'ledger';
export const DEFAULT_SEGMENT_BYTES = 1024 * 1024;

export function ledgerLines(entries: readonly LedgerEntry[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}

function blobEntry(name: string, oid: string): TreeEntry {
  return { mode: '100644', type: 'blob', oid, name };
}

function segmentNumber(name: string): number {
  const m = /^(\d+)\.jsonl$/.exec(name);
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * The rollout directory's entries after appending `text` to its ledger. `dir` is the directory's listing with
 * sizes (`ls-tree -l`), empty for a new rollout.
 */
export async function appendLedger(
  git: Git,
  dir: readonly TreeEntry[],
  text: string,
  segmentBytes = DEFAULT_SEGMENT_BYTES,
  makeTree: (entries: readonly TreeEntry[]) => Promise<string> = (entries) => writeTree(git, entries),
): Promise<TreeEntry[]> {
  const live = dir.find((e) => e.name === LEDGER_FILE && e.type === 'blob');
  const liveSize = live?.size ?? 0;
  if (!live || liveSize === 0 || liveSize + Buffer.byteLength(text) <= segmentBytes) {
    return withEntry(dir, blobEntry(LEDGER_FILE, await appendBlob(git, live?.oid ?? null, text)));
  }
  const sealedDir = dir.find((e) => e.name === SEALED_DIR && e.type === 'tree');
  const [sealed, fresh] = await Promise.all([
    sealedDir ? listTree(git, sealedDir.oid) : Promise.resolve([]),
    appendBlob(git, null, text),
  ]);
  const next = Math.max(0, ...sealed.map((e) => segmentNumber(e.name)).filter((n) => !Number.isNaN(n))) + 1;
  const sealedTree = await makeTree([...sealed, blobEntry(`${String(next).padStart(6, '0')}.jsonl`, live.oid)]);
  return withEntry(
    withEntry(dir, { mode: '040000', type: 'tree', oid: sealedTree, name: SEALED_DIR }),
    blobEntry(LEDGER_FILE, fresh),
  );
}

/** Writes a blob holding `oldBlob`'s bytes (none when null) followed by `text`; returns its id. */
export async function appendBlob(git: Git, oldBlob: string | null, text: string): Promise<string> {
  const hash = git.spawn(['hash-object', '-w', '--stdin'], ['pipe', 'pipe', 'pipe']);
  const out: Buffer[] = [];
  hash.stdout?.on('data', (c: Buffer) => out.push(c));
  const hashDone = exited(hash);
  const stdin = hash.stdin;
  if (!stdin) throw new StateStoreError('git hash-object has no stdin');
  stdin.on('error', () => undefined); // reported through hash-object's exit code
  if (oldBlob) {
    // cat-file writes directly into hash-object's stdin pipe.
    const cat = git.spawn(['cat-file', 'blob', oldBlob], ['ignore', stdin, 'pipe']);
    const r = await exited(cat);
    if (r.code !== 0) {
      hash.kill();
      await hashDone;
      throw new StateStoreError(`git cat-file blob ${oldBlob} failed`, r.stderr);
    }
  }
  stdin.end(text);
  const r = await hashDone;
  if (r.code !== 0) throw new StateStoreError('git hash-object -w --stdin failed', r.stderr);
  return Buffer.concat(out).toString('utf8').trim();
}

/** The blob ids of a rollout's ledger segments, oldest first; `dirSpec` is `<commit>:<name>`. */
export async function ledgerSegments(git: Git, dirSpec: string): Promise<string[]> {
  const dir = await listTreeIfAny(git, dirSpec);
  if (!dir) return [];
  const segments: string[] = [];
  const sealedDir = dir.find((e) => e.name === SEALED_DIR && e.type === 'tree');
  if (sealedDir) {
    const sealed = parseLsTree(await git.ok(['ls-tree', '-z', sealedDir.oid]))
      .filter((e) => e.type === 'blob' && !Number.isNaN(segmentNumber(e.name)))
      .sort((a, b) => segmentNumber(a.name) - segmentNumber(b.name));
    segments.push(...sealed.map((e) => e.oid));
  }
  const live = dir.find((e) => e.name === LEDGER_FILE && e.type === 'blob');
  if (live) segments.push(live.oid);
  return segments;
}

function parseLine(line: string, where: string): LedgerEntry {
  try {
    return JSON.parse(line) as LedgerEntry;
  } catch {
    throw new StateStoreError(`corrupt ledger line in blob ${where}: ${line.slice(0, 200)}`);
  }
}

/** Streams the entries of the given blobs in order, line by line. Stopping the iteration early kills the reader. */
export async function* streamLedger(git: Git, blobs: readonly string[]): AsyncGenerator<LedgerEntry> {
  for (const blob of blobs) {
    const cat = git.spawn(['cat-file', 'blob', blob], ['ignore', 'pipe', 'pipe']);
    const done = exited(cat);
    const stdout = cat.stdout;
    if (!stdout) throw new StateStoreError('git cat-file has no stdout');
    const lines = createInterface({ input: stdout, crlfDelay: Infinity });
    let finished = false;
    try {
      for await (const line of lines) {
        if (line) yield parseLine(line, blob);
      }
      finished = true;
    } finally {
      lines.close();
      if (!finished) cat.kill();
    }
    const r = await done;
    if (r.code !== 0) throw new StateStoreError(`git cat-file blob ${blob} failed`, r.stderr);
  }
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** The last `n` lines of a blob, oldest first, holding only about `n` lines in memory. */
async function tailBlob(git: Git, blob: string, n: number): Promise<string[]> {
  const cat = git.spawn(['cat-file', 'blob', blob], ['ignore', 'pipe', 'pipe']);
  const done = exited(cat);
  const chunks: { buf: Buffer; newlines: number }[] = [];
  let newlines = 0;
  for await (const chunk of cat.stdout ?? []) {
    const c = { buf: chunk as Buffer, newlines: countNewlines(chunk as Buffer) };
    chunks.push(c);
    newlines += c.newlines;
    // Drop the oldest chunk while the rest still holds n + 1 newlines: it cannot hold any of the last n lines.
    while (chunks.length > 1 && newlines - (chunks[0]?.newlines ?? 0) >= n + 1)
      newlines -= chunks.shift()?.newlines ?? 0;
  }
  const r = await done;
  if (r.code !== 0 && !isMissingObject(r.stderr))
    throw new StateStoreError(`git cat-file blob ${blob} failed`, r.stderr);
  const text = Buffer.concat(chunks.map((c) => c.buf)).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .slice(-n);
}

/** The last `n` entries across the given blobs (oldest first in both). */
export async function tailLedger(git: Git, blobs: readonly string[], n: number): Promise<LedgerEntry[]> {
  const out: LedgerEntry[][] = [];
  let have = 0;
  for (let i = blobs.length - 1; i >= 0 && have < n; i--) {
    const blob = blobs[i] as string;
    const lines = await tailBlob(git, blob, n - have);
    out.unshift(lines.map((l) => parseLine(l, blob)));
    have += lines.length;
  }
  return out.flat();
}
