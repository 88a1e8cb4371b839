import { describe, expect, it } from 'vitest';
import { parseManifest, type Manifest } from '../../src/manifest/index.js';
import { fieldChanges, planRollout, renderPlan } from '../../src/plan/index.js';

const ROLLOUT = `apiVersion: rollouts/v1
kind: Rollout
name: byok
phase: none
checks:
  probe:
    http: { url: "https://api.example.com/status" }
    pass: "result.status == 200"
phases:
  - name: canary
    cohort: { ids: [org_1, org_2] }
    steps:
      - name: audit
        readOnly: true
        convex: { function: "migrations/byok:audit", args: { ids: "{{ cohort.ids }}" } }
      - name: write
        run: [./write, "{{ cohort.ids }}"]
    gate: { hold: 1h, checks: [probe] }
  - name: limited
    cohort: { percent: 10, from: { name: list-orgs, run: [./list-orgs] }, salt: byok }
    steps:
      - name: write
        run: [./write, "{{ cohort.added }}"]
    gate: { hold: 48h, every: 15m, checks: [probe], failureLimit: 1 }
  - name: full
    steps:
      - name: backfill
        http: { url: "https://api.example.com/backfill", json: { cursor: "{{ page.cursor }}" } }
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
    rollback:
      - name: rollback-paged
        http: { url: "https://api.example.com/rollback", json: { cursor: "{{ page.cursor }}" } }
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
rollback:
  - name: rollback-batch
    run: [./rollback, "{{ cohort.added }}"]
verify:
  - name: no-mixed
    exec: { run: [./count-mixed] }
    pass: "result.json.count == 0"
`;

/** The rollout at desired phase `phase`, with text replacements applied. */
function rollout(phase: string, ...replace: [string, string][]): Manifest {
  let text = ROLLOUT.replace('phase: none', `phase: ${phase}`);
  for (const [from, to] of replace) {
    if (!text.includes(from)) throw new Error(`not in the fixture: ${from}`);
    text = text.replace(from, to);
  }
  const r = parseManifest('rollouts/byok.yaml', text);
  if (!r.manifest) throw new Error(r.issues.map((i) => `${i.line}:${i.col} ${i.message}`).join('\n'));
  return r.manifest;
}

const file = 'rollouts/byok.yaml';

describe('forward', () => {
  it('from none to the first phase applies its steps with its cohort and gate', () => {
    const plan = planRollout({ file, before: rollout('none'), after: rollout('canary') });
    expect(plan).toMatchObject({
      name: 'byok',
      change: 'modified',
      desired: { before: 'none', after: 'canary' },
      direction: 'forward',
      errors: [],
    });
    expect(plan.actions).toEqual([
      {
        kind: 'apply',
        phase: 'canary',
        steps: [
          { name: 'audit', driver: 'convex', readOnly: true, paginated: false },
          { name: 'write', driver: 'run', readOnly: false, paginated: false },
        ],
        cohort: '2 ids (org_1, org_2)',
        gate: 'hold 1h, checks probe every 5m, failureLimit 0',
      },
    ]);
  });

  it('describes a percent cohort, an everyone phase and a paged step', () => {
    const limited = planRollout({ file, before: rollout('canary'), after: rollout('limited') });
    expect(limited.actions[0]?.cohort).toBe('10% of the ids listed by `list-orgs` (salt byok)');
    expect(limited.actions[0]?.gate).toBe('hold 48h, checks probe every 15m, failureLimit 1');
    const full = planRollout({ file, before: rollout('limited'), after: rollout('full') });
    expect(full.actions).toEqual([
      {
        kind: 'apply',
        phase: 'full',
        steps: [{ name: 'backfill', driver: 'http', readOnly: false, paginated: true }],
        cohort: 'everyone',
        gate: 'none: healthy once the steps are done',
      },
    ]);
  });

  it('is an error to move more than one phase past the applied one', () => {
    const plan = planRollout({ file, before: rollout('none'), after: rollout('limited') });
    expect(plan.errors).toEqual(['`phase` moves 2 phases past `none`; move one phase at a time (next: `canary`)']);
    expect(plan.actions.map((a) => a.phase)).toEqual(['canary', 'limited']);
  });

  it('counts from the applied phase of the state, not the desired one at the base', () => {
    const behind = planRollout({ file, before: rollout('canary'), after: rollout('limited'), applied: 'none' });
    expect(behind.errors).toEqual(['`phase` moves 2 phases past `none`; move one phase at a time (next: `canary`)']);
    const caughtUp = planRollout({ file, before: rollout('none'), after: rollout('limited'), applied: 'canary' });
    expect(caughtUp.errors).toEqual([]);
    expect(caughtUp.actions.map((a) => [a.kind, a.phase])).toEqual([['apply', 'limited']]);
  });

  it('says where the state drifted from the base, so the move it shows starts where the state is', () => {
    const held = planRollout({ file, before: rollout('full'), after: rollout('canary'), applied: 'canary' });
    expect(held.drift).toBe(
      'the state has `canary` applied while the base says `full` (a pass not run yet, or an emergency rollback): ' +
        'this change moves from `canary`',
    );
    expect(held.actions).toEqual([]);
    expect(
      planRollout({ file, before: rollout('canary'), after: rollout('limited'), applied: 'canary' }).drift,
    ).toBeUndefined();
    expect(planRollout({ file, before: null, after: rollout('canary'), applied: null }).drift).toBeUndefined();
  });
});

