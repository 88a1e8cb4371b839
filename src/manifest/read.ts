// Reading a manifest's text from disk: a regular file of the repository (never a link, a device or a pipe), at most
// 1 MiB, UTF-8 without NUL bytes; and the manifest files of a rollouts directory.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { issueAt, type ManifestIssue } from './issue.js';

/** The largest manifest read: a rollout is a page of YAML, not a data file. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** A NUL byte or a text past the size cap: not a manifest, whatever it parses as. */
export function textIssue(file: string, text: string): ManifestIssue | null {
  if (text.length > MAX_MANIFEST_BYTES || Buffer.byteLength(text) > MAX_MANIFEST_BYTES)
    return issueAt(file, `the file is larger than ${MAX_MANIFEST_BYTES} bytes (1 MiB): a manifest is a page of YAML`);
  const nul = text.indexOf('\0');
  if (nul < 0) return null;
  const before = text.slice(0, nul).split('\n');
  return issueAt(file, 'a NUL byte: a manifest is UTF-8 text', before.length, before[before.length - 1]!.length + 1);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The text of a manifest file, or why it is not one: a manifest is a regular file in the repository, never a
 * symbolic link (it could point at `.git/config`, `.env` or `/proc/self/environ`) nor a device or a pipe; at most
 * 1 MiB; valid UTF-8. Opened with O_NOFOLLOW, so a file swapped for a link after the check is refused too.
 */
export async function readManifestText(file: string): Promise<{ text: string } | { issue: ManifestIssue }> {
  return readManifestTextSync(file);
}

/**
 * readManifestText, blocking. Five system calls on a page-sized file take microseconds; through the thread pool
 * (fs/promises) each costs a round trip and a promise, and a 1,000-file validate spent 280 ms of its 1.3 s there.
 */
export function readManifestTextSync(file: string): { text: string } | { issue: ManifestIssue } {
  const refuse = (message: string) => ({ issue: issueAt(file, message) });
  let fd: number;
  try {
    const st = lstatSync(file);
    if (st.isSymbolicLink())
      return refuse('a symbolic link: a manifest must be a regular file in the repository, not a link');
    if (!st.isFile()) return refuse('not a regular file: a manifest must be a regular file in the repository');
    if (st.size > MAX_MANIFEST_BYTES)
      return refuse(`the file is ${st.size} bytes: a manifest is at most ${MAX_MANIFEST_BYTES} bytes (1 MiB)`);
    // O_NONBLOCK: a file swapped for a FIFO after the check opens at once (and is refused below) instead of waiting.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      return refuse('a symbolic link: a manifest must be a regular file in the repository, not a link');
    return refuse(code === 'ENOENT' ? 'no such file' : `cannot read: ${code}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return refuse('not a regular file: a manifest must be a regular file in the repository');
    // Sized by the stat, one byte over so the end is seen; grown only for a file that grows meanwhile (or one that
    // reports no size). A 1 MiB buffer each would zero 1 GiB for 1,000 manifests.
    let buf = Buffer.allocUnsafe(Math.min(st.size, MAX_MANIFEST_BYTES) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > MAX_MANIFEST_BYTES)
          return refuse(`the file is larger than ${MAX_MANIFEST_BYTES} bytes: a manifest is at most 1 MiB`);
        const grown = Buffer.allocUnsafe(Math.min(Math.max(2 * n, 64 * 1024), MAX_MANIFEST_BYTES + 1));
        buf.copy(grown, 0, 0, n);
        buf = grown;
      }
      const bytesRead = readSync(fd, buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    try {
      return { text: UTF8.decode(buf.subarray(0, n)) };
    } catch {
      const line = buf
        .subarray(0, firstInvalidUtf8(buf.subarray(0, n)))
        .toString('latin1')
        .split('\n').length;
      return { issue: issueAt(file, 'invalid UTF-8: a manifest is UTF-8 text', line) };
    }
  } finally {
    closeSync(fd);
  }
}

/** The offset of the first byte that does not start a valid UTF-8 sequence (for the line of the message). */
function firstInvalidUtf8(buf: Buffer): number {
  let lo = 0;
  let hi = buf.length;
  // The longest valid prefix, by bisection on whether the prefix decodes (a cut sequence at the end is tolerated).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

/** Thrown when the rollouts directory itself is not a directory of the repository (a symbolic link, a file). */
export class ManifestDirError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`${dir}: ${reason}`);
  }
}

/**
 * The manifest files of a rollouts directory (`*.yaml`, `*.yml`), sorted; an absent directory has none. Entries that
 * are links or not regular files are listed too, so that loading them reports them instead of skipping them
 * silently; the directory itself must not be a symbolic link.
 */
export async function manifestFiles(dir: string): Promise<string[]> {
  try {
    const st = await lstat(dir);
    if (st.isSymbolicLink())
      throw new ManifestDirError(dir, 'a symbolic link: the rollouts directory must be a directory of the repository');
    if (!st.isDirectory()) throw new ManifestDirError(dir, 'not a directory');
    const names = await readdir(dir);
    return names
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => join(dir, n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
