import { Option } from 'commander';
import { requestPause } from '../../engine/index.js';
import { controlCommand } from '../control-command.js';
import { UsageError } from '../errors.js';

export const pauseCommand = controlCommand<{ reason?: string }>({
  name: 'pause',
  summary: 'stop a rollout between batches, also one another run is applying',
  examples: [
    'rollouts pause byok-backfill --reason "replica lag"   # the running step stops before its next batch',
    'rollouts pause byok-backfill          # nothing running: the next pass pauses it (no sample, no phase)',
  ],
  options: (cmd) => cmd.addOption(new Option('--reason <text>', 'why: kept with the pause and in the ledger')),
  control: (deps, m, actor, opts) => {
    if (opts.reason !== undefined && !opts.reason.trim()) throw new UsageError('--reason needs a text: say why');
    return requestPause(deps, m, actor, opts.reason?.trim());
  },
});
