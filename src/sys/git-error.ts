// A failed git command, in a module of its own so that the CLI's entry can tell it apart (instanceof) without loading
// the process runner.

/** A git command that failed; the message quotes git's own words. */
export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    message: string,
    readonly stderr = '',
  ) {
    super(stderr.trim() ? `${message}: ${stderr.trim()}` : message);
  }
}
