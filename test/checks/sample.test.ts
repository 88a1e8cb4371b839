import { describe, expect, it } from 'vitest';
import { CHECK_KIND_IMPLS } from '../../src/checks/registry.js';
import { compactDetail, measureBaseline, sampleCheck } from '../../src/checks/sample.js';
import { CHECK_KINDS } from '../../src/manifest/schema.js';
import { parseCheck, testEnv } from './env.js';

describe('sampleCheck', () => {
  it('records check name, start time, severity and duration', async () => {
    const s = await sampleCheck('rto', parseCheck({ drill: { maxRto: '5m' }, severity: 'medium' }), testEnv());
    expect(s).toMatchObject({ check: 'rto', at: '2025-06-01T12:00:00.000Z', severity: 'medium' });
    expect(s.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('returns at the check timeout even when the measurement never settles', async () => {
    const env = testEnv({ drills: () => new Promise(() => undefined) });
    const s = await sampleCheck('rto', parseCheck({ drill: { maxRto: '5m' }, timeout: '100ms' }), env);
    expect(s).toMatchObject({ outcome: 'error', value: null, error: 'timed out after 100ms' });
  });

  it('is an error at once when the engine signal is already aborted', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('shutting down'));
    const s = await sampleCheck('rto', parseCheck({ drill: { maxRto: '5m' } }), testEnv({ signal: ctl.signal }));
    expect(s).toMatchObject({ outcome: 'error', error: 'aborted: shutting down' });
  });

  it('is an error when a template in the check names nothing', async () => {
    const s = await sampleCheck('x', parseCheck({ exec: { run: ['{{ vars.nope }}'] } }), testEnv());
    expect(s.outcome).toBe('error');
    expect(s.error).toContain('{{ vars.nope }} names nothing');
  });
});

describe('measureBaseline', () => {
  it('is null when the check cannot be measured', async () => {
    const env = testEnv({ drills: () => Promise.reject(new Error('no ledger')) });
    expect(await measureBaseline(parseCheck({ drill: { maxRto: '5m' } }), env)).toBeNull();
  });

  it('is the measured value', async () => {
    const env = testEnv({
      drillRecords: [{ time: '2025-06-01T11:00:00.000Z', rtoMs: 42_000, ok: true, drillable: 1 }],
    });
    expect(await measureBaseline(parseCheck({ drill: { maxRto: '5m' } }), env)).toBe(42);
  });
});

describe('the ledger copy of a result', () => {
  it('shortens long strings and lists, and writes infinities as text', () => {
    const out = compactDetail({
      body: 'x'.repeat(5000),
      list: Array.from({ length: 250 }, (_, i) => i),
      v: Infinity,
    }) as {
      body: string;
      list: unknown[];
      v: unknown;
    };
    expect(out.body).toHaveLength(4096 + '… (904 more chars)'.length);
    expect(out.list).toHaveLength(201);
    expect(out.list.at(-1)).toBe('… (50 more)');
    expect(out.v).toBe('Infinity');
  });
});

describe('the kind registry', () => {
  it('has an implementation for every check kind of the manifest', () => {
    for (const kind of CHECK_KINDS) expect(CHECK_KIND_IMPLS[kind].kind).toBe(kind);
  });
});