describe('backward', () => {
  it('rolls back every applied phase above the desired one, highest first, each with its own steps, then verifies', () => {
    const plan = planRollout({ file, before: rollout('full'), after: rollout('none') });
    expect(plan.direction).toBe('backward');
    expect(plan.errors).toEqual([]);
    expect(plan.actions.map((a) => [a.kind, a.phase, a.steps.map((s) => s.name)])).toEqual([
      ['rollback', 'full', ['rollback-paged']],
      ['rollback', 'limited', ['rollback-batch']],
      ['rollback', 'canary', ['rollback-batch']],
      ['verify', null, ['no-mixed']],
    ]);
    expect(plan.actions[0]?.steps[0]).toEqual({
      name: 'rollback-paged',
      driver: 'http',
      readOnly: false,
      paginated: true,
    });
    expect(plan.actions[3]?.steps[0]).toEqual({ name: 'no-mixed', driver: 'check', readOnly: true, paginated: false });
  });

  it('stops at the desired phase', () => {
    const plan = planRollout({ file, before: rollout('full'), after: rollout('canary') });
    expect(plan.actions.map((a) => [a.kind, a.phase])).toEqual([
      ['rollback', 'full'],
      ['rollback', 'limited'],
      ['verify', null],
    ]);
  });
});

describe('added, removed, unchanged', () => {
  it('plans a new manifest from none', () => {
    const plan = planRollout({ file, before: null, after: rollout('canary') });
    expect(plan).toMatchObject({
      change: 'added',
      desired: { before: 'none', after: 'canary' },
      direction: 'forward',
      errors: [],
    });
  });

  it('is an error to remove a manifest whose rollout is applied', () => {
    const plan = planRollout({ file, before: rollout('canary'), after: null, applied: 'canary' });
    expect(plan).toMatchObject({ change: 'removed', direction: 'none', actions: [] });
    expect(plan.errors).toEqual([
      'removing the manifest rolls nothing back: phase `canary` is applied; set `phase: none` first and merge that',
    ]);
  });

  it('takes the desired phase at the base as applied when the state is unknown', () => {
    expect(planRollout({ file, before: rollout('limited'), after: null }).errors).toEqual([
      'removing the manifest rolls nothing back: phase `limited` is applied; set `phase: none` first and merge that',
    ]);
  });

  it('lets a manifest go once nothing is applied', () => {
    expect(planRollout({ file, before: rollout('none'), after: null }).errors).toEqual([]);
    expect(planRollout({ file, before: rollout('canary'), after: null, applied: 'none' }).errors).toEqual([]);
  });

  it('is an error to rename or remove the applied phase', () => {
    const after = rollout('pilot', ['- name: canary', '- name: pilot']);
    const plan = planRollout({ file, before: rollout('canary'), after, applied: 'canary' });
    expect(plan.errors).toEqual([
      'phase `canary` is applied but is no longer in the manifest: roll back below it before renaming or removing it',
    ]);
    expect(plan.actions).toEqual([]);
  });

  it('reports an identical manifest as unchanged with nothing to do', () => {
    const plan = planRollout({ file, before: rollout('canary'), after: rollout('canary') });
    expect(plan).toMatchObject({ change: 'unchanged', direction: 'none', actions: [], fieldChanges: [], errors: [] });
  });
});

