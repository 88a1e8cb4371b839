// Every chart the report module writes for GitHub, parsed and drawn by the real Mermaid in headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMermaidRenders, mermaidBlocks, RealMermaid } from '../helpers/mermaid.js';
import { failedCanary, longGate } from '../helpers/report-fixtures.js';
import { gateCharts } from '../../src/report/gate-chart.js';
import { phaseFlow } from '../../src/report/flow.js';
import { failureWindow, gateSeries, GITHUB_BODY_LIMIT, timelineSection } from '../../src/report/markdown.js';
import { timelineOf } from '../../src/report/timeline.js';
import type { SamplePoint } from '../../src/report/series.js';

let mermaid: RealMermaid;
beforeAll(async () => {
  mermaid = await RealMermaid.start();
});
afterAll(async () => {
  await mermaid?.close();
});

describe('the real Mermaid parser', () => {
  it('rejects a broken chart, so a test of ours can fail', async () => {
    const broken = '```mermaid\nxychart-beta\n  x-axis "t" 0 --> 10\n  line [1, 2,\n```';
    const r = await mermaid.check(mermaidBlocks(broken)[0]!);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/Parse error|Expecting/);
    await expect(expectMermaidRenders(mermaid, broken)).rejects.toThrow(/1 of 1 Mermaid blocks/);
    const badGantt =
      '```mermaid\ngantt\n  dateFormat YYYY-MM-DD\n  section a\n    task :done, 2024-13-45, 2024-13-46\n```';
    await expect(expectMermaidRenders(mermaid, badGantt)).rejects.toThrow();
  });
});

describe('gate charts', () => {
  it('draw each check of a failed canary against its threshold, failures marked, numbers under <details>', async () => {
    const { manifest, state } = failedCanary();
    const series = gateSeries(manifest, 'canary', state.gate!.samples as SamplePoint[], state.gate!.baseline);
    const md = gateCharts({ phase: 'canary', checks: series }, { maxChars: 30_000 });
    expect(await expectMermaidRenders(mermaid, md)).toBe(3);
    const [errorRate, latency, probe] = mermaidBlocks(md);
    expect(errorRate).toContain('fail: value > 0.05');
    expect(errorRate).toMatch(/line \[0\.011, 0\.012, 0\.01, 0\.013, 0\.015, 0\.032, 0\.25, 0\.27, 0\.26\]/);
    // the failing excursion: the value where it failed, the threshold elsewhere
    expect(errorRate).toContain('line [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.25, 0.27, 0.26]');
    expect(latency).toContain('2 × baseline'); // 2.0 x the baseline 0.21 measured at the gate's start
    expect(latency).toContain('line 0.42');
    expect(probe).toContain('outcome (1 pass');
    expect(md).toContain('<details><summary>The numbers</summary>');
    expect(md).toContain('| `error-rate` | 2024-01-15T10:40:00.000Z | fail | 0.26 | 1 |');
  });

  it('show the minutes before a failure in a revert PR', async () => {
    const { manifest, state, failedAt } = failedCanary();
    const series = gateSeries(manifest, 'canary', state.gate!.samples as SamplePoint[], state.gate!.baseline);
    // 30 minutes, or 40 samples' worth when that is longer
    expect(failureWindow(failedAt, 5 * 60_000).from).toBe(failedAt - 200 * 60_000);
    const w = failureWindow(failedAt, 15_000);
    expect(w).toEqual({ from: failedAt - 30 * 60_000, to: failedAt });
    const md = gateCharts({ phase: 'canary', checks: series }, { maxChars: 30_000, ...w });
    await expectMermaidRenders(mermaid, md);
    expect(md).not.toContain('10:05:00.000Z');
    expect(md).toContain('| `error-rate` | 2024-01-15T10:10:00.000Z |');
    expect(md).toContain('minutes after 10:10 UTC');
  });

  it('keep a 48 h gate sampled every second under GitHub’s body limit, downsampled, the failure still shown', async () => {
    const { manifest, samples } = longGate();
    const series = gateSeries(manifest, 'limited', samples as SamplePoint[], {});
    expect(series.map((s) => s.samples.length)).toEqual([172_800, 172_800, 172_800]);
    const md = gateCharts({ phase: 'limited', checks: series }, { maxChars: 50_000 });
    expect(md.length).toBeLessThan(50_000);
    expect(Buffer.byteLength(md)).toBeLessThan(GITHUB_BODY_LIMIT);
    expect(await expectMermaidRenders(mermaid, md)).toBe(3);
    expect(md).toContain('downsampled to');
    const errorRate = mermaidBlocks(md)[0]!;
    expect(errorRate).toContain('hours after');
    // the last two minutes fail at ~0.11: the worst of the last cell keeps it
    expect(errorRate).toMatch(/0\.05, 0\.1\d*\]/);
  });

  it('fit a small budget by drawing fewer points, never by breaking a block', async () => {
    const { manifest, state } = failedCanary();
    const series = gateSeries(manifest, 'canary', state.gate!.samples as SamplePoint[], state.gate!.baseline);
    const md = gateCharts({ phase: 'canary', checks: series }, { maxChars: 3_000 });
    expect(md.length).toBeLessThanOrEqual(3_000);
    await expectMermaidRenders(mermaid, md);
  });
});

