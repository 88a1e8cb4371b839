import { Option } from 'commander';
import { emergencyRollback } from '../../engine/index.js';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { localEngine } from '../engine-deps.js';
import { exitFor, findRollout, printOutcomes, raceAware } from '../outcomes.js';

export const rollbackCommand = defineCommand<EngineOptions & { to: string }>({
  name: 'rollback',
  summary: 'emergency rollback now, without waiting for a revert PR; recorded in the ledger',
  examples: [
    'rollouts rollback byok-backfill               # roll back every applied phase',
    'rollouts rollback byok-backfill --to canary   # keep canary, roll back the phases above it',
  ],
  configure: (cmd) =>
    engineOptions(
      cmd
        .argument('<name>', 'the rollout')
        .addOption(new Option('--to <phase>', 'the phase to keep (`none`: roll back everything)').default('none')),
    ),
  run: ({ io, args: [name], opts }) =>
    raceAware(async () => {
      const { deps, manifests } = await localEngine(io, opts);
      const outcome = await emergencyRollback(deps, findRollout(manifests, name!), opts.to);
      printOutcomes(io, [outcome], opts.json);
      return exitFor([outcome]);
    }),
});
