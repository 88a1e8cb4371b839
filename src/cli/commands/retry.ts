import { operatorControl } from '../../engine/index.js';
import { actorOf } from '../actor.js';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { localEngine } from '../engine-deps.js';
import { exitFor, findRollout, printOutcomes, raceAware } from '../outcomes.js';

export const retryCommand = defineCommand<EngineOptions>({
  name: 'retry',
  summary: 'retry a failed phase from its failed step, or reopen a failed gate; recorded',
  examples: [
    'rollouts retry byok-backfill           # a failed step: resumes at its checkpoint, never re-sends a batch',
    'rollouts retry byok-backfill           # a failed gate whose cause you fixed: a new hold starts',
  ],
  configure: (cmd) => engineOptions(cmd.argument('<name>', 'the rollout')),
  run: ({ io, args: [name], opts }) =>
    raceAware(async () => {
      const { root, deps, manifests } = await localEngine(io, opts);
      const m = findRollout(manifests, name!);
      const outcome = await operatorControl(deps, m, 'retry', await actorOf(root, io.env));
      printOutcomes(io, [outcome], opts.json);
      return exitFor([outcome]);
    }),
});
