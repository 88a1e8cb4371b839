import { describe, expect, it } from 'vitest';
import { incidentTimeline, planCommentBody, samplesTable } from '../../src/github/markdown.js';
import type { RolloutPlan } from '../../src/plan/index.js';
import { revertBody } from '../../src/github/pull-bodies.js';
import { gitAuthEnv } from '../../src/github/git-auth.js';
import type { LedgerEntry } from '../../src/state/index.js';

const entry = (kind: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  time: '2026-11-23T10:00:00.000Z',
  actor: 'h:1',
  rollout: 'r',
  kind,
  ...extra,
});

describe('incident timeline', () => {
  it('keeps transitions, failures and failing samples, in order, and drops passing samples and batches', () => {
    const text = incidentTimeline([
      entry('transition', { phase: 'full', result: { to: 'full', status: 'applying' } }),
      entry('batch', { phase: 'full', step: 'backfill' }),
      entry('sample', { phase: 'full', result: { check: 'probe', outcome: 'pass' } }),
      entry('sample', { phase: 'full', result: { check: 'probe', outcome: 'fail', reason: 'offline' } }),
      entry('gate-failed', { phase: 'full', result: { reason: 'probe failed 1 sample' } }),
    ]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('status applying (entered full)');
    expect(lines[1]).toContain('sample `probe`: fail — offline');
    expect(lines[2]).toContain('gate-failed: probe failed 1 sample');
  });
});

describe('revert PR body', () => {
  it('names the reverted commit and carries the failing samples and the timeline', () => {
    const body = revertBody({
      rollout: 'byok',
      phase: 'full',
      severity: 'critical',
      reason: 'probe failed',
      commit: 'abc1234def',
      merged: true,
      failing: [
        { check: 'probe', at: 't', outcome: 'fail', value: 200, severity: 'critical', reason: 'offline | down' },
      ],
      story: {
        spans: [],
        notable: [entry('gate-failed', { phase: 'full', result: { reason: 'probe failed' } })],
        entries: 1,
      },
      gate: null,
      failedAt: Date.parse('2026-11-23T10:00:00.000Z'),
    });
    expect(body).toContain('reverts abc1234def');
    expect(body).toContain('merged at once');
    expect(body).toContain('| t | `probe` | fail | 200 | critical | offline \\| down |');
    expect(body).toContain('#### Incident timeline');
  });

  it('says so when there are no samples', () => {
    expect(samplesTable([])).toBe('_no samples_');
  });
});

describe('git auth for pushes', () => {
  it('passes the token as an http.extraheader through the environment only', () => {
    const env = gitAuthEnv('tok', 'https://github.com/', {});
    expect(env.GIT_CONFIG_KEY_0).toBe('http.https://github.com/.extraheader');
    expect(env.GIT_CONFIG_VALUE_0).toBe(`AUTHORIZATION: basic ${Buffer.from('x-access-token:tok').toString('base64')}`);
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
  });
});

describe('the plan comment', () => {
  const plan: RolloutPlan = {
    name: 'byok',
    file: 'rollouts/byok.yaml',
    change: 'modified',
    desired: { before: 'full', after: 'canary' },
    applied: 'canary',
    direction: 'none',
    actions: [],
    fieldChanges: [],
    errors: [],
  };

  it('warns of drift under the applied phase, where a reviewer reads the move', () => {
    const body = planCommentBody({ ...plan, drift: 'the state has `canary` applied while the base says `full`' }, {});
    expect(body.split('\n').slice(2, 6)).toEqual([
      'Applied now: `canary`',
      '',
      '> [!WARNING]',
      '> **Drift:** the state has `canary` applied while the base says `full`',
    ]);
  });

  it('has no drift warning where the state agrees with the base', () => {
    expect(planCommentBody(plan, {})).not.toMatch(/Drift/);
  });
});
