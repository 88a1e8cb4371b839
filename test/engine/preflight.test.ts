// Preflight: a phase whose steps, checks, rollback or verify use an env name that is unset or empty in the job runs
// nothing and writes no state; the CLI exits 1 naming the names and the phase. A rollback (a pass's or an emergency
// one, then verify) and a drill likewise; a native convex step counts the deployment names its driver reads itself.
import { describe, expect, it } from 'vitest';
import { missingEnv, phasesRolledBack, preflightError } from '../../src/engine/preflight.js';
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
    expect(missingEnv(m, { apply: 'canary' }, env)).toEqual(['API_TOKEN']);
    expect(preflightError(m, { apply: 'canary' }, env)).toBe(
      'preflight: phase canary uses API_TOKEN, which is unset or empty in this job; set it (a GitHub secret that does ' +
        'not exist is empty) and run again; nothing was run',
    );
    expect(preflightError(m, { apply: 'canary' }, { ...env, API_TOKEN: 't' })).toBeNull();
  });

  it("of a rollback are the rolled-back phases' rollback steps and verify's; of a drill, its drillable steps'", () => {
    const m = manifest();
    expect(phasesRolledBack(m, 'full', 'none')).toEqual(['full', 'canary']);
    expect(phasesRolledBack(m, 'full', 'canary')).toEqual(['full']);
    expect(missingEnv(m, { rollBack: ['full'] }, {})).toEqual(['UNDO_TOKEN', 'VERIFY_URL']);
    // canary has no rollback of its own: the manifest's, which reads no env name.
    expect(missingEnv(m, { rollBack: ['canary'] }, {})).toEqual(['VERIFY_URL']);
    expect(preflightError(m, { rollBack: ['full', 'canary'] }, { VERIFY_URL: 'v' })).toMatch(
      /^preflight: the rollback of full, canary uses UNDO_TOKEN, which is unset or empty in this job;/,
    );
    // A drill runs no verify, and skips a rollback step that neither is readOnly nor reads run.dryRun.
    expect(missingEnv(m, { drill: ['full', 'canary'] }, {})).toEqual([]);
  });
});

describe('a native convex step', () => {
  const convex = (env: string, via = '') => {
    const { manifest: m, issues } = parseManifest(
      'rollouts/c.yaml',
      `apiVersion: rollouts/v1
kind: Rollout
name: c
phase: none
env: [${env}]
phases:
  - name: full
    steps: [{ name: backfill, convex: { function: "migrations:backfill"${via} } }]
`,
    );
    if (!m) throw new Error(JSON.stringify(issues));
    return m;
  };
  const selfHosted = 'CONVEX_SELF_HOSTED_URL, CONVEX_SELF_HOSTED_ADMIN_KEY';

  it('uses the deployment names the driver reads, though no template names them', () => {
    const m = convex(selfHosted);
    expect(missingEnv(m, { apply: 'full' }, { CONVEX_SELF_HOSTED_URL: 'http://c' })).toEqual([
      'CONVEX_SELF_HOSTED_ADMIN_KEY',
    ]);
    expect(preflightError(m, { apply: 'full' }, { CONVEX_SELF_HOSTED_URL: 'http://c' })).toMatch(
      /^preflight: phase full uses CONVEX_SELF_HOSTED_ADMIN_KEY, which is unset or empty in this job;/,
    );
    expect(
      missingEnv(m, { apply: 'full' }, { CONVEX_SELF_HOSTED_URL: 'http://c', CONVEX_SELF_HOSTED_ADMIN_KEY: 'k' }),
    ).toEqual([]);
  });

  it('is satisfied by either way of naming a deployment, as the driver is', () => {
    const m = convex(`${selfHosted}, CONVEX_DEPLOY_KEY, CONVEX_DEPLOYMENT_TOKEN, CONVEX_URL`);
    expect(missingEnv(m, { apply: 'full' }, { CONVEX_DEPLOY_KEY: 'prod:x|k', CONVEX_URL: 'https://x' })).toEqual([]);
    expect(missingEnv(m, { apply: 'full' }, { CONVEX_DEPLOY_KEY: 'prod:x|k' })).toEqual([
      'CONVEX_SELF_HOSTED_URL',
      'CONVEX_SELF_HOSTED_ADMIN_KEY',
      'CONVEX_URL',
    ]);
  });

  it("says the driver's own refusal when the manifest lists none of its names; via: cli reads none itself", () => {
    expect(preflightError(convex('OTHER'), { apply: 'full' }, {})).toBe(
      'preflight: phase full: convex: no deployment: list CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY ' +
        '(or CONVEX_DEPLOY_KEY and CONVEX_URL) in `env:` and set them in the job, or use `via: cli`; nothing was run',
    );
    expect(preflightError(convex(selfHosted, ', via: cli'), { apply: 'full' }, {})).toBeNull();
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

describe('preflight before a rollback or a drill', () => {
  it('runs nothing and writes nothing when a name the rollback or verify uses is empty; set, it rolls back', async () => {
    const target = await TestTarget.start(dirs, { orgs: 10 });
    targets.push(target);
    const repo = await TempRepo.create(dirs, { byok: byokManifest() });
    await repo.setPhase('byok', 'canary');
    const engine = new InProcessEngine(repo.dir, { TARGET_URL: target.url });
    expect((await engine.applyOne('byok')).result).toMatchObject({ applied: 'canary' });
    await repo.setPhase('byok', 'none');
    const snapshot = target.snapshot();
    const state = await repo.state('byok');
    const ledger = await repo.ledger('byok');

    const unset = new InProcessEngine(repo.dir, { TARGET_URL: '' });
    const pass = await unset.applyOne('byok');
    expect(pass.result).toMatchObject({ outcome: 'failed', applied: 'canary' });
    expect(pass.result.message).toContain('preflight: the rollback of canary uses TARGET_URL, which is unset or empty');
    const emergency = await unset.rollback('byok');
    expect(emergency.result).toMatchObject({ outcome: 'failed', applied: 'canary' });
    expect(emergency.result.message).toContain('preflight: the rollback of canary uses TARGET_URL');
    const drilled = await unset.drill('byok');
    expect(drilled.result).toMatchObject({ ok: false, rtoMs: 0, phases: ['canary'] });
    expect(drilled.result?.error).toContain('preflight: the drill of canary uses TARGET_URL');
    const cli = await runCli(repo.dir, ['rollback', 'byok'], { TARGET_URL: undefined });
    expect(cli.code, output(cli)).toBe(1);
    expect(output(cli)).toContain('preflight: the rollback of canary uses TARGET_URL');

    expect(target.snapshot()).toBe(snapshot);
    expect(await repo.state('byok')).toEqual(state);
    expect(await repo.ledger('byok')).toEqual(ledger);

    expect((await engine.applyOne('byok')).result).toMatchObject({ outcome: 'rolled-back', applied: 'none' });
    expect(target.snapshot()).not.toBe(snapshot);
  });
});
