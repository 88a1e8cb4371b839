import { relative, resolve } from 'node:path';
import { Option } from 'commander';
import { defineCommand, engineOptions, type EngineOptions } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import { localEngine } from '../engine-deps.js';
import { known } from '../outcomes.js';
import { writeHtmlReport } from '../report-file.js';

export const reportCommand = defineCommand<EngineOptions & { html: string }>({
  name: 'report',
  summary: 'one self-contained HTML page: timeline, gate charts, paged progress, ledger',
  examples: ['rollouts report byok-backfill --html report.html   # attach to a post-mortem; opens offline'],
  configure: (cmd) =>
    engineOptions(cmd.argument('<name>', 'the rollout')).addOption(
      new Option('--html <file>', 'write the page to this file').makeOptionMandatory(),
    ),
  async run({ io, args: [name], opts }) {
    const { deps, manifests } = await localEngine(io, opts);
    const manifest = manifests.find((m) => m.name === name) ?? null;
    // A rollout whose manifest was removed still has its state and ledger: its report is the post-mortem.
    if (!manifest && !(await deps.store.listRollouts({ fetch: !!opts.remote })).includes(name!))
      throw new UsageError(`no rollout named ${name}${known(manifests)}`);
    const file = resolve(io.cwd, opts.html);
    const r = await writeHtmlReport(deps.store, name!, manifest, file, { fetch: !!opts.remote });
    if (opts.json) io.out(JSON.stringify({ file, ...r }, null, 2));
    else
      io.out(
        `${relative(io.cwd, file) || file}: ${name}, ${r.entries} ledger entries, ` +
          `${r.gates} gate${r.gates === 1 ? '' : 's'}, ${r.bytes} bytes`,
      );
    return EXIT.ok;
  },
});
