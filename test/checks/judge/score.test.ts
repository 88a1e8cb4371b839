// The score and verdict of a judgement over classified metrics (Kayenta's scorer): the share of counted metrics that
// pass against the thresholds, critical metrics, NoData.
import { describe, expect, it } from 'vitest';
import type { MetricClass, MetricResult } from '../../../src/checks/judge/classify.js';
import { scoreJudgement } from '../../../src/checks/judge/score.js';

function metric(classification: MetricClass, name: string, critical = false): MetricResult {
  return {
    name,
    classification,
    critical,
    pValue: null,
    u: null,
    hlShift: null,
    hlInterval: null,
    meanRatio: null,
    controlCount: 0,
    canaryCount: 0,
    reason: '',
  };
}
const thresholds = { pass: 90, marginal: 75 };

describe('scoreJudgement', () => {
  it('scores 100 and passes when every metric passes', () => {
    expect(scoreJudgement([metric('Pass', 'a'), metric('Pass', 'b')], thresholds)).toMatchObject({
      score: 100,
      verdict: 'pass',
      counted: 2,
      passed: 2,
    });
  });

  it('is marginal at 3 of 4 (75) and fails at 2 of 4 (50)', () => {
    expect(
      scoreJudgement([metric('Pass', 'a'), metric('Pass', 'b'), metric('Pass', 'c'), metric('High', 'd')], thresholds),
    ).toMatchObject({
      score: 75,
      verdict: 'marginal',
    });
    expect(
      scoreJudgement([metric('Pass', 'a'), metric('Low', 'b'), metric('Pass', 'c'), metric('High', 'd')], thresholds),
    ).toMatchObject({
      score: 50,
      verdict: 'fail',
    });
  });

  it('does not count NoData metrics', () => {
    expect(scoreJudgement([metric('Pass', 'a'), metric('NoData', 'b'), metric('Pass', 'c')], thresholds)).toMatchObject(
      {
        score: 100,
        verdict: 'pass',
        counted: 2,
      },
    );
  });

  it('is inconclusive with no score when no metric has data', () => {
    expect(scoreJudgement([metric('NoData', 'a'), metric('NoData', 'b')], thresholds)).toMatchObject({
      score: null,
      verdict: 'inconclusive',
      counted: 0,
    });
    expect(scoreJudgement([], thresholds).verdict).toBe('inconclusive');
  });

  it('scores 0 and fails when a critical metric is High or Low, even with every threshold at 0', () => {
    const metrics = [metric('Pass', 'a'), metric('Pass', 'b'), metric('Pass', 'c'), metric('Low', 'latency', true)];
    expect(scoreJudgement(metrics, thresholds)).toMatchObject({
      score: 0,
      verdict: 'fail',
      criticalFailures: ['latency'],
    });
    expect(scoreJudgement(metrics, { pass: 0, marginal: 0 }).verdict).toBe('fail');
  });

  it('a critical metric without data makes a passing verdict inconclusive, but does not rescue a failing one', () => {
    const passing = scoreJudgement([metric('Pass', 'a'), metric('NoData', 'latency', true)], thresholds);
    expect(passing).toMatchObject({ score: 100, verdict: 'inconclusive' });
    expect(passing.reason).toMatch(/critical metric latency has no data/);
    expect(scoreJudgement([metric('High', 'a'), metric('NoData', 'latency', true)], thresholds).verdict).toBe('fail');
  });

  it('names unnamed critical metrics by their position', () => {
    const unnamed: MetricResult = { ...metric('High', 'x', true) };
    delete unnamed.name;
    expect(scoreJudgement([metric('Pass', 'a'), unnamed], thresholds).criticalFailures).toEqual(['#1']);
  });

  it.each([
    { pass: 101, marginal: 75 },
    { pass: 90, marginal: -1 },
    { pass: Number.NaN, marginal: 75 },
  ])('rejects thresholds %j', (t) => {
    expect(() => scoreJudgement([metric('Pass', 'a')], t)).toThrow(
      /judge threshold (pass|marginal) must be a number in \[0, 100\]/,
    );
  });
});
