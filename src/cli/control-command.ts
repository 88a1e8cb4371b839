// What the operator's control commands share (resume, retry, pause): one rollout by name, the control run by the
// engine and recorded with the person who ran it (actor.ts), its outcome printed and turned into the exit code. A
// control that does not apply (ControlRefused) is one line on stderr and exit 1, by program.ts.
import type { Command } from 'commander';
import type { EngineDeps, RolloutOutcome } from '../engine/index.js';
import type { Manifest } from '../manifest/index.js';
import { actorOf } from './actor.js';
import { defineCommand, engineOptions, type CliCommand, type EngineOptions } from './command.js';
import { localEngine } from './engine-deps.js';
import { exitFor, findRollout, printOutcomes, raceAware } from './outcomes.js';

export interface ControlCommand<O> {
  name: string;
  summary: string;
  examples: string[];
  /** Options of its own, besides the engine's. */
  options?(cmd: Command): Command;
  control(deps: EngineDeps, m: Manifest, actor: string, opts: O & EngineOptions): Promise<RolloutOutcome>;
}

export function controlCommand<O = object>(def: ControlCommand<O>): CliCommand<O & EngineOptions> {
  return defineCommand<O & EngineOptions>({
    name: def.name,
    summary: def.summary,
    examples: def.examples,
    configure: (cmd) => {
      const withName = engineOptions(cmd.argument('<name>', 'the rollout'));
      return def.options ? def.options(withName) : withName;
    },
    run: ({ io, args: [name], opts }) =>
      raceAware(async () => {
        const { root, deps, manifests } = await localEngine(io, opts);
        const m = findRollout(manifests, name!);
        const outcome = await def.control(deps, m, await actorOf(root, io.env), opts);
        printOutcomes(io, [outcome], opts.json);
        return exitFor([outcome]);
      }),
  });
}
