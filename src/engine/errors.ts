// The engine's refusals, in a module of their own so that the CLI's entry can tell them apart (instanceof) without
// loading the engine.

/** An operator command given what cannot be done (e.g. `rollback --to` a phase that does not exist). */
export class OperationError extends Error {}

/** A control that does not apply to the rollout's state: nothing was written; the message says what would. */
export class ControlRefused extends Error {}
