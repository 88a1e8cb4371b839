// `rollouts log` through the real CLI process: a failed canary and its rollback (seed 004's incident) read back from
// the ledger as lines a person reads, as JSON equal to the ledger, and filtered with --since.
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { output, runCli } from '../helpers/cli.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();
const T = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

describe('rollouts log', () => {
  it('prints the incident as history: who, where, what happened, counts and durations; --json is the ledger', async () => {
    const target = await TestTarget.start(dirs, { orgs: 10 });
    targets.push(target);
    const repo = await TempRepo.create(dirs, {
      byok: byokManifest({ canaryGate: '{ hold: 1h, every: 1m, checks: [probe] }' }),
    });
    const env = { TARGET_URL: target.url };
    const entered = await repo.setPhase('byok', 'canary');
    await target.setFault({ mode: 'offline' });
    expect((await runCli(repo.dir, ['apply'], env)).code).toBe(1);
    await target.clearFault();
    await repo.revert(entered);
    expect((await runCli(repo.dir, ['apply'], env)).code).toBe(0);

    const r = await runCli(repo.dir, ['log', 'byok'], env);
    expect(r.code, output(r)).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const ledger = await repo.ledger('byok');
    expect(lines).toHaveLength(ledger.length);
    const line = (re: string) => expect(r.stdout).toMatch(new RegExp(`^${T}  \\S+  ${re}$`, 'm'));
    line(String.raw`canary  none -> canary, applying`);
    line(String.raw`canary/write-pass  apply started`);
    line(
      String.raw`canary/write-pass  result HTTP 200: processed 3, updated 3, unchanged 0, failed 0( \[attempts 1\])? in \d+ ms`,
    );
    line(String.raw`canary/write-pass  step-end \[batches 1, items 3\] in \d+ ms`);
    line(String.raw`canary  gate open: hold 1h, every 1m, checks probe; passes at ${T}`);
    line(String.raw`canary  probe fail .*`);
    line(String.raw`canary  gate failed \(critical\): probe failed 1 sample .*`);
    line(String.raw`canary  rollback canary -> none \(desired phase is none\)`);
    line(String.raw`canary/rollback-cohort  step-end .*`);
    line(String.raw`canary  rolled back; applied now none`);
    line(String.raw`-  no-mixed-contract pass \(200\)`);
    expect(lines.map((l) => l.slice(0, 24))).toEqual(ledger.map((e) => e.time));

    const json = await runCli(repo.dir, ['log', 'byok', '--json'], env);
    expect(json.code, output(json)).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ rollout: 'byok', entries: ledger });

    const recent = await runCli(repo.dir, ['log', 'byok', '--since', '1h'], env);
    expect(recent.stdout).toBe(r.stdout);
    const since = ledger.find((e) => e.kind === 'rollback-start')!.time;
    const tail = await runCli(repo.dir, ['log', 'byok', '--since', since, '--json'], env);
    expect(JSON.parse(tail.stdout).entries).toEqual(ledger.filter((e) => e.time >= since));
    const none = await runCli(repo.dir, ['log', 'byok', '--since', '2999-01-01T00:00:00Z'], env);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr.trim()).toBe('byok: no ledger entries since 2999-01-01T00:00:00.000Z');
  });

  it('exits 2 on an unknown rollout or a --since it cannot read', async () => {
    const repo = await TempRepo.create(dirs, { byok: byokManifest() });
    const unknown = await runCli(repo.dir, ['log', 'nosuch'], {});
    expect(unknown.code, output(unknown)).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      'rollouts log: no rollout named nosuch (have: byok) — see `rollouts log --help`',
    );
    const bad = await runCli(repo.dir, ['log', 'byok', '--since', 'yesterday'], {});
    expect(bad.code, output(bad)).toBe(2);
    expect(bad.stderr).toContain('--since yesterday: expected a duration like 30m, 2h, 1d, or an ISO time');
    const empty = await runCli(repo.dir, ['log', 'byok'], {});
    expect(empty.code, output(empty)).toBe(0);
    expect(empty.stderr.trim()).toBe('byok: no ledger entries');
  });
});
