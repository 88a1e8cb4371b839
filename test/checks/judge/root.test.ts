import { describe, expect, it } from 'vitest';
import { brentRoot } from '../../../src/checks/judge/root.js';

describe('brentRoot', () => {
  it('finds the root of a smooth function to the tolerance', () => {
    const f = (x: number): number => x * x * x - 2 * x - 5; // Newton's classic, root 2.0945514815423265
    expect(brentRoot(f, 2, 3, f(2), f(3), 1e-12)).toBeCloseTo(2.0945514815423265, 11);
  });

  it('returns an endpoint whose value is exactly 0 without iterating', () => {
    let calls = 0;
    const f = (x: number): number => {
      calls++;
      return x - 1;
    };
    expect(brentRoot(f, 1, 4, 0, 3, 1e-4)).toBe(1);
    expect(calls).toBe(0);
  });

  it('lands within the tolerance of the jump of a step function', () => {
    const step = (x: number): number => (x < 0.3 ? 1 : -1);
    const root = brentRoot(step, 0, 1, 1, -1, 1e-4);
    expect(Math.abs(root - 0.3)).toBeLessThanOrEqual(1e-4);
  });

  it('refuses a function that returns NaN', () => {
    expect(() => brentRoot(() => Number.NaN, 0, 1, 1, -1, 1e-4)).toThrow(/returned NaN/);
  });
});
