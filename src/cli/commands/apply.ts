import { reconcileAll } from '../../engine/index.js';
import { LostRaceError } from '../../state/index.js';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { localEngine } from '../engine-deps.js';
import { exitFor, known, printOutcomes, raceAware } from '../outcomes.js';
import { watchReporter, watchRollouts } from '../watch.js';
import { watchOption } from './status.js';

export const applyCommand = defineCommand<EngineOptions & { watch?: boolean }>({
  name: 'apply',
  summary: 'one reconcile pass: apply the next phase, sample open gates, roll back',
  examples: [
    'rollouts apply                         # every rollout whose desired and applied phase differ, or whose gate is open',
    'rollouts apply byok-backfill --json',
    'rollouts apply byok-backfill --watch   # passes until it settles: samples the gate at its `every`',
  ],
  configure: (cmd) =>
    engineOptions(cmd.argument('[names...]', 'only these rollouts (default: all)')).addOption(watchOption()),
  run: ({ io, args: names, opts }) =>
    raceAware(async () => {
      const { deps, loaded, manifests } = await localEngine(io, opts);
      const unknown = names.filter((n) => !manifests.some((m) => m.name === n));
      if (unknown.length) throw new UsageError(`no rollout named ${unknown.join(', ')}${known(manifests)}`);
      if (opts.watch) {
        // On a terminal the view owns the screen: the engine's lines and batches go into it.
        const view = io.isTTY && io.errRaw ? watchReporter() : null;
        if (view) deps.reporter = view.reporter;
        return await watchRollouts({
          io,
          store: deps.store,
          manifests: names.length ? manifests.filter((m) => names.includes(m.name)) : manifests,
          fetch: !!opts.remote,
          live: view?.live,
          events: view?.events,
          pass: async () => {
            try {
              await reconcileAll(deps, loaded, names);
            } catch (err) {
              // Another runner moved first: the next pass reads its state and goes on.
              if (!(err instanceof LostRaceError)) throw err;
            }
          },
        });
      }
      const outcomes = await reconcileAll(deps, loaded, names);
      printOutcomes(io, outcomes, opts.json);
      return exitFor(outcomes);
    }),
});
