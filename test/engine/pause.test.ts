// The pause switch: the state field (schema, phases), the decision (a pause stops everything but a rollback), a
// request written without the lease beside a holder's checkpoints (neither write lost), and pause with no step
// running (honoured at once, nothing runs until resume; resume goes on from the checkpoint).
import { describe, expect, it } from 'vitest';
import { parseManifest, type Manifest } from '../../src/manifest/index.js';
import { decide, needsWork, pauseRefusal } from '../../src/engine/index.js';
import { Masker } from '../../src/engine/mask.js';
import { RolloutSession } from '../../src/engine/session.js';
import {
  checkPhases,
  GitStateStore,
  parseStateFile,
  type LeaseHolder,
  type RolloutState,
} from '../../src/state/index.js';
import { makeUserRepo } from '../state/helpers.js';
import { InProcessEngine } from '../helpers/engine.js';
import { pagedManifest } from '../helpers/manifests.js';
import { TempRepo } from '../helpers/git-repo.js';
import { TestTarget, useTestTargets } from '../helpers/target.js';

const { dirs, targets } = useTestTargets();
const T = '2026-01-01T00:00:00.000Z';
const AT = { rollout: 'demo', branch: 'rollouts-state', ref: 'rollouts-state', commit: 'abc123' };
const ASKED = { by: 'alice', at: T, reason: 'replica lag' };

function manifest(phase: string): Manifest {
  const text = `apiVersion: rollouts/v1
kind: Rollout
name: demo
phase: ${phase}
phases:
  - name: canary
    steps: [{ name: a, run: [./a] }]
    gate: { hold: 1h, every: 1m, checks: [] }
  - name: full
    steps: [{ name: b, run: [./b] }]
`;
  const { manifest: m, issues } = parseManifest('rollouts/demo.yaml', text);
  if (!m) throw new Error(JSON.stringify(issues));
  return m;
}

const state = (applied: string, status: RolloutState['status'], extra: Partial<RolloutState> = {}): RolloutState => ({
  name: 'demo',
  applied,
  status,
  updatedAt: T,
  ...(status === 'holding' ? { gate: { phase: applied, startedAt: T, passesAt: T, samples: [] } } : {}),
  ...extra,
});

describe('state.pause', () => {
  it('reads back as written, and an unknown key in it is an error naming the field', () => {
    const s = state('canary', 'paused', { pause: { ...ASKED, from: 'applying' } });
    expect(parseStateFile(JSON.stringify(s), AT)).toEqual(s);
    expect(() => parseStateFile(JSON.stringify({ ...s, pause: { ...ASKED, who: 'bob' } }), AT)).toThrow(
      /field `pause\.who`: unknown field/,
    );
    expect(() => parseStateFile(JSON.stringify({ ...s, pause: { ...ASKED, from: 'stopped' } }), AT)).toThrow(
      /field `pause\.from`/,
    );
  });

  it('lets a pause honoured with nothing applied be paused at none, and nothing else', () => {
    const phases = ['canary', 'full'];
    const honoured = state('none', 'paused', { pause: { ...ASKED, from: 'rolled-back' } });
    expect(() => checkPhases(honoured, phases, AT)).not.toThrow();
    expect(() => checkPhases(state('none', 'paused'), phases, AT)).toThrow(/field `applied`/);
    expect(() => checkPhases(state('none', 'paused', { pause: ASKED }), phases, AT)).toThrow(/field `applied`/);
  });
});

describe('decide with a pause', () => {
  it('honours a request before any forward step, sample or phase; then does nothing until resume', () => {
    const asked = { pause: ASKED };
    expect(decide(manifest('full'), state('canary', 'healthy', asked)).action).toBe('pause');
    expect(decide(manifest('canary'), state('canary', 'holding', asked)).action).toBe('pause');
    expect(decide(manifest('canary'), state('canary', 'applying', asked)).action).toBe('pause');
    const paused = state('canary', 'paused', { pause: { ...ASKED, from: 'holding' } });
    expect(decide(manifest('full'), paused)).toEqual({
      action: 'paused',
      message: `paused by alice at ${T}: replica lag`,
      clearHold: false,
    });
    expect(needsWork(manifest('full'), paused)).toBe(false);
    expect(needsWork(manifest('full'), state('canary', 'healthy', asked))).toBe(true);
  });

  it('never stops a rollback: a lower desired phase or a rollback in progress goes on', () => {
    const paused = state('canary', 'paused', { pause: { ...ASKED, from: 'holding' } });
    expect(decide(manifest('none'), paused)).toMatchObject({ action: 'roll-back', to: 'none' });
    const rolling = state('canary', 'rolling-back', { rollbackTo: 'none', pause: ASKED });
    expect(decide(manifest('none'), rolling)).toMatchObject({ action: 'roll-back', to: 'none' });
  });

  it('refuses a pause with nothing to pause, saying why', () => {
    const m = manifest('canary');
    expect(pauseRefusal(m, null)).toBe('demo has not started: nothing to pause');
    expect(pauseRefusal(m, state('full', 'complete'))).toBe('demo is complete: nothing to pause');
    expect(pauseRefusal(m, state('canary', 'rolling-back'))).toMatch(/^demo is rolling back: a rollback is not paused/);
    expect(pauseRefusal(manifest('none'), state('none', 'rolled-back'))).toBe(
      'demo is rolled back to none: nothing to pause',
    );
    expect(pauseRefusal(m, state('canary', 'holding', { pause: ASKED }))).toBe(
      `demo is paused already (pause asked by alice at ${T}: replica lag): \`rollouts resume\` carries on`,
    );
    expect(pauseRefusal(m, state('canary', 'holding'))).toBeNull();
    expect(pauseRefusal(m, state('canary', 'failed'))).toBeNull();
  });
});

