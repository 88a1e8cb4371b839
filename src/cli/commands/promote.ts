import { Option } from 'commander';
import { skipHold } from '../../engine/index.js';
import type { Manifest } from '../../manifest/index.js';
import type { RolloutState } from '../../state/index.js';
import { actorOf } from '../actor.js';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { CliFailure, EXIT, UsageError } from '../errors.js';
import { localEngine } from '../engine-deps.js';
import { findRollout, raceAware } from '../outcomes.js';
import { assertCommitted, commitPhase } from '../promote-commit.js';

type PromoteOptions = EngineOptions & { skipHold?: boolean; reason?: string };

/** Why the desired phase may not be promoted yet without --skip-hold; null when it may. */
function notReady(m: Manifest, s: RolloutState | null): string | null {
  const applied = s?.applied ?? 'none';
  const status = s?.status ?? 'none';
  if (m.phase === 'none') return applied === 'none' ? null : `${m.name} still has ${applied} applied (${status})`;
  if (applied !== m.phase) return `${m.name} asks for ${m.phase}, applied is ${applied}: run \`rollouts apply\` first`;
  if (status === 'healthy') return null;
  if (status === 'holding')
    return `the gate of ${m.phase} holds until ${s!.gate?.passesAt}: wait, or pass --skip-hold --reason TEXT`;
  return `${m.name} is ${status} at ${m.phase}${status === 'paused' ? ': `rollouts resume`, or --skip-hold --reason TEXT' : ''}`;
}

export const promoteCommand = defineCommand<PromoteOptions>({
  name: 'promote',
  summary: 'set phase: to the next phase and commit it, as the promotion PR does',
  examples: [
    'rollouts promote byok-backfill                          # canary is healthy: phase: full, committed',
    'rollouts promote byok-backfill --skip-hold --reason "INC-42: fix must ship"   # an override, in the ledger',
  ],
  configure: (cmd) =>
    engineOptions(
      cmd
        .argument('<name>', 'the rollout')
        .addOption(new Option('--skip-hold', "don't wait for the open gate's hold: recorded as an override"))
        .addOption(new Option('--reason <text>', 'why the hold is skipped (required with --skip-hold)')),
    ),
  run: ({ io, args: [name], opts }) =>
    raceAware(async () => {
      if (opts.skipHold && !opts.reason?.trim()) throw new UsageError('--skip-hold needs --reason TEXT: say why');
      if (opts.reason && !opts.skipHold) throw new UsageError('--reason goes with --skip-hold');
      const { root, deps, manifests, files } = await localEngine(io, opts);
      const m = findRollout(manifests, name!);
      const next = m.phases[m.phase === 'none' ? 0 : m.phases.findIndex((p) => p.name === m.phase) + 1]?.name;
      if (!next) throw new CliFailure(`${m.name} is at its last phase, ${m.phase}: nothing to promote to`);
      const file = files.get(m.name)!;
      await assertCommitted(root, file);
      const actor = await actorOf(root, io.env);
      let note = '';
      if (opts.skipHold) {
        const state = await skipHold(deps, m, actor, opts.reason!.trim());
        if (!state) throw new CliFailure('another reconciler holds the lease; retry', EXIT.lostRace);
        note = `\n\nHold of ${m.phase} skipped by ${actor}: ${opts.reason!.trim()}`;
      } else {
        const why = notReady(m, (await deps.store.readState(m.name)).state);
        if (why) throw new CliFailure(why);
      }
      const sha = await commitPhase(root, file, next, `${m.name}: promote to ${next}${note}`);
      io.out(`${m.name}: phase: ${next} committed in ${sha.slice(0, 12)} (${file}); \`rollouts apply\` applies it`);
      return EXIT.ok;
    }),
});
