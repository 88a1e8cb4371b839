// The benches' interval for a median: the order statistics of the sign test, as published tables give them.
import { describe, expect, it } from 'vitest';
import { medianInterval } from '../../bench/lib/stats.js';

const ranks = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('medianInterval', () => {
  it('takes the order statistics whose coverage is at least 95 % (x(2)..x(8) of 9, x(4)..x(12) of 15)', () => {
    expect(medianInterval(ranks(6))).toEqual({ low: 1, high: 6 });
    expect(medianInterval(ranks(9))).toEqual({ low: 2, high: 8 });
    expect(medianInterval(ranks(15))).toEqual({ low: 4, high: 12 });
    expect(medianInterval(ranks(21))).toEqual({ low: 6, high: 16 });
  });

  it('sorts the values first, and says nothing with fewer than 6', () => {
    expect(medianInterval([9, 1, 8, 2, 7, 3, 6, 4, 5])).toEqual({ low: 2, high: 8 });
    expect(medianInterval(ranks(5))).toBeNull();
  });
});
