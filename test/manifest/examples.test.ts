import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, loadRollouts } from '../../src/manifest/index.js';

describe('the manifests in rollouts/', () => {
  it('all validate clean', async () => {
    const results = await loadRollouts(join(import.meta.dirname, '..', '..', 'rollouts'));
    expect(results.length).toBeGreaterThanOrEqual(5);
    expect(results.flatMap((r) => r.issues).map(formatIssue)).toEqual([]);
    for (const r of results) expect(r.manifest, r.file).not.toBeNull();
  });
});
