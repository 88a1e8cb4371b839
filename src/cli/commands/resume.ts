import { operatorControl } from '../../engine/index.js';
import { actorOf } from '../actor.js';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { localEngine } from '../engine-deps.js';
import { exitFor, findRollout, printOutcomes, raceAware } from '../outcomes.js';

export const resumeCommand = defineCommand<EngineOptions>({
  name: 'resume',
  summary: 'open a paused gate afresh, after you have looked; recorded with your name',
  examples: [
    'rollouts resume byok-backfill          # a paused gate: a new hold starts, sampled at once',
    'ROLLOUTS_ACTOR=alice rollouts resume byok-backfill --json',
  ],
  configure: (cmd) => engineOptions(cmd.argument('<name>', 'the rollout')),
  run: ({ io, args: [name], opts }) =>
    raceAware(async () => {
      const { root, deps, manifests } = await localEngine(io, opts);
      const m = findRollout(manifests, name!);
      const outcome = await operatorControl(deps, m, 'resume', await actorOf(root, io.env));
      printOutcomes(io, [outcome], opts.json);
      return exitFor([outcome]);
    }),
});
