// The CLI's git queries come from the engine; failures become user-facing errors, not stack traces.
import { GitError, git as engineGit, repoRoot as engineRepoRoot } from '../engine/index.js';
import { CliFailure } from './errors.js';

async function asCliFailure<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof GitError) throw new CliFailure(err.message);
    throw err;
  }
}

export const git = (cwd: string, args: string[]) => asCliFailure(engineGit(cwd, args));
export const repoRoot = (cwd: string) => asCliFailure(engineRepoRoot(cwd));
