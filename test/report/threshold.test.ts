import { describe, expect, it } from 'vitest';
import { thresholdOf, thresholdValue } from '../../src/report/threshold.js';

describe('the threshold line read from a check condition', () => {
  it.each([
    [{ fail: 'value > 0.05' }, { factor: 0, offset: 0.05, failsWhen: 'above', onLineFails: false }],
    [{ fail: 'value >= 5' }, { factor: 0, offset: 5, failsWhen: 'above', onLineFails: true }],
    [{ fail: '0.05 < value' }, { factor: 0, offset: 0.05, failsWhen: 'above', onLineFails: false }],
    [{ fail: 'value < -1' }, { factor: 0, offset: -1, failsWhen: 'below', onLineFails: false }],
    [{ fail: 'value > 2.0 * baseline' }, { factor: 2, offset: 0, failsWhen: 'above' }],
    [{ fail: 'baseline * 2 < value' }, { factor: 2, offset: 0, failsWhen: 'above' }],
    [{ fail: 'value > baseline' }, { factor: 1, offset: 0 }],
    [{ fail: 'value > 1.5 * baseline + 0.1' }, { factor: 1.5, offset: 0.1 }],
    [{ fail: 'value > baseline / 2 - 1' }, { factor: 0.5, offset: -1 }],
    // pass below the line = fail at or above it
    [{ pass: 'value < 0.99' }, { factor: 0, offset: 0.99, failsWhen: 'above', onLineFails: true }],
    [{ pass: 'value >= 200' }, { factor: 0, offset: 200, failsWhen: 'below', onLineFails: false }],
  ])('%j', (check, expected) => {
    expect(thresholdOf(check)).toMatchObject(expected);
  });

  it.each([
    { pass: "result.status == 200 && result.json.connection_status == 'online'" },
    { fail: 'value > 0.05 && baseline > 0' },
    { fail: 'value == 0' },
    { fail: 'value > baseline * baseline' },
    { fail: 'value > result.limit' },
    { pass: 'result.json.count == 0' },
    { fail: 'value > (' },
    {},
  ])('has no line for %j', (check) => {
    expect(thresholdOf(check)).toBeNull();
  });

  it('prefers the fail condition, which wins when both are given', () => {
    expect(thresholdOf({ pass: 'value < 1', fail: 'value > 3' })?.offset).toBe(3);
    expect(thresholdOf({ pass: 'value < 1', fail: 'result.x == 1' })?.offset).toBe(1);
  });

  it("places a judge check's line at its marginal score", () => {
    const judge = { prometheus: {}, range: '30m', step: '15s', metrics: [], thresholds: { pass: 90, marginal: 75 } };
    expect(thresholdOf({ judge } as never)).toMatchObject({ offset: 75, failsWhen: 'below' });
  });

  it('needs the baseline only for a line that uses it', () => {
    const t = thresholdOf({ fail: 'value > 2.0 * baseline' })!;
    expect(thresholdValue(t, 0.21)).toBeCloseTo(0.42);
    expect(thresholdValue(t, null)).toBeNull();
    expect(thresholdValue(thresholdOf({ fail: 'value > 1' })!, null)).toBe(1);
  });
});
