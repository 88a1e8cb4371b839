import { describe, expect, it } from 'vitest';
import { sampleCheck } from '../../src/checks/sample.js';
import type { DrillRecord } from '../../src/checks/types.js';
import { NOW, parseCheck, testEnv } from './env.js';

const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const drillCheck = (maxRto = '5m', maxAge = '30d') => parseCheck({ drill: { maxRto, maxAge }, severity: 'high' });
const sampleWith = (records: DrillRecord[], check = drillCheck()) =>
  sampleCheck('rto', check, testEnv({ drillRecords: records }));

describe('drill check kind over the ledger drill records', () => {
  it('passes when the most recent drill within maxAge succeeded within maxRto; value is its RTO in seconds', async () => {
    const s = await sampleWith([{ time: daysAgo(2), rtoMs: 90_000, ok: true, drillable: 2 }]);
    expect(s).toMatchObject({ outcome: 'pass', value: 90 });
  });

  it('fails with a clear reason when there is no drill', async () => {
    const s = await sampleWith([]);
    expect(s).toMatchObject({ outcome: 'fail', value: null });
    expect(s.reason).toBe('no rollback drill that ran steps recorded in the last 30d; run `rollouts drill`');
  });

  it('ignores drills older than maxAge', async () => {
    const s = await sampleWith([{ time: daysAgo(8), rtoMs: 60_000, ok: true, drillable: 2 }], drillCheck('5m', '7d'));
    expect(s.outcome).toBe('fail');
    expect(s.reason).toContain('last 7d');
  });

  it('fails when the most recent drill took longer than maxRto', async () => {
    const s = await sampleWith([{ time: daysAgo(1), rtoMs: 420_000, ok: true, drillable: 2 }]);
    expect(s).toMatchObject({ outcome: 'fail', value: 420 });
    expect(s.reason).toContain('more than maxRto 5m');
  });

  it('fails when the most recent drill failed, even if an older one succeeded', async () => {
    const s = await sampleWith([
      { time: daysAgo(1), rtoMs: 30_000, ok: false, drillable: 2 },
      { time: daysAgo(3), rtoMs: 30_000, ok: true, drillable: 2 },
    ]);
    expect(s.outcome).toBe('fail');
    expect(s.reason).toContain('failed');
  });

  it('judges by the most recent drill, in whatever order the ledger gives them', async () => {
    const s = await sampleWith([
      { time: daysAgo(5), rtoMs: 600_000, ok: true, drillable: 2 },
      { time: daysAgo(1), rtoMs: 120_000, ok: true, drillable: 2 },
      { time: daysAgo(3), rtoMs: 700_000, ok: true, drillable: 2 },
    ]);
    expect(s).toMatchObject({ outcome: 'pass', value: 120 });
  });

  it('is an error when the drill records cannot be read', async () => {
    const env = testEnv({ drills: () => Promise.reject(new Error('state branch unreadable')) });
    const s = await sampleCheck('rto', drillCheck(), env);
    expect(s).toMatchObject({ outcome: 'error', error: 'state branch unreadable' });
  });

  it('counts only drills that ran steps: a later drill that skipped every step neither passes nor hides an older one', async () => {
    const none = await sampleWith([{ time: daysAgo(1), rtoMs: 0, ok: false, drillable: 0 }]);
    expect(none).toMatchObject({ outcome: 'fail' });
    expect(none.reason).toContain('no rollback drill that ran steps');
    const older = await sampleWith([
      { time: daysAgo(1), rtoMs: 0, ok: true, drillable: 0 },
      { time: daysAgo(3), rtoMs: 30_000, ok: true, drillable: 1 },
    ]);
    expect(older).toMatchObject({ outcome: 'pass', value: 30 });
  });
});
