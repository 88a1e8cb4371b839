// What the engine's commands share: exit codes from outcomes, their lines for people, a lost race or a lost lease as
// exit 3.
import type { RolloutOutcome } from '../engine/index.js';
import type { Manifest } from '../manifest/index.js';
import { LeaseLostError, LostRaceError } from '../state/index.js';
import { CliFailure, EXIT, UsageError } from './errors.js';
import type { CliIO } from './io.js';

export function exitFor(outcomes: RolloutOutcome[]): number {
  if (outcomes.some((o) => o.outcome === 'failed')) return EXIT.failure;
  const busy = outcomes.some((o) => o.outcome === 'busy');
  const didSomething = outcomes.some((o) => !['busy', 'unchanged', 'orphan', 'blocked'].includes(o.outcome));
  return busy && !didSomething ? EXIT.lostRace : EXIT.ok;
}

export function printOutcomes(io: CliIO, outcomes: RolloutOutcome[], json: boolean): void {
  if (json) return io.out(JSON.stringify({ rollouts: outcomes }, null, 2));
  for (const o of outcomes)
    io.out(
      `${o.name}: ${o.outcome} — applied ${o.applied}, status ${o.status}, desired ${o.desired}${o.message ? ` (${o.message})` : ''}`,
    );
  summarize(
    io,
    outcomes.map((o) => o.outcome),
  );
}

/**
 * One closing line on stderr for a command over several rollouts: `3 rollouts: 1 applied, 2 unchanged`. A single
 * rollout's own line is its summary.
 */
export function summarize(io: CliIO, words: string[]): void {
  if (words.length <= 1) return;
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  io.err(`${words.length} rollouts: ${[...counts].map(([w, n]) => `${n} ${w}`).join(', ')}`);
}

/**
 * Maps a lost race for the state to exit 3, as DESIGN §7 says; and a lost lease (another run took the rollout over,
 * so this one stopped sending): not a failure of the rollout, another run has it.
 */
export async function raceAware(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LostRaceError)
      throw new CliFailure(`lost the race for the state: ${err.message}; retry`, EXIT.lostRace);
    if (err instanceof LeaseLostError)
      throw new CliFailure(`stopped: ${err.message}; the run that holds it now carries on`, EXIT.lostRace);
    throw err;
  }
}

export function findRollout(manifests: Manifest[], name: string): Manifest {
  const m = manifests.find((x) => x.name === name);
  if (!m) throw new UsageError(`no rollout named ${name}${known(manifests)}`);
  return m;
}

export function known(manifests: Manifest[]): string {
  return manifests.length ? ` (have: ${manifests.map((m) => m.name).join(', ')})` : ' (no manifests found)';
}
