/** A control that does not apply to the rollout's state: nothing was written; the message says what would. */
export class ControlRefused extends Error {}
