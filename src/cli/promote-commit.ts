// What the promotion PR does, locally: the manifest's `phase:` set to the next phase (its comment kept) and
// committed, by the repository's git identity, touching that file only.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_IDENTITY, Git } from '../sys/git.js';
import { CliFailure } from './errors.js';

const PHASE_LINE = /^phase:[^\n#]*?(\s*#.*)?$/m;

/** `text` with its top-level `phase:` set to `phase`; null when it has no such line. */
export function withPhase(text: string, phase: string): string | null {
  if (!PHASE_LINE.test(text)) return null;
  return text.replace(PHASE_LINE, (_line, comment: string | undefined) => `phase: ${phase}${comment ?? ''}`);
}

/** Refuses a manifest with uncommitted edits: a promotion commits the file, and only the phase may change in it. */
export async function assertCommitted(root: string, file: string): Promise<void> {
  if ((await new Git(root).ok(['status', '--porcelain', '--', file])).trim())
    throw new CliFailure(`${file} has uncommitted changes: commit or stash them first, then promote`);
}

/** Commits `phase: <phase>` in `file` (relative to `root`), as the repository's identity; returns the commit. */
export async function commitPhase(root: string, file: string, phase: string, message: string): Promise<string> {
  await assertCommitted(root, file);
  const plain = new Git(root);
  const config = async (key: string) => (await plain.run(['config', '--get', key])).stdout.trim();
  const [name, email] = await Promise.all([config('user.name'), config('user.email')]);
  const git = new Git(root, {
    identity: { name: name || DEFAULT_IDENTITY.name, email: email || DEFAULT_IDENTITY.email },
  });
  const path = join(root, file);
  const next = withPhase(await readFile(path, 'utf8'), phase);
  if (next === null) throw new CliFailure(`${file} has no top-level \`phase:\` line to set`);
  await writeFile(path, next);
  await git.ok(['add', '--', file]);
  await git.ok(['commit', '-q', '--no-verify', '-m', message, '--', file]);
  return (await git.ok(['rev-parse', 'HEAD'])).trim();
}
