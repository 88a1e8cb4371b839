import { describe, expect, it } from 'vitest';
import { evaluateConditions, identifiersIn, needsBaseline } from '../../src/checks/conditions.js';

const at = (value: number | null, result: unknown = {}, baseline: number | null = null) => ({
  value,
  result,
  baseline,
});

describe('pass: and fail: conditions, combined as Argo Rollouts combines them', () => {
  it('decides nothing when the check has neither condition', () => {
    expect(evaluateConditions({}, at(1))).toBeNull();
  });

  it('with only pass:, passes when it is true and fails when it is false', () => {
    expect(evaluateConditions({ pass: 'value == 200' }, at(200))).toEqual({ outcome: 'pass' });
    const d = evaluateConditions({ pass: 'value == 200' }, at(503));
    expect(d?.outcome).toBe('fail');
    expect(d?.reason).toContain('value == 200');
    expect(d?.reason).toContain('503');
  });

  it('with only fail:, fails when it is true and passes when it is false', () => {
    expect(evaluateConditions({ fail: 'value > 0.05' }, at(0.07))?.outcome).toBe('fail');
    expect(evaluateConditions({ fail: 'value > 0.05' }, at(0.01))).toEqual({ outcome: 'pass' });
  });

  it('with both, is inconclusive when neither is true', () => {
    const d = evaluateConditions({ pass: 'value < 0.01', fail: 'value > 0.05' }, at(0.03));
    expect(d?.outcome).toBe('inconclusive');
    expect(d?.reason).toContain('neither');
  });

  it('with both true, fail wins', () => {
    expect(evaluateConditions({ pass: 'value > 0.0', fail: 'value > 0.05' }, at(0.07))?.outcome).toBe('fail');
  });

  it('compares with the baseline: value > 2.0 * baseline', () => {
    const check = { fail: 'value > 2.0 * baseline' };
    expect(evaluateConditions(check, at(0.5, {}, 0.2))?.outcome).toBe('fail');
    expect(evaluateConditions(check, at(0.3, {}, 0.2))?.outcome).toBe('pass');
    expect(evaluateConditions(check, at(3, {}, 2))?.outcome).toBe('pass'); // whole numbers too
    expect(evaluateConditions(check, at(5, {}, 2))?.outcome).toBe('fail');
  });

  it('is inconclusive, saying why, when the condition needs a baseline and none was measured', () => {
    const d = evaluateConditions({ fail: 'value > 2.0 * baseline' }, at(0.5, {}, null));
    expect(d?.outcome).toBe('inconclusive');
    expect(d?.reason).toContain('no baseline');
  });

  it('is inconclusive, not failed, when there is no value and the condition reads it', () => {
    const onlyPass = evaluateConditions({ pass: 'value == 0.0' }, at(null), 'the query returned no samples');
    expect(onlyPass?.outcome).toBe('inconclusive');
    expect(onlyPass?.reason).toContain('the query returned no samples');
    expect(evaluateConditions({ fail: 'value > 0.05' }, at(null))?.outcome).toBe('inconclusive');
  });

  it('still decides a condition over result alone when there is no value', () => {
    expect(evaluateConditions({ pass: 'result.ok' }, at(null, { ok: true }))).toEqual({ outcome: 'pass' });
  });

  it('is inconclusive with the reason on a runtime error such as a missing key', () => {
    const d = evaluateConditions({ pass: "result.json.connection_status == 'online'" }, at(200, { json: {} }));
    expect(d?.outcome).toBe('inconclusive');
    expect(d?.reason).toMatch(/could not be evaluated: .*connection_status/);
  });

  it('is inconclusive when a condition gives something other than true or false', () => {
    expect(evaluateConditions({ pass: 'value' }, at(1))?.outcome).toBe('inconclusive');
  });

  it('is inconclusive, not a crash, when a condition does not even parse', () => {
    const d = evaluateConditions({ fail: 'value >' }, at(1));
    expect(d?.outcome).toBe('inconclusive');
    expect(needsBaseline({ fail: 'value >' })).toBe(false);
  });

  it('still fails on a true fail: even when the pass: condition would error', () => {
    expect(evaluateConditions({ pass: 'result.missing == 1', fail: 'value > 1.0' }, at(2, {}))?.outcome).toBe('fail');
  });
});

describe('which variables a condition reads', () => {
  it('sees value and baseline as variables, not as field names', () => {
    expect([...identifiersIn('value > 2.0 * baseline')].sort()).toEqual(['baseline', 'value']);
    expect([...identifiersIn('result.json.value == 1 && result.baseline == 2')]).toEqual(['result']);
  });

  it('says a check needs a baseline only when a condition reads it', () => {
    expect(needsBaseline({ fail: 'value > 2.0 * baseline' })).toBe(true);
    expect(needsBaseline({ pass: 'value < 1.0' })).toBe(false);
    expect(needsBaseline({})).toBe(false);
  });
});

describe('a failed condition says what it saw', () => {
  it('names each operand the condition reads with its value, not only the sample value', () => {
    const pass = "result.status == 200 && result.json.connection_status == 'online'";
    const d = evaluateConditions({ pass }, at(200, { status: 200, json: { connection_status: 'offline' } }));
    expect(d).toEqual({
      outcome: 'fail',
      reason: `pass: \`${pass}\` is false: result.status = 200, result.json.connection_status = "offline"`,
    });
  });

  it('names a quoted key as it is written, and shows value and baseline of a comparison', () => {
    expect(evaluateConditions({ pass: "result.json['a-b'] == 1" }, at(null, { json: { 'a-b': 2 } }))?.reason).toBe(
      'pass: `result.json[\'a-b\'] == 1` is false: result.json["a-b"] = 2',
    );
    expect(evaluateConditions({ fail: 'value > 2.0 * baseline' }, at(0.5, {}, 0.2))?.reason).toBe(
      'fail: `value > 2.0 * baseline` is true: value = 0.5, baseline = 0.2',
    );
  });
});
