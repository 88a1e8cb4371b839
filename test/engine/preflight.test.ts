// Preflight: a phase whose steps, checks, rollback or verify use an env name that is unset or empty in the job runs
// nothing and writes no state; the CLI exits 1 naming the names and the phase.
import { describe, expect, it } from 'vitest';
import { missingEnv, preflightError } from '../../src/engine/preflight.js';
import { envNamesOfPhase, parseManifest, type Manifest } from '../../src/manifest/index.js';
import { TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';
import { output, runCli } from '../helpers/cli.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();

function manifest(): Manifest {
  const { manifest: m, issues } = parseManifest(
    'rollouts/demo.yaml',
    `apiVersion: rollouts/v1
kind: Rollout
name: demo
phase: none
env: [API_URL, API_TOKEN, PROM_URL, UNDO_TOKEN, VERIFY_URL, UNUSED, LIST_URL]
checks:
  probe: { http: { url: "{{ env.PROM_URL }}/status" }, pass: "result.status == 200" }
  other: { http: { url: "https://example.com/{{ env.UNUSED }}" }, pass: "result.status == 200" }
phases:
  - name: canary
    cohort: { percent: 10, from: { name: list, run: [./list, "{{ env.LIST_URL }}"] } }
    steps: [{ name: write, http: { url: "{{ env.API_URL }}/write", headers: { Authorization: "Bearer {{ env.API_TOKEN }}" } } }]
    gate: { hold: 1h, checks: [probe] }
  - name: full
    steps: [{ name: write-all, run: [./write, "{{ env.API_URL }}"] }]
    rollback: [{ name: undo-all, run: [./undo, "{{ env.UNDO_TOKEN }}"] }]
rollback:
  - { name: undo, run: [./undo, "{{ cohort.added }}"] }
verify:
  - { name: clean, http: { url: "{{ env.VERIFY_URL }}" }, pass: "result.status == 200" }
`,
  );
  if (!m) throw new Error(JSON.stringify(issues));
  return m;
}

describe('the env names a phase uses', () => {
  it("are its steps', its cohort's, its gate checks', its rollback's and verify's, not the unused ones", () => {
    const m = manifest();
    expect(envNamesOfPhase(m, 'canary')).toEqual(['API_URL', 'API_TOKEN', 'PROM_URL', 'VERIFY_URL', 'LIST_URL']);
    expect(envNamesOfPhase(m, 'full')).toEqual(['API_URL', 'UNDO_TOKEN', 'VERIFY_URL']);
  });

  it('counts an empty value as missing, as GitHub gives an unset secret', () => {
    const m = manifest();
    const env = { API_URL: 'https://api', API_TOKEN: '', PROM_URL: 'http://p', VERIFY_URL: 'v', LIST_URL: 'l' };
    expect(missingEnv(m, 'canary', env)).toEqual(['API_TOKEN']);
    expect(preflightError(m, 'canary', env)).toBe(
      'preflight: phase canary uses API_TOKEN, which is unset or empty in this job; set it (a GitHub secret that does ' +
        'not exist is empty) and run again; nothing was run',
    );
    expect(preflightError(m, 'canary', { ...env, API_TOKEN: 't' })).toBeNull();
  });
});

describe('preflight before a phase runs', () => {
  it('runs nothing and writes no state when a name is empty; the CLI exits 1 naming it and the phase', async () => {
    const target = await TestTarget.start(dirs, { orgs: 10 });
    targets.push(target);
    const repo = await TempRepo.create(dirs, { byok: byokManifest() });
    await repo.setPhase('byok', 'canary');
    const snapshot = target.snapshot();

    const r = await new InProcessEngine(repo.dir, { TARGET_URL: '' }).applyOne('byok');
    expect(r.result).toMatchObject({ outcome: 'failed', applied: 'none', status: 'none' });
    expect(r.result.message).toContain('preflight: phase canary uses TARGET_URL, which is unset or empty');
    const cli = await runCli(repo.dir, ['apply', 'byok'], { TARGET_URL: undefined });
    expect(cli.code, output(cli)).toBe(1);
    expect(output(cli)).toContain('preflight: phase canary uses TARGET_URL');

    expect(target.snapshot()).toBe(snapshot);
    expect(await repo.state('byok')).toBeNull();
    expect(await repo.ledger('byok')).toEqual([]);
  });
});
