import { describe, expect, it } from 'vitest';
import { Masker } from '../../src/sys/mask.js';

const KEY = 'k"e\\y&a=b?#%2F/+ x';

describe('Masker', () => {
  it('finds a secret with " and \\ in a value before it is serialised, and in JSON text serialised elsewhere', () => {
    const m = new Masker();
    m.add(KEY);
    const value = { result: { echo: KEY, list: [`before ${KEY} after`], [KEY]: 1 } };
    expect(JSON.stringify(m.maskValue(value))).toBe('{"result":{"echo":"***","list":["before *** after"],"***":1}}');
    expect(m.mask(JSON.stringify(value))).not.toContain('e\\\\y');
    expect(m.mask(JSON.stringify(JSON.stringify(value)))).not.toContain('e\\\\\\\\y');
  });

  it('finds its percent-encoded, form-encoded and HTML-escaped forms', () => {
    const m = new Masker();
    m.add(KEY);
    const forms = [encodeURIComponent(KEY), new URLSearchParams({ q: KEY }).toString().slice(2), encodeURI(KEY)];
    for (const f of forms) expect(m.mask(`url?x=${f}&y`)).toBe('url?x=***&y');
    expect(m.mask(KEY.replace(/&/g, '&amp;').replace(/"/g, '&quot;'))).toBe('***');
  });

  it('takes a secret holding a lone surrogate, and finds it as it is, in JSON and percent-encoded through UTF-8', () => {
    const m = new Masker();
    const odd = 'tok\uD800en-42';
    m.add(odd);
    expect(m.mask(`a ${odd} b`)).toBe('a *** b');
    expect(m.mask(JSON.stringify({ v: odd }))).toBe('{"v":"***"}');
    expect(m.mask(`url?q=${new URLSearchParams({ q: odd }).toString().slice(2)}`)).toBe('url?q=***');
  });

  it('returns the value itself when there is nothing to mask, and ignores values too short to be secrets', () => {
    const m = new Masker();
    m.add('abc');
    m.add('s3cret-value');
    const value = { a: ['abc', 1, null, { b: true }] };
    expect(m.maskValue(value)).toBe(value);
  });

  it('tells a listener every secret, those added before it listened included', () => {
    const m = new Masker();
    m.add('first-secret');
    const heard: string[] = [];
    m.onAdd((v) => heard.push(v));
    m.add('second-secret');
    m.add('second-secret');
    expect(heard).toEqual(['first-secret', 'second-secret']);
  });
  it('serialises a value masked exactly as maskValue masks it, with or without a secret in it', () => {
    const secrets = [KEY, 'tab\there\nline\u0001', 'caf\u00e9-\u{1F600}-key', 'a\\"b\\\\c'];
    for (const secret of secrets) {
      const m = new Masker();
      m.add(secret);
      m.add('other-secret');
      const values: unknown[] = [
        { plain: 'nothing here', n: 1, list: [true, null, 'x'] },
        { result: { echo: secret, list: [`before ${secret} after`], [secret]: 1 } },
        [{ nested: { deep: [`${JSON.stringify(secret)}`] } }],
        { encoded: encodeURIComponent(secret), json: JSON.stringify({ v: secret }) },
        { pair: `\uD83D${secret}\uDE00` },
      ];
      for (const value of values) {
        expect(m.maskedJson(value)).toBe(JSON.stringify(m.maskValue(value)));
        const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
        expect(m.maskedJson(value, pretty)).toBe(pretty(m.maskValue(value)));
      }
      expect(m.maskedJson(values[1])).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
  });
});
