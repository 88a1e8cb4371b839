// The `run` driver through the engine: argv never through a shell, env limited to `env:`, JSON stdout parsed.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolateGitConfig, TempDirs, TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';

const dirs = new TempDirs();

beforeAll(isolateGitConfig);
afterEach(() => dirs.cleanup());

const REPORT = `
const names = Object.keys(process.env).sort();
process.stdout.write(JSON.stringify({
  argv: process.argv.slice(2),
  names,
  listed: process.env.LISTED_VALUE === 'visible-value',
  key: process.env.ROLLOUTS_IDEMPOTENCY_KEY,
}));
`;

/** Pages 1..3: prints {page, nextCursor, hasNextPage} for the cursor in argv[2] ('' on the first call). */
const PAGER = `
const cursor = process.argv[2];
const n = cursor ? Number(cursor.slice(1)) : 0;
process.stderr.write('logs go to stderr\\n');
process.stdout.write(JSON.stringify({ page: n + 1, processed: 2, nextCursor: 'p' + (n + 1), hasNextPage: n + 1 < 3 }, null, 2));
`;

async function repoWith(steps: string): Promise<TempRepo> {
  const repo = await TempRepo.create(dirs);
  await mkdir(repo.path('scripts'));
  await writeFile(repo.path('scripts', 'report.mjs'), REPORT);
  await writeFile(repo.path('scripts', 'pager.mjs'), PAGER);
  await repo.write(
    'runs',
    `apiVersion: rollouts/v1
kind: Rollout
name: runs
phase: full
env: [LISTED_VALUE]
phases:
  - name: full
    steps:
${steps}`,
  );
  await repo.commit('runs');
  return repo;
}

const node = JSON.stringify(process.execPath);

describe('run driver', () => {
  it('passes argv without a shell and the environment limited to the names in env:', async () => {
    const hostile = ['$(touch pwned-1)', '`touch pwned-2`', '; touch pwned-3', '&& touch pwned-4 #', '*', '$HOME'];
    const repo = await repoWith(`      - name: report
        run: [${node}, scripts/report.mjs, ${hostile.map((a) => JSON.stringify(a)).join(', ')}, "{{ batch.key }}"]
        expect: "result.json.listed && result.exitCode == 0"
`);
    const engine = new InProcessEngine(repo.dir, { LISTED_VALUE: 'visible-value', UNLISTED_SECRET: 'hidden-value' });
    const r = await engine.applyOne('runs');
    expect(r.result).toMatchObject({ outcome: 'complete', status: 'complete' });

    for (let i = 1; i <= 4; i++) expect(existsSync(repo.path(`pwned-${i}`))).toBe(false);
    const result = (await repo.ledger('runs')).find((e) => e.kind === 'step-result')!.result as {
      json: { argv: string[]; names: string[]; key: string };
    };
    const { argv, names, key } = result.json;
    expect(argv.slice(0, hostile.length)).toEqual(hostile);
    expect(argv[hostile.length]).toBe(key);
    expect(key).toMatch(/^runs-[0-9a-f]{32}$/);
    expect(names).toContain('LISTED_VALUE');
    expect(names).toContain('ROLLOUTS_IDEMPOTENCY_KEY');
    expect(names).toContain('ROLLOUTS_LEASE_EPOCH');
    expect(names).not.toContain('UNLISTED_SECRET');
    const known = [
      'LISTED_VALUE',
      'ROLLOUTS_IDEMPOTENCY_KEY',
      'ROLLOUTS_LEASE_EPOCH',
      'PATH',
      'HOME',
      'TMPDIR',
      'LANG',
    ];
    expect(names.filter((n) => !known.includes(n))).toEqual([]);
  });

  it('parses JSON stdout into result.json, pages on it, and keeps the text', async () => {
    const repo = await repoWith(`      - name: paged
        run: [${node}, scripts/pager.mjs, "{{ page.cursor }}"]
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
        expect: "result.json.processed == 2"
      - name: single
        run: [${node}, scripts/pager.mjs, "p1"]
        expect: "result.json.page == 2 && result.stdout.contains('nextCursor')"
`);
    const r = await new InProcessEngine(repo.dir).applyOne('runs');
    expect(r.result).toMatchObject({ outcome: 'complete' });
    const ledger = await repo.ledger('runs');
    const batches = ledger.filter((e) => e.kind === 'batch');
    expect(batches.map((e) => e.result)).toEqual([
      expect.objectContaining({ page: 1, nextCursor: 'p1', hasNextPage: true, exitCode: 0 }),
      expect.objectContaining({ page: 2, nextCursor: 'p2', hasNextPage: true }),
      expect.objectContaining({ page: 3, nextCursor: 'p3', hasNextPage: false }),
    ]);
    expect(ledger.find((e) => e.kind === 'step-end' && e.step === 'paged')).toMatchObject({
      counts: { batches: 3, items: 6 },
    });
    const single = ledger.find((e) => e.kind === 'step-result' && e.step === 'single')!.result as {
      json: unknown;
      output: string;
    };
    expect(single.json).toEqual({ page: 2, processed: 2, nextCursor: 'p2', hasNextPage: true });
    expect(single.output).toContain('"nextCursor": "p2"');
  });

  it('fails the step on a non-zero exit, with the tail of stderr in the message', async () => {
    const repo = await repoWith(`      - name: broken
        run: [${node}, -e, "process.stderr.write('boom: cannot reach db'); process.exit(3)"]
`);
    const r = await new InProcessEngine(repo.dir).applyOne('runs');
    expect(r.result).toMatchObject({ outcome: 'failed', status: 'failed' });
    expect(r.result.message).toMatch(/broken: .*exit code 3: boom: cannot reach db/);
  });
});
