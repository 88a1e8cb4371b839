// apply, status, rollback, drill: the engine on a local repository.
import { drill, emergencyRollback, reconcileAll, statusOf, type RolloutOutcome } from '../../engine/index.js';
import { LostRaceError } from '../../state/index.js';
import { CliFailure, EXIT, UsageError } from '../errors.js';
import { localEngine } from '../engine-deps.js';
import type { CliIO } from '../io.js';
import type { CommandRunner, ParsedOptions } from '../main.js';

function exitFor(outcomes: RolloutOutcome[]): number {
  if (outcomes.some((o) => o.outcome === 'failed')) return EXIT.failure;
  const busy = outcomes.some((o) => o.outcome === 'busy');
  const didSomething = outcomes.some((o) => !['busy', 'unchanged', 'orphan', 'blocked'].includes(o.outcome));
  return busy && !didSomething ? EXIT.lostRace : EXIT.ok;
}

function printOutcomes(io: CliIO, outcomes: RolloutOutcome[], json: boolean): void {
  if (json) io.out(JSON.stringify({ rollouts: outcomes }, null, 2));
  else
    for (const o of outcomes)
      io.out(
        `${o.name}: ${o.outcome} — applied ${o.applied}, status ${o.status}, desired ${o.desired}${o.message ? ` (${o.message})` : ''}`,
      );
}

/** Maps a lost race for the state to exit 3, as DESIGN §7 says. */
async function raceAware(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LostRaceError)
      throw new CliFailure(`lost the race for the state: ${err.message}; retry`, EXIT.lostRace);
    throw err;
  }
}

const apply: CommandRunner = (io, names, opts) =>
  raceAware(async () => {
    const { deps, loaded, manifests } = await localEngine(io, opts);
    const unknown = names.filter((n) => !manifests.some((m) => m.name === n));
    if (unknown.length) throw new UsageError(`no rollout named ${unknown.join(', ')}`);
    const outcomes = await reconcileAll(deps, loaded, names);
    printOutcomes(io, outcomes, opts.json);
    return exitFor(outcomes);
  });

const status: CommandRunner = async (io, args, opts) => {
  if (args.length > 1) throw new UsageError('status takes at most one NAME');
  const { deps, manifests } = await localEngine(io, opts);
  const views = await statusOf(deps.store, manifests, args[0]);
  if (args[0] && views.length === 0) throw new UsageError(`no rollout named ${args[0]}`);
  if (opts.json) io.out(JSON.stringify({ rollouts: views }, null, 2));
  else
    for (const v of views) {
      const prog = v.progress ? `, ${v.progress.batches} batches, ${v.progress.items} items` : '';
      const gate = v.gate ? `, gate: ${v.gate.samples.length} recent samples, passes at ${v.gate.passesAt}` : '';
      const lease = v.lease ? `, lease ${v.lease.holder.host}:${v.lease.holder.pid} until ${v.lease.expiresAt}` : '';
      io.out(
        `${v.name}: applied ${v.applied} (${v.status}), desired ${v.desired}${v.step ? `, step ${v.step}` : ''}${prog}${gate}${lease}`,
      );
    }
  return EXIT.ok;
};

function oneRollout(args: string[], command: string) {
  if (args.length !== 1) throw new UsageError(`${command} takes exactly one NAME`);
  return args[0]!;
}

const rollback: CommandRunner = (io, args, opts: ParsedOptions) =>
  raceAware(async () => {
    const name = oneRollout(args, 'rollback');
    const { deps, manifests } = await localEngine(io, opts);
    const m = manifests.find((x) => x.name === name);
    if (!m) throw new UsageError(`no rollout named ${name}`);
    const outcome = await emergencyRollback(deps, m, opts.to ?? 'none');
    printOutcomes(io, [outcome], opts.json);
    return exitFor([outcome]);
  });

const drillCommand: CommandRunner = (io, args, opts) =>
  raceAware(async () => {
    const name = oneRollout(args, 'drill');
    const { deps, manifests } = await localEngine(io, opts);
    const m = manifests.find((x) => x.name === name);
    if (!m) throw new UsageError(`no rollout named ${name}`);
    const result = await drill(deps, m);
    if (!result) throw new CliFailure('another reconciler holds the lease; retry', EXIT.lostRace);
    if (opts.json) io.out(JSON.stringify(result, null, 2));
    else
      io.out(
        `${name}: drill ${result.ok ? 'ok' : 'failed'}, RTO ${(result.rtoMs / 1000).toFixed(1)}s over ${result.phases.join(', ') || 'no applied phase'}${result.skipped.length ? `; not drillable: ${result.skipped.join(', ')}` : ''}${result.error ? `; ${result.error}` : ''}`,
      );
    return result.ok ? EXIT.ok : EXIT.failure;
  });

export const engineCommands: Record<string, CommandRunner> = { apply, status, rollback, drill: drillCommand };
