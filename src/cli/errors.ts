// Exit codes of DESIGN §7.
export const EXIT = { ok: 0, failure: 1, usage: 2, lostRace: 3 } as const;

/** Bad arguments: exit 2 with the message and the usage line. */
export class UsageError extends Error {}

/** A user-facing failure: exit 1 with the message, no stack trace. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}
