// The whole rollout story through the built action (dist/index.js) as GitHub runs it, one job per event, against the
// GitHub REST emulator (real bare repository, every call checked against GitHub's OpenAPI description) and the example
// target (real HTTP, real SQLite): PR -> plan comment -> merge -> canary -> gate holds -> promotion PR -> merge ->
// full paged apply -> fault -> revert PR merged at once -> dispatched run -> rollback -> verify.
// The stages share one repository and run in order; each asserts what GitHub and the target show after its event.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_CONTRACT, PROVIDER_AGNOSTIC_CONTRACT } from '../../examples/target/db.js';
import type { RolloutPlan } from '../../src/plan/index.js';
import type { RolloutStatusView } from '../../src/engine/index.js';
import type { LedgerEntry } from '../../src/state/index.js';
import { GitStateStore } from '../../src/state/index.js';
import { ActionHarness, describeRun, ensureActionBuilt, ROOT, type JobRun } from '../helpers/action.js';
import { isolateGitConfig, TempDirs } from '../helpers/git-repo.js';
import { TestTarget } from '../helpers/target.js';
import { sleepPast } from '../helpers/wait.js';
import { expectMermaidRenders, RealMermaid } from '../helpers/mermaid.js';

const NAME = 'byok-demo';
const FILE = `rollouts/${NAME}.yaml`;
const MARKER = `<!-- gitops-rollouts:plan:${NAME} -->`;
const ORGS = 60;
const BATCH = 25;
const CANARY_IDS = ['org_0001', 'org_0002', 'org_0003'];
const CHECKLIST = ['Runbook reviewed', 'Rollback tested'];

/** examples/demo/byok-demo.yaml with a checklist on canary, and a full gate held long enough for a fault to land in. */
async function demoManifest(): Promise<(phase: string, description?: string) => string> {
  const text = await readFile(join(ROOT, 'examples/demo/byok-demo.yaml'), 'utf8');
  const edits: [string | RegExp, string][] = [
    [
      /^( {4}cohort: \{ ids: \[org_0001, org_0002, org_0003\] \}\n)/m,
      `$1    checklist: [${CHECKLIST.map((i) => JSON.stringify(i)).join(', ')}]\n`,
    ],
    ['gate: { hold: 3s, every: 1s, checks: [probe] }', 'gate: { hold: 1m, every: 1s, checks: [probe] }'],
  ];
  let adapted = text;
  for (const [from, to] of edits) {
    const next = adapted.replace(from, to);
    if (next === adapted) throw new Error(`examples/demo/byok-demo.yaml changed: ${String(from)} not found`);
    adapted = next;
  }
  return (phase, description) => {
    let out = adapted.replace(/^phase: none$/m, `phase: ${phase}`);
    if (description) out = out.replace(/^description: .*$/m, `description: ${description}`);
    return out;
  };
}

const statusOf = (r: JobRun) =>
  r.json<{ rollouts: RolloutStatusView[] }>('status').rollouts.find((v) => v.name === NAME)!;
const writes = (r: JobRun) => r.apiCalls.filter((c) => c.method !== 'GET');

