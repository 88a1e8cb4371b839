/**
 * Another run moved the rollout's state first (a failed compare-and-swap or a rejected push). The caller re-reads and
 * re-plans; the CLI maps a final one to exit code 3.
 */
export class LostRaceError extends Error {
  override readonly name = 'LostRaceError';
  constructor(
    message: string,
    readonly rollout?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A git command failed for a reason that is not a lost race (bad repo, no such remote, auth, corrupt data). */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
  constructor(
    message: string,
    readonly stderr = '',
  ) {
    super(stderr ? `${message}: ${stderr.trim()}` : message);
  }
}

/** The caller no longer holds the rollout's lease (it expired and another run took it over). Stop acting. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(
    message: string,
    readonly rollout: string,
  ) {
    super(message);
  }
}
