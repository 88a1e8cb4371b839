import { Option } from 'commander';
import { pauseNote, statusOf } from '../../engine/index.js';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { EXIT } from '../errors.js';
import { localEngine } from '../engine-deps.js';
import { findRollout, summarize } from '../outcomes.js';
import { watchRollouts } from '../watch.js';

export const watchOption = () =>
  new Option(
    '--watch',
    'redraw until the rollout settles (exit 0 done, 1 failed or paused); plain lines off a terminal',
  );

export const statusCommand = defineCommand<EngineOptions & { watch?: boolean }>({
  name: 'status',
  summary: 'applied phase, status, progress and last gate samples',
  examples: [
    'rollouts status',
    'rollouts status byok-backfill --json | jq .rollouts[0].progress',
    'rollouts status byok-backfill --watch   # live: phases, batches, gate sparklines, lease; exits when it settles',
  ],
  configure: (cmd) => engineOptions(cmd.argument('[name]', 'one rollout (default: all)')).addOption(watchOption()),
  async run({ io, args: [name], opts }) {
    const { deps, manifests } = await localEngine(io, opts);
    if (name) findRollout(manifests, name);
    if (opts.watch)
      return watchRollouts({
        io,
        store: deps.store,
        manifests: name ? [findRollout(manifests, name)] : manifests,
        fetch: !!opts.remote,
      });
    const views = await statusOf(deps.store, manifests, name);
    if (opts.json) io.out(JSON.stringify({ rollouts: views }, null, 2));
    else
      for (const v of views) {
        if (v.error) {
          io.err(`rollouts: ${v.error}`);
          continue;
        }
        const prog = v.progress ? `, ${v.progress.batches} batches, ${v.progress.items} items` : '';
        const gate = v.gate ? `, gate: ${v.gate.samples.length} recent samples, passes at ${v.gate.passesAt}` : '';
        const lease = v.lease ? `, lease ${v.lease.holder.host}:${v.lease.holder.pid} until ${v.lease.expiresAt}` : '';
        const pause = v.pause ? `, ${pauseNote(v.pause)}` : '';
        const step = v.step ? `, step ${v.step}` : '';
        io.out(
          `${v.name}: applied ${v.applied} (${v.status}), desired ${v.desired}${step}${prog}${gate}${lease}${pause}`,
        );
      }
    if (!opts.json)
      summarize(
        io,
        views.map((v) => (v.error ? 'unreadable' : v.status)),
      );
    return views.some((v) => v.error) ? EXIT.failure : EXIT.ok;
  },
});
