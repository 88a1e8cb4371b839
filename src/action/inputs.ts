// The action's inputs (action.yml's `with:` and a workflow_dispatch's `inputs`) as values: each parser names the
// input and what it accepts, so a typo fails the step with one clear line before anything runs.

/** A user's mistake in the step's inputs or the event: reported as one line, exit 1, nothing run. */
export class InputError extends Error {}

export const COMMANDS = [
  'auto',
  'validate',
  'plan',
  'reconcile',
  'rollback',
  'drill',
  'pause',
  'resume',
  'retry',
] as const;
export type Command = (typeof COMMANDS)[number];

/** The severities whose failures ask for a rollback (DESIGN §3); only these open revert PRs to merge at once. */
const ROLLBACK_SEVERITIES = ['critical', 'high'] as const;
export type RollbackSeverity = (typeof ROLLBACK_SEVERITIES)[number];

/** `what` names where the value came from, e.g. `input command` or `workflow_dispatch input command`. */
export function parseCommand(what: string, value: string): Command {
  if ((COMMANDS as readonly string[]).includes(value)) return value as Command;
  throw new InputError(`${what}: expected one of ${COMMANDS.join(', ')}; got ${JSON.stringify(value)}`);
}

/** YAML 1.2 core booleans, as @actions/core's getBooleanInput; GitHub's empty string (an unset value) is `fallback`. */
export function parseBoolean(what: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`${what}: expected true or false; got ${JSON.stringify(value)}`);
}

/** `critical,high`, `critical` or `none`; empty means the default, `critical`. */
export function parseAutoRollback(what: string, value: string): Set<RollbackSeverity> {
  const text = value.trim() || 'critical';
  if (text === 'none') return new Set();
  const out = new Set<RollbackSeverity>();
  for (const item of text.split(',').map((s) => s.trim())) {
    if (!(ROLLBACK_SEVERITIES as readonly string[]).includes(item))
      throw new InputError(
        `${what}: expected a comma-separated list of ${ROLLBACK_SEVERITIES.join(', ')} (the severities that roll ` +
          `back), or none; got ${JSON.stringify(value)}`,
      );
    out.add(item as RollbackSeverity);
  }
  return out;
}
