import { describe, expect, it } from 'vitest';
import { tryParseJson } from '../../src/sys/json.js';

describe('tryParseJson', () => {
  it('is the JSON value of the text, surrounding whitespace allowed', () => {
    expect(tryParseJson(' {"a": [1, 2]}\n')).toEqual({ a: [1, 2] });
    expect(tryParseJson('0')).toBe(0);
  });

  it('keeps "no JSON" (undefined) apart from the JSON value null', () => {
    expect(tryParseJson('null')).toBeNull();
    expect(tryParseJson('')).toBeUndefined();
    expect(tryParseJson('  \n')).toBeUndefined();
    expect(tryParseJson('hello')).toBeUndefined();
    expect(tryParseJson('{"a": 1')).toBeUndefined();
  });
});
