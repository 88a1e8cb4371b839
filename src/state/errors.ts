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

/** Where a state file was read: `<rollout>/state.json` at `commit` of the state branch. */
export interface StateFileLocation {
  rollout: string;
  /** The state branch, e.g. `rollouts-state`. */
  branch: string;
  /** The ref it was read from, as a person types it: `rollouts-state` or `origin/rollouts-state`. */
  ref: string;
  remote?: string;
  commit: string;
}

/**
 * A rollout's state.json is corrupt, has a wrong shape, or does not fit its manifest (an `applied` phase the manifest
 * does not have). That rollout stops, before any step runs, until a person repairs the file; other rollouts go on.
 */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  constructor(
    readonly at: StateFileLocation,
    /** The field at fault (`lease.expiresAt`), or null when the file as a whole is (not JSON). */
    readonly field: string | null,
    readonly problem: string,
    /** A repair to offer before the one of fixing the file (e.g. restoring the manifest's phase name). */
    otherRepair?: string,
  ) {
    const file = `${at.rollout}/state.json`;
    const where = `${file} on branch ${at.branch}${at.remote ? ` of ${at.remote}` : ''} (commit ${at.commit.slice(0, 12)})`;
    const fix =
      `look at the file with \`git show ${at.ref}:${file}\` (earlier versions: \`git log -p ${at.ref} -- ${file}\`), ` +
      `fix ${field ? `\`${field}\`` : 'it'}, and commit the fixed file to ${at.branch}` +
      (at.remote ? ` and push it to ${at.remote}` : '');
    const repair = otherRepair ? `${otherRepair}; or ${fix}` : fix;
    super(
      `${where}: ${field ? `field \`${field}\`: ` : ''}${problem}. Nothing runs for ${at.rollout} until it is repaired: ${repair}.`,
    );
  }
}
