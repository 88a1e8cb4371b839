// The bodies the action writes on GitHub (revert PR, promotion PR, plan comment, job summary), every Mermaid block in
// them drawn by the real Mermaid in headless Chromium, and each within GitHub's 65,536-character limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMermaidRenders, mermaidBlocks, RealMermaid } from '../helpers/mermaid.js';
import { failedCanary, longGate, entry } from '../helpers/report-fixtures.js';
import { promotionBody, revertBody } from '../../src/github/pull-bodies.js';
import { planCommentBody, type SampleLike } from '../../src/github/markdown.js';
import { digestLedger, gateSeries, GITHUB_BODY_LIMIT } from '../../src/report/markdown.js';
import { phaseFlow } from '../../src/report/flow.js';
import { summaryMarkdown } from '../../src/action/summary.js';
import { planRollout } from '../../src/plan/index.js';
import type { SamplePoint } from '../../src/report/series.js';
import type { LedgerEntry } from '../../src/state/index.js';

let mermaid: RealMermaid;
beforeAll(async () => {
  mermaid = await RealMermaid.start();
});
afterAll(async () => {
  await mermaid?.close();
});

async function failedCanaryRevert(): Promise<string> {
  const { manifest, state, entries, failedAt } = failedCanary();
  const failing = (entries.at(-1)!.result as { failing: SampleLike[] }).failing;
  return revertBody({
    rollout: 'chat-limits',
    phase: 'canary',
    severity: 'critical',
    reason: (state.failure as { reason: string }).reason,
    commit: 'abc1234def5678',
    failing,
    merged: false,
    story: await digestLedger(entries, { now: failedAt }),
    gate: {
      checks: gateSeries(manifest, 'canary', state.gate!.samples as SamplePoint[], state.gate!.baseline),
      everyMs: 5 * 60_000,
    },
    failedAt,
  });
}

describe('the revert PR body', () => {
  it("of a failed canary: the failing samples, the gate's charts before the failure, the incident gantt", async () => {
    const body = await failedCanaryRevert();
    expect(await expectMermaidRenders(mermaid, body, 'the revert PR')).toBe(4);
    expect(body).toContain('#### The 40 minutes before the failure');
    expect(body).toContain('#### Incident timeline');
    expect(body).toMatch(/<details><summary>Every event<\/summary>\n\n- \*\*2024-01-15T09:56:30.000Z\*\* \[canary\]/);
    const gantt = mermaidBlocks(body).at(-1)!;
    expect(gantt).toMatch(/^gantt/);
    expect(gantt).toContain('gate failed (critical) :crit, milestone, 2024-01-15T10:40:00, 0s');
    console.log(
      `figure: revert PR body of the failed canary: ${body.length} characters\n${body.split('\n').slice(0, 14).join('\n')}`,
    );
  });

  it('of a 48 h gate sampled every second stays under GitHub’s limit and still draws', async () => {
    const { manifest, samples, end } = longGate();
    const failing = (samples as SamplePoint[]).filter((s) => s.outcome === 'fail');
    const entries: LedgerEntry[] = [
      entry('2024-02-01T00:00:00.000Z', 'gate-open', { phase: 'limited', result: { hold: '48h', every: '1s' } }),
      ...(samples as SamplePoint[]).map((s) => entry(s.at, 'sample', { phase: 'limited', result: s })),
      entry(new Date(end).toISOString(), 'gate-failed', { phase: 'limited', result: { severity: 'critical' } }),
    ];
    const body = revertBody({
      rollout: 'chat-limits',
      phase: 'limited',
      severity: 'critical',
      reason: `error-rate failed ${failing.length} samples`,
      commit: 'abc1234def5678',
      failing: failing as SampleLike[],
      merged: true,
      story: await digestLedger(entries, { now: end }),
      gate: { checks: gateSeries(manifest, 'limited', samples as SamplePoint[], {}), everyMs: 1000 },
      failedAt: end,
    });
    expect(Buffer.byteLength(body)).toBeLessThan(GITHUB_BODY_LIMIT);
    expect(body).toContain('_The last 30 of 119 failing samples._');
    expect(await expectMermaidRenders(mermaid, body, 'the long revert PR')).toBe(4);
    console.log(`figure: revert PR body of a 48 h gate at 1 s (518,400 samples): ${Buffer.byteLength(body)} bytes`);
  });
});

describe('the promotion PR body', () => {
  it("draws the whole gate and lists the next phase's checklist", async () => {
    const { manifest, state } = failedCanary();
    const passing = (state.gate!.samples as SamplePoint[]).slice(0, 15);
    const body = promotionBody({
      rollout: 'chat-limits',
      phase: 'canary',
      next: 'limited',
      checklist: ['Dashboards open'],
      checks: gateSeries(manifest, 'canary', passing, state.gate!.baseline),
    });
    expect(await expectMermaidRenders(mermaid, body, 'the promotion PR')).toBe(3);
    expect(body).toContain('- [ ] Dashboards open');
  });
});

describe('the plan comment', () => {
  it('draws the phases: applied, and where the change takes the rollout', async () => {
    const { manifest } = failedCanary();
    const plan = planRollout({
      file: 'rollouts/chat-limits.yaml',
      before: { ...manifest, phase: 'canary' },
      after: { ...manifest, phase: 'limited' },
      applied: 'canary',
    });
    const body = planCommentBody(plan, { flow: phaseFlow(manifest, 'canary', 'limited') });
    expect(await expectMermaidRenders(mermaid, body, 'the plan comment')).toBe(1);
  });
});

describe('the job summary', () => {
  it('draws the gate and the timeline of each rollout the run moved', async () => {
    const { manifest, state, entries, failedAt } = failedCanary({ rolledBack: false });
    const checks = gateSeries(manifest, 'canary', state.gate!.samples as SamplePoint[], state.gate!.baseline);
    const md = summaryMarkdown(
      'reconcile',
      [{ name: 'chat-limits', outcome: 'failed', applied: 'canary', status: 'failed', desired: 'canary' } as never],
      [
        {
          name: 'chat-limits',
          desired: 'canary',
          applied: 'canary',
          status: 'failed',
          step: null,
          progress: null,
          gate: null,
          lease: null,
        },
      ],
      { pullRequests: [], deployments: [] },
      [
        {
          name: 'chat-limits',
          gate: { checks, everyMs: 300_000, phase: 'canary', passesAt: state.gate!.passesAt },
          story: await digestLedger(entries, { now: failedAt }),
        },
      ],
    );
    expect(await expectMermaidRenders(mermaid, md, 'the job summary')).toBe(4);
    expect(md).toContain('### `chat-limits`: timeline');
  });
});
