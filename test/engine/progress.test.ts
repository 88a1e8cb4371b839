// Progress lines: a terminal's live line and plain lines are written at a bounded rate, whatever the batch rate.
import { describe, expect, it } from 'vitest';
import { LIVE_EVERY_MS, PLAIN_EVERY_MS, streamReporter } from '../../src/engine/progress.js';

function record(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, reporter: streamReporter((t) => writes.push(t), isTTY) };
}

describe('streamReporter', () => {
  it('redraws a terminal line for the first batch, then at most every LIVE_EVERY_MS of elapsed time', () => {
    const { writes, reporter } = record(true);
    for (let b = 1; b <= 1000; b++) reporter.batch('  full/backfill', b, b, b * 0.5); // 2,000 batches a second
    // 500 ms of batches from 0.5 ms: the first one, then one line per LIVE_EVERY_MS (100.5, 200.5, 300.5, 400.5).
    expect(writes).toHaveLength(1 + Math.floor((500 - 0.5) / LIVE_EVERY_MS));
    expect(writes[0]).toBe('\r\x1b[2K  full/backfill: batch 1, 1 items, 1000 items/s'); // rates count from 1 ms
    expect(writes.at(-1)!.startsWith('\r\x1b[2K  full/backfill: batch 801, 801 items, ')).toBe(true);
    reporter.done('  full/backfill', 1000, 1000, 500);
    expect(writes.slice(-2)).toEqual(['\r\x1b[2K', '  full/backfill: done, 1000 batches, 1000 items in 0.5s\n']);
  });

  it('writes plain lines for the first batch and then every PLAIN_EVERY_MS, and starts over with the next step', () => {
    const { writes, reporter } = record(false);
    for (let b = 1; b <= 5000; b++) reporter.batch('  full/backfill', b, b, b); // 5 s of batches
    expect(writes).toHaveLength(1 + Math.floor((5000 - 1) / PLAIN_EVERY_MS)); // at 1, 2001 and 4001 ms
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    reporter.done('  full/backfill', 5000, 5000, 5000);
    reporter.batch('  full/verify', 1, 0, 1);
    expect(writes.at(-1)).toBe('  full/verify: batch 1, 0 items, 1000 batches/s\n');
  });
});