describe('the action through a whole rollout', () => {
  const dirs = new TempDirs();
  let h: ActionHarness;
  let target: TestTarget;
  let manifest: (phase: string, description?: string) => string;
  let pr: { number: number; headSha: string; baseSha: string };
  let promotion: { number: number; headSha: string };
  let canaryCommentId: number | bigint;
  let revertOpenedAt: number | undefined;
  const prBody = (ticked: boolean) =>
    `Canary of the BYOK backfill (runbook 000).\n\n${CHECKLIST.map((i) => `- [${ticked ? 'x' : ' '}] ${i}`).join('\n')}\n`;
  const deployments = () => h.emulator.getDeployments(h.owner, h.repo);
  const ledger = async (): Promise<LedgerEntry[]> => {
    const out: LedgerEntry[] = [];
    for await (const e of new GitStateStore({ repo: h.remote }).readLedger(NAME)) out.push(e);
    return out;
  };

  beforeAll(async () => {
    await isolateGitConfig();
    await ensureActionBuilt();
    manifest = await demoManifest();
    target = await TestTarget.start(dirs, { orgs: ORGS });
    h = await ActionHarness.start({
      files: {
        [FILE]: manifest('none'),
        '.github/workflows/rollouts.yml': await readFile(join(ROOT, 'examples/workflows/rollouts.yml'), 'utf8'),
      },
      stepEnv: { TARGET_URL: target.url },
      inputs: { 'audit-on-pr': 'true', 'auto-rollback': 'critical' },
    });
    h.emulator.intercept(async (req, next) => {
      if (req.method !== 'POST' || req.route !== '/repos/{owner}/{repo}/pulls') return undefined;
      const reply = await next();
      if (String((req.body as { head?: unknown }).head).startsWith(`rollouts/revert-${NAME}-`))
        revertOpenedAt = Date.now();
      return reply;
    });
  });

  afterEach(() => h.assertContractAndClear());

  afterAll(async () => {
    await h?.close();
    await target?.close();
    await dirs.cleanup();
  });

  it('plans a PR in one sticky comment and fails its check while the checklist is not ticked', async () => {
    const untouched = target.snapshot();
    const head = await h.commitOnBranch('byok-canary', { [FILE]: manifest('canary') }, `${NAME}: canary`);
    pr = await h.openPull('byok-canary', `Roll out ${NAME}: canary`, prBody(false));
    expect(pr.headSha).toBe(head);

    const r = await h.pullJob('opened', {
      number: pr.number,
      title: `Roll out ${NAME}: canary`,
      body: prBody(false),
      head: { ref: 'byok-canary', sha: pr.headSha },
      base: { ref: 'main', sha: pr.baseSha },
    });
    expect(r.code, describeRun(r)).not.toBe(0);
    expect(r.errors().join('\n')).toContain(
      `${NAME}: checklist for canary not complete: Runbook reviewed; Rollback tested`,
    );
    const plan = r.json<{ rollouts: RolloutPlan[] }>('plan').rollouts;
    expect(plan).toEqual([
      expect.objectContaining({ name: NAME, file: FILE, desired: { before: 'none', after: 'canary' }, errors: [] }),
    ]);

    const comments = h.emulator.getComments(h.owner, h.repo, pr.number).filter((c) => c.body?.includes(MARKER));
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body!;
    expect(body).toContain(`### Rollout \`${NAME}\`: none → canary`);
    expect(body).toContain('**apply `canary`** — cohort: 3 ids (org_0001, org_0002, org_0003)');
    expect(body).toContain('- `write-pass` (http, writes)');
    expect(body).toContain('- [ ] Runbook reviewed');
    expect(body).toContain('**Read-only audit**');
    canaryCommentId = comments[0]!.id;
    // The audit ran the read-only steps with run.dryRun = true: nothing was written.
    expect(target.snapshot()).toBe(untouched);
  });

  it('edits the same comment in place on synchronize and passes once the checklist is ticked', async () => {
    const untouched = target.snapshot();
    await h.octokit.rest.pulls.update({ owner: h.owner, repo: h.repo, pull_number: pr.number, body: prBody(true) });
    const before = pr.headSha;
    const head = await h.commitOnBranch(
      'byok-canary',
      { [FILE]: manifest('canary', 'Provider-agnostic AI settings backfill (canary first)') },
      'describe the canary',
      false,
    );
    pr = { ...pr, headSha: head };

    const r = await h.pullJob('synchronize', {
      number: pr.number,
      title: `Roll out ${NAME}: canary`,
      body: prBody(true),
      head: { ref: 'byok-canary', sha: head },
      base: { ref: 'main', sha: pr.baseSha },
      before,
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.errors()).toEqual([]);
    const comments = h.emulator.getComments(h.owner, h.repo, pr.number).filter((c) => c.body?.includes(MARKER));
    expect(comments.map((c) => c.id)).toEqual([canaryCommentId]);
    expect(comments[0]!.body).toContain('- [x] Runbook reviewed');
    expect(comments[0]!.body).toContain('- [x] Rollback tested');
    expect(comments[0]!.body).toMatch(/\| `dry-run` \| ok \|/);
    expect(writes(r).map((c) => `${c.method} ${c.route}`)).toEqual([
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
    ]);
    expect(target.snapshot()).toBe(untouched);
  });

  it('applies the canary on merge: the cohort is written, a deployment is in progress, the gate holds', async () => {
    const before = await h.mainSha();
    await h.merge(pr.number);
    const r = await h.pushJob(before);
    expect(r.code, describeRun(r)).toBe(0);

    const status = statusOf(r);
    expect(status).toMatchObject({
      name: NAME,
      desired: 'canary',
      applied: 'canary',
      status: 'holding',
      gate: { phase: 'canary' },
    });
    for (const id of CANARY_IDS) expect((await target.org(id)).contract).toBe(PROVIDER_AGNOSTIC_CONTRACT);
    expect((await target.org('org_0004')).contract).toBe(LEGACY_CONTRACT);

    const [canary, ...older] = deployments();
    expect(older).toEqual([]);
    expect(canary!.deployment).toMatchObject({
      environment: `rollout/${NAME}`,
      task: 'rollout:canary',
      sha: await h.mainSha(),
    });
    expect(canary!.statuses.map((s) => s.state)).toEqual(['in_progress']);
    expect(r.summary).toContain('## gitops-rollouts: reconcile');
    expect(r.summary).toMatch(new RegExp(`\\| \`${NAME}\` \\| canary \\| canary \\| holding \\|`));
    expect(r.summary).toContain(`- \`rollout/${NAME}\`: phase \`canary\` (deployment ${canary!.deployment.id})`);
  });

  it('opens one promotion PR once the canary gate held healthy, and marks the deployment successful', async () => {
    // Scheduled runs until the gate decides: the first one past the hold does, unless a slow machine still owes the
    // gate a sample (due every 1s).
    let startedAt = Date.now();
    let r = await h.scheduleJob();
    for (let i = 0; i < 4 && statusOf(r).status === 'holding'; i++) {
      const { passesAt } = statusOf(r).gate!;
      await sleepPast(Date.parse(passesAt) > Date.now() ? passesAt : new Date(Date.now() + 1_000).toISOString());
      startedAt = Date.now();
      r = await h.scheduleJob();
    }
    expect(r.code, describeRun(r)).toBe(0);
    expect(statusOf(r)).toMatchObject({ applied: 'canary', status: 'healthy' });
    // The run that promoted looked first: a pass sample of probe, taken in that run, after the hold had elapsed.
    const trail = await ledger();
    const healthyAt = trail.findIndex(
      (e) => e.kind === 'transition' && e.phase === 'canary' && (e.result as { status?: string }).status === 'healthy',
    );
    const opened = trail.find((e) => e.kind === 'gate-open' && e.phase === 'canary')!;
    const look = trail
      .slice(0, healthyAt)
      .filter((e) => e.kind === 'sample')
      .at(-1)!;
    expect(look.result).toMatchObject({ check: 'probe', outcome: 'pass' });
    const lookAt = Date.parse((look.result as { at: string }).at);
    expect(lookAt).toBeGreaterThanOrEqual(startedAt);
    expect(lookAt).toBeGreaterThanOrEqual(Date.parse((opened.result as { passesAt: string }).passesAt));
    console.log(
      `figure: GitHub API calls of the scheduled run that promoted: ${r.apiCalls.length} (${r.apiCalls.map((c) => `${c.method} ${c.route}`).join(', ')})`,
    );

    const pulls = (await h.emulator.listPulls(h.owner, h.repo)).filter(
      (p) => p.head.ref === `rollouts/promote-${NAME}-full`,
    );
    expect(pulls).toHaveLength(1);
    const p = pulls[0]!;
    expect(p.state).toBe('open');
    expect(p.title).toBe(`rollouts: promote ${NAME} to full`);
    expect(p.labels.map((l) => l.name)).toEqual(['rollouts:promotion']);
    expect(p.body).toContain('#### The gate');
    expect(p.body).toContain('```mermaid\n%%{init');
    expect(p.body).toMatch(/\| `probe` \| \S+ \| pass \|/);
    expect(r.outputs['pull-request']).toBe(String(p.number));
    const files = (await h.octokit.rest.pulls.listFiles({ owner: h.owner, repo: h.repo, pull_number: p.number })).data;
    expect(files.map((f) => f.filename)).toEqual([FILE]);
    expect(files[0]!.patch).toContain('-phase: canary\n+phase: full');
    expect(deployments()[0]!.statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
    promotion = { number: p.number, headSha: p.head.sha };
  });

  it('does nothing on the next scheduled run: no second promotion PR, no write to GitHub', async () => {
    const r = await h.scheduleJob();
    expect(r.code, describeRun(r)).toBe(0);
    console.log(`figure: GitHub API calls of a no-op scheduled run: ${r.apiCalls.length}`);
    expect(writes(r)).toEqual([]);
    expect(statusOf(r)).toMatchObject({ applied: 'canary', status: 'healthy' });
    const promotions = (await h.emulator.listPulls(h.owner, h.repo)).filter(
      (p) => p.head.ref === `rollouts/promote-${NAME}-full`,
    );
    expect(promotions.map((p) => p.number)).toEqual([promotion.number]);
  });

  it('applies full on merging the promotion: every page of the backfill, checkpointed, and a second deployment', async () => {
    const before = await h.mainSha();
    await h.merge(promotion.number);
    const r = await h.pushJob(before);
    expect(r.code, describeRun(r)).toBe(0);
    expect(statusOf(r)).toMatchObject({ desired: 'full', applied: 'full', status: 'holding', gate: { phase: 'full' } });

    expect(target.legacyIds()).toEqual([]);
    expect(await target.integrity()).toMatchObject({ legacy: 0, mixed: 0, total: ORGS });
    const batches = (await ledger()).filter((e) => e.kind === 'batch' && e.phase === 'full' && e.step === 'backfill');
    expect(batches).toHaveLength(Math.ceil(ORGS / BATCH));
    const [full, canary] = deployments();
    expect(full!.deployment).toMatchObject({ environment: `rollout/${NAME}`, task: 'rollout:full' });
    expect(full!.statuses.map((s) => s.state)).toEqual(['in_progress']);
    expect(canary!.statuses[0]!.state).toBe('success');
  });

  it('opens the revert PR of the promotion with the evidence when the provider goes offline, and merges it at once', async () => {
    await target.setFault({ mode: 'offline' });
    const held = (await ledger()).filter((e) => e.kind === 'sample' && e.phase === 'full').at(-1)!;
    await sleepPast(new Date(Date.parse(held.time) + 1_000).toISOString());
    const r = await h.scheduleJob();
    expect(r.code, describeRun(r)).not.toBe(0);
    expect(r.errors().join('\n')).toContain(`${NAME}: probe failed 1 sample (failureLimit 0)`);

    const failing = (await ledger()).filter(
      (e) => e.kind === 'sample' && (e.result as { outcome?: string }).outcome === 'fail',
    );
    expect(failing).toHaveLength(1);
    expect(revertOpenedAt).toBeDefined();
    const failedAt = Date.parse((failing[0]!.result as { at: string }).at);
    console.log(`figure: engine time from the failed sample to an open revert PR: ${revertOpenedAt! - failedAt} ms`);

    const branch = `rollouts/revert-${NAME}-${promotion.headSha.slice(0, 7)}`;
    const reverts = (await h.emulator.listPulls(h.owner, h.repo)).filter((p) => p.head.ref === branch);
    expect(reverts).toHaveLength(1);
    const revert = await h.emulator.getPull(h.owner, h.repo, reverts[0]!.number);
    expect(revert).toMatchObject({ state: 'closed', merged: true, title: `rollouts: revert ${NAME} full (critical)` });
    expect(revert.labels.map((l) => l.name)).toEqual(['rollouts:rollback']);
    expect(revert.body).toContain(`This PR reverts ${promotion.headSha}`);
    expect(revert.body).toContain('#### Failing samples');
    expect(revert.body).toMatch(/\| `probe` \| fail \|/);
    expect(revert.body).toContain('#### Incident timeline');
    expect(revert.body).toMatch(/minutes before the failure\n\*\*`probe`\*\* \(critical\)/);
    expect(revert.body).toMatch(/```mermaid\ngantt\n/);
    expect(revert.body).toMatch(/\[full\] gate-failed/);
    expect(revert.body).toContain('It was merged at once');
    expect(r.outputs['pull-request']).toBe(String(revert.number));
    expect(r.summary).toContain(`- rollback of \`${NAME}\`: [#${revert.number}](${revert.html_url}) (merged)`);
    expect(await h.dev.git('--git-dir', h.remote, 'show', `main:${FILE}`)).toMatch(/^phase: canary$/m);

    expect(h.emulator.dispatches).toEqual([
      expect.objectContaining({
        workflowPath: '.github/workflows/rollouts.yml',
        ref: 'main',
        sha: await h.mainSha(),
        inputs: { command: 'reconcile' },
      }),
    ]);
    expect(deployments()[0]!.statuses[0]).toMatchObject({ state: 'failure' });
  });

  it('rolls full back in the dispatched run and verifies: the target is back on the legacy contract', async () => {
    const dispatch = h.emulator.dispatches[0]!;
    const r = await h.dispatchedJob(dispatch);
    expect(r.code, describeRun(r)).toBe(0);
    expect(statusOf(r)).toMatchObject({ desired: 'canary', applied: 'canary', status: 'rolled-back' });

    expect(await target.integrity()).toMatchObject({ mixed: 0, providerAgnostic: 0, legacy: ORGS });
    const trail = (await ledger())
      .filter((e) => ['rollback-start', 'phase-rolled-back', 'verify'].includes(e.kind))
      .map((e) => `${e.kind} ${e.phase ?? ''}`.trim());
    expect(trail).toEqual(['rollback-start full', 'phase-rolled-back full', 'verify']);
    expect(deployments()[0]!.statuses[0]).toMatchObject({ state: 'inactive' });
    expect(r.summary).toMatch(new RegExp(`\\| \`${NAME}\` \\| canary \\| canary \\| rolled-back \\| rolled-back`));
    expect(h.emulator.requireRepo(h.owner, h.repo).runs.get(dispatch.runId)).toMatchObject({
      event: 'workflow_dispatch',
      status: 'completed',
      conclusion: 'success',
    });
  });

  it('wrote only Mermaid that GitHub can draw: every block of every PR body, comment and job summary', async () => {
    const mermaid = await RealMermaid.start();
    try {
      const pulls = await h.emulator.listPulls(h.owner, h.repo);
      const texts: [string, string][] = [
        ...pulls.map((p): [string, string] => [`PR #${p.number} body`, p.body ?? '']),
        ...pulls.flatMap((p) =>
          h.emulator
            .getComments(h.owner, h.repo, p.number)
            .map((c): [string, string] => [`comment on #${p.number}`, c.body ?? '']),
        ),
        ...h.summaries.map((t, i): [string, string] => [`job summary ${i + 1}`, t]),
      ];
      let blocks = 0;
      for (const [what, text] of texts) blocks += await expectMermaidRenders(mermaid, text, what);
      console.log(`figure: Mermaid blocks the action wrote in the story, all drawn by the real Mermaid: ${blocks}`);
      // the plan comment's phases, the promotion's gate, the revert's gate and timeline, and the summaries' pictures
      expect(blocks).toBeGreaterThanOrEqual(6);
    } finally {
      await mermaid.close();
    }
  });
});