describe('the timeline', () => {
  it("draws seed 004's incident: detected, decided, rolled back, verified", async () => {
    const { entries } = failedCanary({ rolledBack: true });
    const md = timelineSection(timelineOf(entries), { title: 'chat-limits timeline (UTC)', maxChars: 20_000 });
    expect(await expectMermaidRenders(mermaid, md)).toBe(1);
    const g = mermaidBlocks(md)[0]!;
    expect(g).toMatch(/step backup-config :done, 2024-01-15T09:56:32, 2024-01-15T09:56:40/);
    expect(g).toMatch(/error-rate failing \(3\) :crit, 2024-01-15T10:30:00, 2024-01-15T10:40:00/);
    expect(g).toMatch(/gate failed \(critical\) :crit, milestone, 2024-01-15T10:40:00, 0s/);
    expect(g).toMatch(/section rollback\n\s+roll back canary to none :done, 2024-01-15T10:42:00, 2024-01-15T10:45:00/);
    expect(g).toMatch(/verify no-corruption pass :done, milestone, 2024-01-15T10:45:00/);
    expect(g).toMatch(/rolled back to none :done, milestone, 2024-01-15T10:45:00/);
  });

  it('keeps the latest tasks of a long ledger and says how many it left out', async () => {
    const { entries } = failedCanary({ rolledBack: true });
    const many = [...entries];
    for (let i = 0; i < 200; i++)
      many.push({
        ...entries[0]!,
        time: new Date(Date.parse('2024-01-16T00:00:00Z') + i * 60_000).toISOString(),
        kind: 'resume',
        phase: 'canary',
      });
    const md = timelineSection(timelineOf(many), { title: 'long', maxChars: 6_000 });
    expect(md.length).toBeLessThanOrEqual(6_000);
    expect(md).toMatch(/_\d+ earlier events are not drawn/);
    await expectMermaidRenders(mermaid, md);
  });

  it('survives names that would end a task or a string', async () => {
    const spans = timelineOf([
      {
        time: '2024-01-15T10:00:00Z',
        actor: 'a',
        rollout: 'r',
        kind: 'step-start',
        phase: 'title',
        step: 'a: b; c # d `e` "f"',
        result: { stepKind: 'apply' },
      },
      {
        time: '2024-01-15T10:01:00Z',
        actor: 'a',
        rollout: 'r',
        kind: 'step-failed',
        phase: 'title',
        step: 'a: b; c # d `e` "f"',
        error: 'x',
      },
    ]);
    expect(spans.length).toBe(2);
    const md = timelineSection(
      timelineOf([
        {
          time: '2024-01-15T10:00:00Z',
          actor: 'a',
          rollout: 'r',
          kind: 'step-start',
          phase: 'section',
          step: 'click: x; y # z `q` "w"',
          result: { stepKind: 'apply' },
        },
        {
          time: '2024-01-15T10:01:00Z',
          actor: 'a',
          rollout: 'r',
          kind: 'step-failed',
          phase: 'section',
          step: 'click: x; y # z `q` "w"',
          error: 'x',
        },
      ]),
      { title: 'r: "quoted" `title`', maxChars: 5000 },
    );
    await expectMermaidRenders(mermaid, md);
  });
});

describe('the phase flow', () => {
  it('marks the applied phases and the target, forward and backward', async () => {
    const { manifest } = failedCanary();
    for (const [applied, desired] of [
      ['none', 'canary'],
      ['canary', 'limited'],
      ['limited', 'none'],
      ['full', 'canary'],
      [null, 'full'],
    ] as const) {
      const src = phaseFlow(manifest, applied, desired);
      const r = await mermaid.check(src);
      expect(r, `${applied} -> ${desired}: ${r.error}`).toMatchObject({ ok: true, type: 'flowchart-v2' });
    }
    expect(phaseFlow(manifest, 'canary', 'limited')).toMatch(/class p0 applied\n {2}class p1 desired/);
    expect(phaseFlow(manifest, 'limited', 'none')).toMatch(/class p0,p1 leaving\n {2}class none desired/);
  });
});
