// The gate between phases: a hold alone, a failing check that fails the phase and names the commit to revert, the
// final look before a gate becomes healthy, and `every` honoured by a loop of passes.
import { describe, expect, it } from 'vitest';
import { TempRepo } from '../helpers/git-repo.js';
import { InProcessEngine } from '../helpers/engine.js';
import { byokManifest } from '../helpers/manifests.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';
import { sleepPast } from '../helpers/wait.js';

const { dirs, targets } = useTestTargets();

async function setup(canaryGate: string) {
  const target = await TestTarget.start(dirs, { orgs: 30 });
  targets.push(target);
  const repo = await TempRepo.create(dirs, { byok: byokManifest({ canaryGate }) });
  const engine = new InProcessEngine(repo.dir, { TARGET_URL: target.url });
  return { target, repo, engine };
}

describe('gate', () => {
  it('with only a hold takes no samples and passes once the hold has elapsed', async () => {
    const { repo, engine } = await setup('{ hold: 1s }');
    await repo.setPhase('byok', 'canary');
    const first = await engine.applyOne('byok');
    expect(first.result).toMatchObject({ applied: 'canary', status: 'holding' });
    const state = await repo.state('byok');
    expect(state!.gate).toMatchObject({ phase: 'canary', samples: [] });

    await sleepPast(state!.gate!.passesAt);
    const second = await engine.applyOne('byok');
    expect(second.result).toMatchObject({ outcome: 'healthy', status: 'healthy' });
    const ledger = await repo.ledger('byok');
    expect(ledger.filter((e) => e.kind === 'sample')).toEqual([]);
    expect(ledger.find((e) => e.kind === 'gate-open')).toMatchObject({ result: { hold: '1s', checks: [] } });
  });

  it('fails the phase on a failing critical check and names the commit to revert', async () => {
    const { target, repo, engine } = await setup('{ hold: 1h, every: 1s, checks: [probe] }');
    const entered = await repo.setPhase('byok', 'canary');
    await target.setFault({ mode: 'offline' });

    const r = await engine.applyOne('byok');
    expect(r.result).toMatchObject({ outcome: 'failed', applied: 'canary', status: 'failed' });
    const messages = r.lines.join('\n');
    expect(messages).toContain(`git revert ${entered.slice(0, 12)}`);
    expect(messages).toMatch(/gate of canary failed \(critical\)/);

    const state = await repo.state('byok');
    expect(state).toMatchObject({
      status: 'failed',
      enteredBy: entered,
      failure: { phase: 'canary', severity: 'critical' },
    });
    const ledger = await repo.ledger('byok');
    const failedEntry = ledger.find((e) => e.kind === 'gate-failed')!;
    expect(failedEntry).toMatchObject({ phase: 'canary', result: { severity: 'critical' } });
    expect((failedEntry.result as { failing: { check: string; outcome: string }[] }).failing[0]).toMatchObject({
      check: 'probe',
      outcome: 'fail',
    });

    // A failed gate stays failed: later passes neither promote nor re-run the phase.
    await target.clearFault();
    const snapshot = target.snapshot();
    const again = await engine.applyOne('byok');
    expect(again.result).toMatchObject({ outcome: 'unchanged', status: 'failed' });
    expect(target.snapshot()).toBe(snapshot);
  });

  it('takes one sample per `every`, however often apply runs', async () => {
    const { repo, engine } = await setup('{ hold: 1h, every: 1h, checks: [probe] }');
    await repo.setPhase('byok', 'canary');
    for (let i = 0; i < 5; i++) expect((await engine.applyOne('byok')).result.status).toBe('holding');
    const samples = (await repo.ledger('byok')).filter((e) => e.kind === 'sample');
    expect(samples).toHaveLength(1);
  });

  it('looks again when the hold has elapsed: a probe that went down since its last sample fails the gate', async () => {
    const { target, repo, engine } = await setup('{ hold: 2s, every: 1h, checks: [probe] }');
    await repo.setPhase('byok', 'canary');
    expect((await engine.applyOne('byok')).result.status).toBe('holding');
    await target.setFault({ mode: 'offline' });
    await sleepPast((await repo.state('byok'))!.gate!.passesAt);

    const r = await engine.applyOne('byok');
    expect(r.result).toMatchObject({ outcome: 'failed', status: 'failed' });
    const samples = (await repo.ledger('byok')).filter((e) => e.kind === 'sample');
    expect(samples.map((e) => (e.result as { outcome: string }).outcome)).toEqual(['pass', 'fail']);
  });

  it('becomes healthy only in a pass that sampled every check afresh, after the hold', async () => {
    const { repo, engine } = await setup('{ hold: 2s, every: 1h, checks: [probe] }');
    await repo.setPhase('byok', 'canary');
    expect((await engine.applyOne('byok')).result.status).toBe('holding');
    const { passesAt } = (await repo.state('byok'))!.gate!;
    await sleepPast(passesAt);
    const r = await engine.applyOne('byok');
    expect(r.result).toMatchObject({ outcome: 'healthy', status: 'healthy' });

    const ledger = await repo.ledger('byok');
    const healthy = ledger.findIndex(
      (e) => e.kind === 'transition' && (e.result as { status?: string }).status === 'healthy',
    );
    const last = ledger
      .slice(0, healthy)
      .filter((e) => e.kind === 'sample')
      .at(-1)!;
    expect(last.result).toMatchObject({ check: 'probe', outcome: 'pass' });
    expect(Date.parse((last.result as { at: string }).at)).toBeGreaterThanOrEqual(Date.parse(passesAt));
  });
});
