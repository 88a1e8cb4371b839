import { reconcileAll } from '../../engine/index.js';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { localEngine } from '../engine-deps.js';
import { exitFor, known, printOutcomes, raceAware } from '../outcomes.js';

export const applyCommand = defineCommand<EngineOptions>({
  name: 'apply',
  summary: 'one reconcile pass: apply the next phase, sample open gates, roll back',
  examples: [
    'rollouts apply                         # every rollout whose desired and applied phase differ, or whose gate is open',
    'rollouts apply byok-backfill --json',
  ],
  configure: (cmd) => engineOptions(cmd.argument('[names...]', 'only these rollouts (default: all)')),
  run: ({ io, args: names, opts }) =>
    raceAware(async () => {
      const { deps, loaded, manifests } = await localEngine(io, opts);
      const unknown = names.filter((n) => !manifests.some((m) => m.name === n));
      if (unknown.length) throw new UsageError(`no rollout named ${unknown.join(', ')}${known(manifests)}`);
      const outcomes = await reconcileAll(deps, loaded, names);
      printOutcomes(io, outcomes, opts.json);
      return exitFor(outcomes);
    }),
});
