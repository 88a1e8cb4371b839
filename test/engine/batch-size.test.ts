// The adaptive `{{ page.size }}` (paginate.batchTime): pure, given batch durations, the sizes it picks.
import { describe, expect, it } from 'vitest';
import { BatchSizer, firstSize, RATE_WEIGHT } from '../../src/engine/batch-size.js';

const spec = { targetMs: 500, minSize: 1, maxSize: 100 };

/** Runs `batches` batches against a target that takes `msPerItem` per item; the sizes sent, in order. */
function sizesAgainst(sizer: BatchSizer, msPerItem: number, batches: number): number[] {
  const sent: number[] = [];
  for (let i = 0; i < batches; i++) {
    const size = sizer.size;
    sent.push(size);
    sizer.update(size, size * msPerItem);
  }
  return sent;
}

describe('BatchSizer', () => {
  it('starts at startSize (default minSize) and moves to rate x target in one batch at a steady rate', () => {
    expect(firstSize(spec)).toBe(1);
    expect(firstSize({ ...spec, startSize: 10 })).toBe(10);
    // 20 ms an item: 50 items/s, so 25 items make 500 ms.
    expect(sizesAgainst(new BatchSizer({ ...spec, startSize: 4 }), 20, 4)).toEqual([4, 25, 25, 25]);
  });

  it('weighs earlier batches by 0.75 (percona-toolkit WeightedAvgRate): n and t decay, the rate is their ratio', () => {
    const sizer = new BatchSizer({ ...spec, startSize: 10 });
    expect(sizer.update(10, 100)).toBe(50); // 100 items/s x 0.5 s
    // avgN = 10 x 0.75 + 50 = 57.5, avgT = 100 x 0.75 + 1000 = 1075 -> 53.5 items/s -> 26.7 -> 26
    expect(RATE_WEIGHT).toBe(0.75);
    expect(sizer.update(50, 1000)).toBe(26);
    expect(sizer.size).toBe(26);
  });

  it('follows a target that slows down within a few batches, and speeds up again as the slow ones decay', () => {
    const sizer = new BatchSizer({ ...spec, startSize: 25 });
    expect(sizesAgainst(sizer, 20, 3)).toEqual([25, 25, 25]);
    // 5x slower: 5 items make 500 ms. One slow batch does not cut the size to 5: the earlier ones still weigh.
    expect(sizesAgainst(sizer, 100, 6)).toEqual([25, 10, 8, 7, 7, 6]);
    // Fast again: small batches add little to the averages, so the size climbs back over about ten batches.
    expect(sizesAgainst(sizer, 20, 12)).toEqual([6, 7, 8, 10, 12, 14, 17, 19, 20, 22, 22, 23]);
  });

  it('clamps to [minSize, maxSize]', () => {
    const sizer = new BatchSizer({ targetMs: 500, minSize: 5, maxSize: 40, startSize: 5 });
    expect(sizer.update(5, 1)).toBe(40); // 5000 items/s would be 2500
    const slow = new BatchSizer({ targetMs: 500, minSize: 5, maxSize: 40, startSize: 5 });
    expect(slow.update(5, 60_000)).toBe(5);
  });

  it('resumes with the checkpointed size (clamped), the averages afresh', () => {
    expect(new BatchSizer(spec, 37).size).toBe(37);
    expect(new BatchSizer(spec, 500).size).toBe(100);
    const resumed = new BatchSizer(spec, 37);
    expect(resumed.update(37, 370)).toBe(50);
  });

  it('counts a batch that reports no items as the size it was sent; a 0 ms batch as 1 ms', () => {
    const sizer = new BatchSizer({ ...spec, startSize: 10 });
    expect(sizer.update(0, 100)).toBe(50);
    expect(new BatchSizer({ ...spec, startSize: 10 }).update(10, 0)).toBe(100);
  });
});
