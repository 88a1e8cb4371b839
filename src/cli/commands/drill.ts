import { drill } from '../../engine/index.js';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { CliFailure, EXIT } from '../errors.js';
import { localEngine } from '../engine-deps.js';
import { findRollout, raceAware } from '../outcomes.js';

export const drillCommand = defineCommand<EngineOptions>({
  name: 'drill',
  summary: 'run the rollback with writes disabled (run.dryRun = true); records the RTO',
  examples: ['rollouts drill convex-revision', 'rollouts drill convex-revision --json'],
  configure: (cmd) => engineOptions(cmd.argument('<name>', 'the rollout')),
  run: ({ io, args: [name], opts }) =>
    raceAware(async () => {
      const { deps, manifests } = await localEngine(io, opts);
      const result = await drill(deps, findRollout(manifests, name!));
      if (!result) throw new CliFailure('another reconciler holds the lease; retry', EXIT.lostRace);
      if (opts.json) io.out(JSON.stringify(result, null, 2));
      else {
        const over = result.phases.join(', ') || 'no applied phase';
        const drilled = `${result.drillable}/${result.total} rollback steps drilled`;
        const skipped =
          result.skipped.length && result.drillable ? `; not drillable: ${result.skipped.join(', ')}` : '';
        const error = result.error ? `; ${result.error}` : '';
        const rto = `RTO ${(result.rtoMs / 1000).toFixed(1)}s`;
        io.out(`${name}: drill ${result.ok ? 'ok' : 'failed'}, ${rto} over ${over}, ${drilled}${skipped}${error}`);
      }
      return result.ok ? EXIT.ok : EXIT.failure;
    }),
});