describe('field changes', () => {
  it('names changed fields through phase and step names, not indexes', () => {
    const after = rollout('none', [
      '- name: write\n        run: [./write, "{{ cohort.added }}"]',
      '- name: write\n        run: [./write, "{{ cohort.added }}"]\n        timeout: 10m',
    ]);
    expect(fieldChanges(rollout('none'), after)).toEqual([
      { path: 'phases.limited.steps.write.timeout', before: '5m', after: '10m' },
    ]);
  });

  it('reports a desired phase change and a check change by key', () => {
    const after = rollout('canary', [
      'pass: "result.status == 200"',
      'pass: "result.status == 200"\n    severity: critical',
    ]);
    expect(fieldChanges(rollout('none'), after)).toEqual([
      { path: 'phase', before: 'none', after: 'canary' },
      { path: 'checks.probe.severity', before: 'high', after: 'critical' },
    ]);
  });

  it('reports an inserted phase as one change, not a shift of every later phase', () => {
    const after = rollout('none', ['  - name: limited', '  - name: internal\n    steps: []\n  - name: limited']);
    const changes = fieldChanges(rollout('none'), after);
    expect(changes).toEqual([
      { path: 'phases.internal', before: undefined, after: expect.objectContaining({ name: 'internal', steps: [] }) },
    ]);
  });

  it('reports phases put in another order', () => {
    const canary = ROLLOUT.slice(ROLLOUT.indexOf('  - name: canary'), ROLLOUT.indexOf('  - name: limited'));
    const swapped = ROLLOUT.replace(canary, '').replace('  - name: full', `${canary}  - name: full`);
    const after = parseManifest(file, swapped).manifest;
    expect(fieldChanges(rollout('none'), after)).toEqual([
      { path: 'phases', before: ['canary', 'limited', 'full'], after: ['limited', 'canary', 'full'] },
    ]);
  });

  it('reports a removed step and a list compared as a whole', () => {
    const after = rollout('none', [
      '      - name: audit\n        readOnly: true\n        convex: { function: "migrations/byok:audit", args: { ids: "{{ cohort.ids }}" } }\n',
      '',
    ]);
    expect(fieldChanges(rollout('none'), after)).toEqual([
      { path: 'phases.canary.steps.audit', before: expect.objectContaining({ name: 'audit' }), after: undefined },
    ]);
    const ids = rollout('none', ['ids: [org_1, org_2]', 'ids: [org_1, org_3]']);
    expect(fieldChanges(rollout('none'), ids)).toEqual([
      { path: 'phases.canary.cohort.ids', before: ['org_1', 'org_2'], after: ['org_1', 'org_3'] },
    ]);
  });
});

describe('renderPlan', () => {
  it('prints the header, errors, actions with their steps, and changes', () => {
    const plan = planRollout({ file, before: rollout('none'), after: rollout('limited') });
    expect(renderPlan(plan).split('\n')).toEqual([
      'byok (rollouts/byok.yaml): modified; phase none -> limited (forward)',
      '  ✖ `phase` moves 2 phases past `none`; move one phase at a time (next: `canary`)',
      '  apply canary — cohort: 2 ids (org_1, org_2)',
      '    - audit (convex, read-only)',
      '    - write (run, writes)',
      '    gate: hold 1h, checks probe every 5m, failureLimit 0',
      '  apply limited — cohort: 10% of the ids listed by `list-orgs` (salt byok)',
      '    - write (run, writes)',
      '    gate: hold 48h, checks probe every 15m, failureLimit 1',
      '  changes:',
      '    phase: "none" -> "limited"',
    ]);
  });

  it('names the applied phase when the state is known, and prints verify', () => {
    const plan = planRollout({ file, before: rollout('limited'), after: rollout('canary'), applied: 'limited' });
    expect(renderPlan(plan).split('\n')).toEqual([
      'byok (rollouts/byok.yaml): modified; phase limited -> canary (backward, applied limited)',
      '  rollback limited — cohort: 10% of the ids listed by `list-orgs` (salt byok)',
      '    - rollback-batch (run, writes)',
      '  verify',
      '    - no-mixed (check, read-only)',
      '  changes:',
      '    phase: "limited" -> "canary"',
    ]);
  });
});
