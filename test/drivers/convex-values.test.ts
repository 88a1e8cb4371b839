// Convex's value rules: which argument keys are left out, and results in Convex's JSON encoding decoded, checked
// against the convex package's own encoder (convexToJson from convex/values, 1.48).
import { convexToJson } from 'convex/values';
import { describe, expect, it } from 'vitest';
import { convexArgs, decodeConvexJson, encodeConvexInt64, mayHoldEncoded } from '../../src/drivers/convex-values.js';
import { convexArgv } from '../../src/drivers/index.js';

describe('convex arguments', () => {
  it('leaves out a key whose one template rendered to null, at any depth of objects', () => {
    const written = { cursor: '{{ page.cursor }}', numItems: '{{ vars.n }}', nested: { after: '{{ page.cursor }}' } };
    const rendered = { cursor: null, numItems: 25, nested: { after: null } };
    expect(convexArgs(rendered, written)).toEqual({ numItems: 25, nested: {} });
  });

  it('keeps a literal null, a null inside a list, a template inside a longer string, and a rendered value', () => {
    const written = {
      note: null,
      ids: ['{{ page.cursor }}'],
      label: 'at {{ page.cursor }}',
      cursor: '{{ page.cursor }}',
    };
    const rendered = { note: null, ids: [null], label: 'at ', cursor: 'c1' };
    expect(convexArgs(rendered, written)).toEqual(rendered);
  });

  it('builds the CLI argv from the arguments without the null template key', () => {
    const argv = convexArgv(
      { function: 'm:f', args: { cursor: null, numItems: 2 } },
      { args: { cursor: '{{ page.cursor }}' } },
    );
    expect(argv).toEqual(['npx', 'convex', 'run', 'm:f', '{"numItems":2}']);
  });
});

describe('convex results', () => {
  it('decodes what convexToJson writes: int64, special floats, bytes, nested in objects and lists', () => {
    const encoded = convexToJson({
      count: 25n,
      negative: -3n,
      huge: 9007199254740993n,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      data: new Uint8Array([0, 1, 255]).buffer,
      list: [{ n: 7n }, 1.5, 'text', null],
    });
    expect(JSON.stringify(encoded)).toContain('$integer');
    expect(decodeConvexJson(encoded)).toEqual({
      count: 25,
      negative: -3,
      huge: '9007199254740993',
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      data: 'AAH/',
      list: [{ n: 7 }, 1.5, 'text', null],
    });
  });

  it('tells a reply text that can hold no encoded value, which then decodes to itself', () => {
    const plain = { processed: 1, nextCursor: 'org_9', results: [{ organizationId: 'org_9', price: 1.5 }] };
    expect(mayHoldEncoded(JSON.stringify(plain))).toBe(false);
    expect(decodeConvexJson(plain)).toEqual(plain);
    for (const value of [{ count: 25n }, { list: [{ n: -1n }] }, { nan: Number.NaN }, new Uint8Array([1]).buffer])
      expect(mayHoldEncoded(JSON.stringify(convexToJson(value)))).toBe(true);
    // An escaped `$` is still a `$` once parsed.
    expect(mayHoldEncoded('{"\\u0024integer":"GQAAAAAAAAA="}')).toBe(true);
    expect(decodeConvexJson(JSON.parse('{"\\u0024integer":"GQAAAAAAAAA="}'))).toBe(25);
  });

  it('encodes an int64 as convexToJson does', () => {
    for (const n of [0n, 25n, -1n, 9223372036854775807n, -9223372036854775808n])
      expect(encodeConvexInt64(n)).toEqual(convexToJson(n));
  });

  it('leaves alone objects that only look like an encoding: more keys, a bad length, an unknown $ key', () => {
    const values = [{ $integer: 'GQAAAAAAAAA=', other: 1 }, { $integer: 'AAE=' }, { $set: [] }, { $bytes: 5 }];
    expect(decodeConvexJson(values)).toEqual(values);
  });
});
