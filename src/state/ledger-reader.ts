// Reading a rollout's whole ledger: the archived segments (archive.ts), the segments an older version left in
// `<name>/ledger/` on the branch, then the live `ledger.jsonl`. Only what a reader asks for is fetched: a tail that
// the live file holds never touches the archive.
import { exited, isMissingObject, type Git } from '../sys/git.js';
import { CatFileBatch } from './blobs.js';
import { ARCHIVE_ENTRY, segmentNumber, type LedgerArchive } from './archive.js';
import { StateStoreError } from './errors.js';
import { LEDGER_FILE, SEALED_DIR } from './ledger.js';
import { listTreeIfAny, parseLsTree } from './tree.js';
import type { LedgerEntry } from './types.js';

/** A rollout's ledger at one version: the live file, and its older segments, fetched when asked for. */
export interface LedgerParts {
  /** Blob ids of the sealed segments, oldest first (archive, then `ledger/`). */
  older(): Promise<string[]>;
  live: string | null;
}

/** The ledger of rollout `name` at `commit`; null when the rollout has no directory there. */
export async function ledgerParts(
  git: Git,
  archive: LedgerArchive,
  name: string,
  commit: string,
): Promise<LedgerParts | null> {
  const dir = await listTreeIfAny(git, `${commit}:${name}`);
  if (!dir) return null;
  const pointer = dir.find((e) => e.name === ARCHIVE_ENTRY && e.type === 'commit');
  const sealedDir = dir.find((e) => e.name === SEALED_DIR && e.type === 'tree');
  const older = async (): Promise<string[]> => {
    const [archived, legacy] = await Promise.all([
      pointer ? archive.segments(name, pointer.oid) : Promise.resolve([]),
      sealedDir ? git.ok(['ls-tree', '-z', sealedDir.oid]).then(parseLsTree) : Promise.resolve([]),
    ]);
    const left = legacy
      .filter((e) => e.type === 'blob' && !Number.isNaN(segmentNumber(e.name)))
      .sort((a, b) => segmentNumber(a.name) - segmentNumber(b.name));
    return [...archived, ...left.map((e) => e.oid)];
  };
  return { older, live: dir.find((e) => e.name === LEDGER_FILE && e.type === 'blob')?.oid ?? null };
}

export async function allSegments(parts: LedgerParts | null): Promise<string[]> {
  if (!parts) return [];
  return [...(await parts.older()), ...(parts.live ? [parts.live] : [])];
}

function parseLine(line: string, where: string): LedgerEntry {
  try {
    return JSON.parse(line) as LedgerEntry;
  } catch {
    throw new StateStoreError(`corrupt ledger line in blob ${where}: ${line.slice(0, 200)}`);
  }
}

/**
 * Streams the entries of the given blobs in order, through one cat-file process, a segment at a time (the next one
 * read while this one is parsed). Stopping the iteration early ends the reader.
 */
export async function* streamLedger(git: Git, blobs: readonly string[]): AsyncGenerator<LedgerEntry> {
  if (blobs.length === 0) return;
  const batch = new CatFileBatch(git);
  try {
    const ahead = (blob: string) => {
      const p = batch.read(blob);
      p.catch(() => undefined); // awaited below; a stop before then must not leave it unhandled
      return p;
    };
    let next = ahead(blobs[0] as string);
    for (let i = 0; i < blobs.length; i++) {
      const blob = blobs[i] as string;
      const obj = await next;
      if (i + 1 < blobs.length) next = ahead(blobs[i + 1] as string);
      if (!obj || obj.type !== 'blob') throw new StateStoreError(`ledger segment ${blob} is missing`);
      for (const line of obj.body.toString('utf8').split('\n')) if (line) yield parseLine(line, blob);
    }
  } finally {
    await batch.close();
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

/** The last `n` entries of the ledger (oldest first), reading older segments only when the live file is short. */
export async function tailLedger(git: Git, parts: LedgerParts | null, n: number): Promise<LedgerEntry[]> {
  if (!parts || n <= 0) return [];
  const out: LedgerEntry[][] = [];
  let have = 0;
  const take = async (blob: string) => {
    const lines = await tailBlob(git, blob, n - have);
    out.unshift(lines.map((l) => parseLine(l, blob)));
    have += lines.length;
  };
  if (parts.live) await take(parts.live);
  if (have >= n) return out.flat();
  const older = await parts.older();
  for (let i = older.length - 1; i >= 0 && have < n; i--) await take(older[i] as string);
  return out.flat();
}
