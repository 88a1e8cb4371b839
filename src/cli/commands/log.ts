import { Option } from 'commander';
import { logLine } from '../../report/log-lines.js';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import { localEngine } from '../engine-deps.js';
import { known } from '../outcomes.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 2h` (that long ago) or an ISO time; the entries at or after it are shown. */
export function sinceMs(text: string, now = Date.now()): number {
  const rel = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageError(`--since ${text}: expected a duration like 30m, 2h, 1d, or an ISO time`);
  return at;
}

export const logCommand = defineCommand<EngineOptions & { since?: string }>({
  name: 'log',
  summary: 'the ledger as a history: time, actor, phase/step, what happened, counts',
  examples: [
    'rollouts log byok-backfill                 # every entry, oldest first',
    'rollouts log byok-backfill --since 2h      # the last two hours (or --since 2026-01-01T00:00:00Z)',
    'rollouts log byok-backfill --json | jq \'.entries[] | select(.kind == "sample")\'',
  ],
  configure: (cmd) =>
    engineOptions(cmd.argument('<name>', 'the rollout')).addOption(
      new Option('--since <when>', 'only entries since a duration ago (30m, 2h, 1d) or an ISO time'),
    ),
  async run({ io, args: [name], opts }) {
    const from = opts.since === undefined ? null : sinceMs(opts.since);
    const { deps, manifests } = await localEngine(io, opts);
    // A rollout whose manifest was removed still has its ledger: its history is the post-mortem.
    if (!manifests.some((m) => m.name === name) && !(await deps.store.listRollouts()).includes(name!))
      throw new UsageError(`no rollout named ${name}${known(manifests)}`);
    let n = 0;
    if (opts.json) io.out(`{"rollout": ${JSON.stringify(name)}, "entries": [`);
    for await (const e of deps.store.readLedger(name!)) {
      if (from !== null && !(Date.parse(e.time) >= from)) continue;
      if (opts.json) io.out(`${n ? ',' : ''}${JSON.stringify(e)}`);
      else io.out(logLine(e));
      n++;
    }
    if (opts.json) io.out(']}');
    else if (n === 0)
      io.err(`${name}: no ledger entries${from !== null ? ` since ${new Date(from).toISOString()}` : ''}`);
    return EXIT.ok;
  },
});
