import { Option } from 'commander';
import { dryRunAll, reconcileAll } from '../../engine/index.js';
import { LostRaceError } from '../../state/index.js';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import { localEngine } from '../engine-deps.js';
import { exitFor, known, printOutcomes, raceAware } from '../outcomes.js';
import { dryRunLines } from '../dry-run-lines.js';
import { watchReporter, watchRollouts } from '../watch.js';
import { watchOption } from './status.js';

export const applyCommand = defineCommand<EngineOptions & { watch?: boolean; dryRun?: boolean }>({
  name: 'apply',
  summary: 'one reconcile pass: apply the next phase, sample open gates, roll back',
  examples: [
    'rollouts apply                         # every rollout whose desired and applied phase differ, or whose gate is open',
    'rollouts apply byok-backfill --json',
    'rollouts apply --dry-run                # what this pass would do: steps, cohort, gate; nothing run or written',
    'rollouts apply byok-backfill --watch   # passes until it settles: samples the gate at its `every`',
  ],
  configure: (cmd) =>
    engineOptions(cmd.argument('[names...]', 'only these rollouts (default: all)'))
      .addOption(watchOption())
      .addOption(
        new Option('--dry-run', 'say what this pass would do (steps, cohort, gate); run nothing, write nothing'),
      ),
  run: ({ io, args: names, opts }) =>
    raceAware(async () => {
      const { deps, loaded, manifests } = await localEngine(io, opts);
      const unknown = names.filter((n) => !manifests.some((m) => m.name === n));
      if (unknown.length) throw new UsageError(`no rollout named ${unknown.join(', ')}${known(manifests)}`);
      if (opts.dryRun) {
        if (opts.watch) throw new UsageError('--dry-run and --watch do not go together');
        const views = await dryRunAll(
          deps.store,
          names.length ? manifests.filter((m) => names.includes(m.name)) : manifests,
        );
        if (opts.json) io.out(JSON.stringify({ dryRun: true, rollouts: views }, null, 2));
        else for (const v of views) for (const line of dryRunLines(v)) io.out(line);
        return views.some((v) => v.action === 'invalid-state') ? EXIT.failure : EXIT.ok;
      }
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
