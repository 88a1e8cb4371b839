// A CheckEnv for tests, and checks parsed by the real manifest schema (so defaults are the manifest's).
import { check as checkSchema, type Check } from '../../src/manifest/schema.js';
import type { CheckEnv, DrillRecord } from '../../src/checks/types.js';

export const NOW = new Date('2025-06-01T12:00:00.000Z');

export function testEnv(overrides: Partial<CheckEnv> & { drillRecords?: DrillRecord[] } = {}): CheckEnv {
  const { drillRecords, ...rest } = overrides;
  return {
    vars: {
      rollout: { name: 'byok' },
      phase: { name: 'canary' },
      vars: { region: 'eu' },
      env: {},
      cohort: { ids: ['org_1'] },
    },
    env: {},
    drills: async () => drillRecords ?? [],
    now: () => NOW,
    signal: new AbortController().signal,
    cwd: process.cwd(),
    ...rest,
  };
}

export function parseCheck(input: unknown): Check {
  return checkSchema.parse(input);
}