describe('a request written without the lease, beside the holder', () => {
  const me: LeaseHolder = { host: 'host-a', pid: process.pid, startedAt: T };

  it("loses no checkpoint and is not lost: the holder's next commit re-reads, keeps the request and sees it", async () => {
    const store = new GitStateStore({ repo: await makeUserRepo(dirs) });
    const session = (await RolloutSession.open({ store, name: 'demo', me, ttlMs: 60_000, masker: new Masker() }))!;
    const progress = (batches: number) => ({ done: false, batches, items: batches, cursor: `c${batches}` });
    await session.commit((s) => void (s.progress = { 'canary/apply/a': progress(1) }), [], 'checkpoint 1');
    const epoch = session.state.epoch;

    // Another process (its own store on the same repository) writes the request: a CAS on the tip it read.
    const operator = new GitStateStore({ repo: store.repo });
    await operator.update('demo', (s) => ({ state: { ...s!, pause: ASKED }, message: 'pause asked' }));
    expect(session.state.pause).toBeUndefined();

    await session.commit((s) => void (s.progress = { 'canary/apply/a': progress(2) }), [], 'checkpoint 2');
    expect(session.state.pause).toEqual(ASKED);
    const after = (await store.readState('demo')).state!;
    expect(after).toMatchObject({ pause: ASKED, epoch, lease: { holder: { host: 'host-a' } } });
    expect(after.progress!['canary/apply/a']).toEqual(progress(2));

    // And a request written on top of a checkpoint keeps the checkpoint.
    await operator.update('demo', (s) => ({ state: { ...s!, pause: { ...ASKED, reason: 'again' } } }));
    expect((await store.readState('demo')).state!.progress!['canary/apply/a']).toEqual(progress(2));
    await session.close();
  });
});

describe('pause with no step running', () => {
  it('is honoured at once; a pass then runs nothing; resume goes on from the checkpoint, each batch once', async () => {
    const target = await TestTarget.start(dirs, { orgs: 40 });
    targets.push(target);
    const repo = await TempRepo.create(dirs, { paged: pagedManifest({ batchSize: 2, retry: '{ attempts: 1 }' }) });
    const engine = new InProcessEngine(repo.dir, { TARGET_URL: target.url });
    target.faultAfterBatches(6, 'backfill', { mode: 'http500' });
    expect((await engine.applyOne('paged')).result).toMatchObject({ outcome: 'failed', status: 'failed' });
    const sent = target.appliedBatches('backfill');

    const paused = await engine.pause('paged', 'alice', 'look first');
    expect(paused.result).toMatchObject({ outcome: 'paused', status: 'paused' });
    expect(paused.result.message).toMatch(/^paused by alice at \S+: look first$/);
    expect(await repo.state('paged')).toMatchObject({
      status: 'paused',
      lease: null,
      pause: { by: 'alice', reason: 'look first', from: 'failed' },
    });

    // The fault is gone, but a paused rollout's failed step is not retried by a pass.
    await target.clearFault();
    const idle = await engine.applyOne('paged');
    expect(idle.result).toMatchObject({ outcome: 'unchanged', status: 'paused' });
    expect(target.appliedBatches('backfill')).toBe(sent);

    const resumed = await engine.resume('paged', 'bob');
    expect(resumed.result).toMatchObject({ outcome: 'complete', status: 'complete' });
    expect([...target.receiptCounts('backfill').values()].filter((n) => n !== 1)).toEqual([]);
    expect(await target.integrity()).toMatchObject({ legacy: 0, providerAgnostic: 40 });
    const kinds = (await repo.ledger('paged')).map((e) => e.kind);
    expect(kinds.filter((k) => ['step-failed', 'pause', 'paused', 'resume'].includes(k))).toEqual([
      'step-failed',
      'pause',
      'paused',
      'resume',
      'resume',
    ]);
    expect(await repo.state('paged')).toMatchObject({ pause: null });
  });

  it('lets a lower desired phase roll a paused rollout back, and pauses it again after, at none', async () => {
    const target = await TestTarget.start(dirs, { orgs: 20 });
    targets.push(target);
    const repo = await TempRepo.create(dirs, { paged: pagedManifest({ batchSize: 5, retry: '{ attempts: 1 }' }) });
    const engine = new InProcessEngine(repo.dir, { TARGET_URL: target.url });
    target.faultAfterBatches(2, 'backfill', { mode: 'http500' });
    await engine.applyOne('paged');
    await target.clearFault();
    expect((await engine.pause('paged', 'alice')).result).toMatchObject({ outcome: 'paused' });

    await repo.setPhase('paged', 'none');
    expect((await engine.applyOne('paged')).result).toMatchObject({ outcome: 'rolled-back', applied: 'none' });
    expect(await target.integrity()).toMatchObject({ providerAgnostic: 0 });
    expect((await engine.applyOne('paged')).result).toMatchObject({ outcome: 'paused', applied: 'none' });
    expect(await repo.state('paged')).toMatchObject({ status: 'paused', pause: { from: 'rolled-back' } });
  });
});
