// CLI entry: `node --import tsx examples/target/main.ts --db PATH [--port 0] [--orgs 200] [--migrated-share 0.05]
// [--fault MODE|JSON] [--exit-on-stdin-eof]`. Prints one JSON line `{"url":"http://127.0.0.1:PORT"}` on stdout once
// listening; logs to stderr.
import { parseArgs } from 'node:util';
import { DEFAULT_MIGRATED_SHARE, DEFAULT_ORGS, startTarget } from './server.js';
import { parseFaultSpec } from './faults.js';

const USAGE =
  'usage: main.ts --db PATH [--port N] [--orgs N] [--migrated-share F] [--fault MODE|JSON] [--exit-on-stdin-eof]  (env TARGET_FAULT also sets the fault)';

function numberOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n))
    throw new Error(`--${name} must be a number, got ${JSON.stringify(raw)}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      port: { type: 'string' },
      orgs: { type: 'string' },
      'migrated-share': { type: 'string' },
      fault: { type: 'string' },
      // Set by spawnTarget: the parent holds stdin open, so when it dies (even by kill -9) the target goes too.
      'exit-on-stdin-eof': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || !values.db) {
    process.stderr.write(USAGE + '\n');
    process.exit(values.help ? 0 : 2);
  }
  const target = await startTarget({
    dbPath: values.db,
    port: numberOption('port', values.port, 0),
    orgs: numberOption('orgs', values.orgs, DEFAULT_ORGS),
    migratedShare: numberOption('migrated-share', values['migrated-share'], DEFAULT_MIGRATED_SHARE),
    ...(values.fault !== undefined ? { fault: parseFaultSpec(values.fault) } : {}),
  });
  process.stdout.write(JSON.stringify({ url: target.url }) + '\n');
  const shutdown = (signal: string) => {
    process.stderr.write(`target: ${signal}, closing\n`);
    void target.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  if (values['exit-on-stdin-eof']) {
    process.stdin.on('end', () => shutdown('stdin closed'));
    process.stdin.resume();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`target: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(1);
});
