// An operator command's refusal, in a module of its own so that the CLI's entry can tell it apart (instanceof)
// without loading the engine (ControlRefused has its own, control-refused.ts).

/** An operator command given what cannot be done (e.g. `rollback --to` a phase that does not exist). */
export class OperationError extends Error {}
