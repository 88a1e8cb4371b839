// Reading `<name>/state.json` as untrusted input: anyone with push access can edit the state branch, so the file is
// parsed through the schema, and an engine that trusts a wrong `applied` re-runs writes. Every problem is one
// StateFileError naming the branch, the file, the field and the repair.
import type { z } from 'zod';
import { StateFileError, type StateFileLocation } from './errors.js';
import { rolloutState, type RolloutState } from './types.js';

/** `lease.expiresAt`, `progress["full/apply/backfill"].batches`, `gate.samples[3].at`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** A short quote of the value found, never the whole of it (a state file may be large). */
function excerpt(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeIssue(root: unknown, issue: z.core.$ZodIssue): { field: string | null; problem: string } {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => fieldPath([...issue.path, k]));
    return {
      field: keys[0] ?? null,
      problem: `unknown field${keys.length > 1 ? `s ${keys.join(', ')}` : ''} (written by a newer version of rollouts, or edited by hand)`,
    };
  }
  const field = issue.path.length ? fieldPath(issue.path) : null;
  const found = valueAt(root, issue.path);
  const text = issue.code === 'invalid_type' ? issue.message.replace(/^Invalid input: /, '') : issue.message;
  const message = text.charAt(0).toLowerCase() + text.slice(1);
  return { field, problem: `${message}; found ${excerpt(found)}` };
}

/** The state in `text`, checked against the schema; throws StateFileError on the first problem. */
export function parseStateFile(text: string, at: StateFileLocation): RolloutState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(at, null, `is not valid JSON (${(err as Error).message})`);
  }
  const parsed = rolloutState.safeParse(json);
  if (!parsed.success) {
    const { field, problem } = describeIssue(json, parsed.error.issues[0]!);
    throw new StateFileError(at, field, problem);
  }
  if (parsed.data.name !== at.rollout)
    throw new StateFileError(at, 'name', `names rollout ${excerpt(parsed.data.name)}, but the file is ${at.rollout}'s`);
  return parsed.data;
}

/** Statuses that only a state with an applied phase can have. */
const WITH_A_PHASE = new Set(['applying', 'holding', 'healthy', 'paused', 'complete']);

/**
 * The phase names a state uses must be phases of its manifest (`phases`, in order): an `applied` the manifest does
 * not have would read as "nothing applied", and the next pass would apply the first phase again.
 */
export function checkPhases(state: RolloutState, phases: readonly string[], at: StateFileLocation): void {
  const known = new Set(['none', ...phases]);
  const have = ['none', ...phases].join(', ');
  if (!known.has(state.applied))
    throw new StateFileError(
      at,
      'applied',
      `${excerpt(state.applied)} is not a phase of the manifest of ${at.rollout} (its phases: ${have}): the phase was ` +
        `renamed or removed, or the state was edited`,
      'give the phase its old name again in the manifest (rename a phase only while it is not applied)',
    );
  const stepFailed = state.status === 'failed' && !!state.failure?.step && !state.gate;
  // A pause honoured with nothing applied (after a rollback to none, before the next phase) is paused at none.
  const pausedAtNone = state.status === 'paused' && !!state.pause?.from;
  if (state.applied === 'none' && ((WITH_A_PHASE.has(state.status) && !pausedAtNone) || stepFailed))
    throw new StateFileError(at, 'applied', `is "none", but status ${excerpt(state.status)} is of an applied phase`);
  if (state.status === 'holding' && !state.gate)
    throw new StateFileError(at, 'gate', 'status is "holding", but no gate is open');
  if (state.rollbackTo != null && !known.has(state.rollbackTo))
    throw new StateFileError(
      at,
      'rollbackTo',
      `${excerpt(state.rollbackTo)} is not a phase of the manifest of ${at.rollout} (its phases: ${have})`,
    );
  if (state.gate && state.gate.phase !== state.applied)
    throw new StateFileError(
      at,
      'gate.phase',
      `the open gate is of ${excerpt(state.gate.phase)}, but the applied phase is ${excerpt(state.applied)}`,
    );
}
