// Compaction: every commit carries trailers `Rollouts-Depth: N` (commits since the branch's root) and
// `Rollouts-Written: B` (bytes of the blobs written since the root: each state.json and live ledger file a commit
// writes). A commit that would pass DEFAULT_COMPACT_AFTER commits or DEFAULT_COMPACT_BYTES bytes, whichever first, is
// made instead as a new root: the same full tree (every state file, every live ledger file and every pointer to a
// rollout's ledger archive: nothing the engine reads is lost), no parent, published as a compare-and-swap too
// (`update-ref` with the old value locally, `push --force-with-lease=<branch>:<old tip>` with a remote). Only the git
// history of the files before it goes, so the branch's size and fetch cost stay flat however long a rollout runs.
// The byte bound is what keeps it flat: every append rewrites the live ledger file (up to a segment, ledger.ts), so
// 50 commits of a busy rollout can write megabytes where 50 of a quiet one write kilobytes.

/** Commits since the root past which the next commit starts a fresh root. */
export const DEFAULT_COMPACT_AFTER = 50;
/** Bytes of blobs written since the root past which the next commit starts a fresh root: 256 KiB. */
export const DEFAULT_COMPACT_BYTES = 256 * 1024;

const DEPTH_TRAILER = /^Rollouts-Depth: (\d+)$/m;
const WRITTEN_TRAILER = /^Rollouts-Written: (\d+)$/m;

/** Where a commit stands since its branch's root. */
export interface Depth {
  commits: number;
  bytes: number;
}

export interface CompactLimits {
  compactAfter: number;
  compactBytes: number;
}

/** The depth a commit's trailers give: commits is undefined for a commit without one (made by hand). */
export function trailerDepth(commitText: string): { commits: number | undefined; bytes: number } {
  const commits = DEPTH_TRAILER.exec(commitText)?.[1];
  const bytes = WRITTEN_TRAILER.exec(commitText)?.[1];
  return { commits: commits === undefined ? undefined : Number(commits), bytes: bytes ? Number(bytes) : 0 };
}

/** Whether a commit writing `written` bytes on a base at `depth` starts a fresh root instead. */
export function startsFreshRoot(depth: Depth, written: number, limits: CompactLimits): boolean {
  return depth.commits >= limits.compactAfter || depth.bytes + written > limits.compactBytes;
}

/** The commit's message and whether it starts a fresh root, from the depth of the base it is built on. */
export function framing(
  subject: string,
  base: string | null,
  depth: Depth,
  written: number,
  limits: CompactLimits,
): { message: string; fresh: boolean } {
  if (base && startsFreshRoot(depth, written, limits)) {
    const note = `History compacted: a fresh root with the tree of ${base} plus this change.`;
    return { message: `${subject}\n\n${note}\n\nRollouts-Depth: 1\nRollouts-Written: ${written}`, fresh: true };
  }
  const trailers = `Rollouts-Depth: ${depth.commits + 1}\nRollouts-Written: ${depth.bytes + written}`;
  return { message: `${subject}\n\n${trailers}`, fresh: false };
}
