// Manifests against the example target, shaped like examples/demo/byok-demo.yaml (seed 000), with the knobs tests turn.
export interface ByokOptions {
  name?: string;
  phase?: string;
  canaryIds?: string[];
  /** Inline YAML of the canary's gate; null: no gate. */
  canaryGate?: string | null;
  /** Inline YAML of the full phase's gate; null: no gate. */
  fullGate?: string | null;
  batchSize?: number;
  /** Inline YAML of the full backfill's `retry:`. */
  fullRetry?: string;
  /** The full backfill's `timeout:`. */
  fullTimeout?: string;
  /** Inline YAML of the cohort rollback's `retry:`. */
  rollbackRetry?: string;
  /** Inline YAML of a step the full phase's rollback runs before its paged rollback. */
  fullRollbackFirst?: string;
}

/** Two phases: canary (audit, dry-run, write pass over explicit ids) and full (paged backfill of everyone). */
export function byokManifest(o: ByokOptions = {}): string {
  const name = o.name ?? 'byok';
  const ids = o.canaryIds ?? ['org_0001', 'org_0002', 'org_0003'];
  const canaryGate = o.canaryGate === undefined ? '{ hold: 1s, every: 1s, checks: [probe] }' : o.canaryGate;
  const fullGate = o.fullGate === undefined ? '{ hold: 1s, every: 1s, checks: [probe] }' : o.fullGate;
  const batch = o.batchSize ?? 7;
  return `apiVersion: rollouts/v1
kind: Rollout
name: ${name}
description: Provider-agnostic AI settings backfill, against the example target
owners: ["@acme/runtime-oncall"]
phase: ${o.phase ?? 'none'}
env: [TARGET_URL]
vars: { batchSize: ${batch} }

checks:
  probe:
    http: { url: "{{ env.TARGET_URL }}/providers/openai/status" }
    pass: "result.status == 200 && result.json.connection_status == 'online'"
    severity: critical

phases:
  - name: canary
    cohort: { ids: [${ids.join(', ')}] }
    steps:
      - name: audit
        readOnly: true
        http: { method: POST, url: "{{ env.TARGET_URL }}/migrations/audit", json: { organizationIds: "{{ cohort.ids }}" } }
      - name: dry-run
        readOnly: true
        http: { method: POST, url: "{{ env.TARGET_URL }}/migrations/backfill", json: { organizationIds: "{{ cohort.ids }}", dryRun: true } }
        expect: "result.json.failed == 0"
      - name: write-pass
        http: { method: POST, url: "{{ env.TARGET_URL }}/migrations/backfill", json: { organizationIds: "{{ cohort.ids }}", dryRun: false } }
        expect: "result.json.failed == 0"
${canaryGate === null ? '' : `    gate: ${canaryGate}\n`}  - name: full
    steps:
      - name: backfill
        http:
          method: POST
          url: "{{ env.TARGET_URL }}/migrations/backfill"
          json: { numItems: "{{ vars.batchSize }}", cursor: "{{ page.cursor }}", dryRun: false }
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
        expect: "result.json.failed == 0"
${o.fullRetry ? `        retry: ${o.fullRetry}\n` : ''}${o.fullTimeout ? `        timeout: ${o.fullTimeout}\n` : ''}${fullGate === null ? '' : `    gate: ${fullGate}\n`}    rollback:
${o.fullRollbackFirst ? `      - ${o.fullRollbackFirst}\n` : ''}      - name: rollback-paged
        http:
          method: POST
          url: "{{ env.TARGET_URL }}/migrations/rollback"
          json: { numItems: "{{ vars.batchSize }}", cursor: "{{ page.cursor }}", dryRun: "{{ run.dryRun }}" }
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
        expect: "result.json.failed == 0"

rollback:
  - name: rollback-cohort
    http: { method: POST, url: "{{ env.TARGET_URL }}/migrations/rollback", json: { organizationIds: "{{ cohort.added }}", dryRun: "{{ run.dryRun }}" } }
    expect: "result.json.failed == 0"
${o.rollbackRetry ? `    retry: ${o.rollbackRetry}\n` : ''}verify:
  - name: no-mixed-contract
    http: { url: "{{ env.TARGET_URL }}/integrity" }
    pass: "result.json.mixed == 0"
`;
}

/** One phase `full` (from none), a paged backfill of every org: the shape of the fault tests. */
export function pagedManifest(o: {
  name?: string;
  phase?: string;
  batchSize: number;
  retry?: string;
  timeout?: string;
}): string {
  return `apiVersion: rollouts/v1
kind: Rollout
name: ${o.name ?? 'paged'}
phase: ${o.phase ?? 'full'}
env: [TARGET_URL]
vars: { batchSize: ${o.batchSize} }
phases:
  - name: full
    steps:
      - name: backfill
        http:
          method: POST
          url: "{{ env.TARGET_URL }}/migrations/backfill"
          json: { numItems: "{{ vars.batchSize }}", cursor: "{{ page.cursor }}", dryRun: false }
        paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
        expect: "result.json.failed == 0"
${o.retry ? `        retry: ${o.retry}\n` : ''}${o.timeout ? `        timeout: ${o.timeout}\n` : ''}rollback:
  - name: rollback-paged
    http:
      method: POST
      url: "{{ env.TARGET_URL }}/migrations/rollback"
      json: { numItems: "{{ vars.batchSize }}", cursor: "{{ page.cursor }}", dryRun: "{{ run.dryRun }}" }
    paginate: { next: "result.json.nextCursor", while: "result.json.hasNextPage" }
`;
}
