// On a pull request: validation annotations, one sticky plan comment per rollout, checklists, read-only audits (never
// for forks), and a failing check when the change must not merge.
import * as core from '@actions/core';
import { auditPhase, type AuditStepResult } from '../engine/index.js';
import { checkChecklist, planChanges, type RolloutPlan } from '../plan/index.js';
import { Git } from '../sys/git.js';
import { planMarker, upsertStickyComment } from '../github/comments.js';
import { planCommentBody } from '../github/markdown.js';
import { phaseFlow } from '../report/flow.js';
import type { ActionContext } from './context.js';
import { annotateIssues, loadManifests } from './manifests.js';
import type { PullRequestFacts } from './route.js';

export interface PullRequestPlan {
  /** Why the check fails; empty when the change may merge. */
  failed: string[];
  plans: RolloutPlan[];
}

export async function planPullRequest(ctx: ActionContext, pr: PullRequestFacts): Promise<PullRequestPlan> {
  const { cfg } = ctx;
  const failed: string[] = [];

  const { loaded } = await loadManifests(cfg);
  if (annotateIssues(cfg, loaded)) failed.push('invalid manifests (see the annotations)');

  const git = new Git(cfg.cwd, { env: ctx.gitEnv });
  if (!(await git.isCommit(pr.baseSha))) await git.ok(['fetch', '--no-tags', '--depth=1', 'origin', pr.baseSha]);
  const appliedOf = async (name: string) =>
    (await ctx.store.readState(name).catch(() => ({ state: null }))).state?.applied ?? null;
  const { plans, after } = await planChanges(cfg.cwd, pr.baseSha, cfg.dir, appliedOf);

  for (const plan of plans) {
    for (const e of plan.errors) failed.push(`${plan.name}: ${e}`);
    const m = after.get(plan.name);
    const entering = plan.actions.find((a) => a.kind === 'apply');
    const phase = entering && m ? m.phases.find((p) => p.name === entering.phase) : undefined;
    const checklist = phase?.checklist?.length
      ? { phase: phase.name, result: checkChecklist(phase.checklist, pr.body) }
      : null;
    if (checklist && !checklist.result.ok)
      failed.push(
        `${plan.name}: checklist for ${checklist.phase} not complete: ${[...checklist.result.unticked, ...checklist.result.missing].join('; ')}`,
      );
    let audit: AuditStepResult[] | null = null;
    let auditNote: string | undefined;
    if (!cfg.auditOnPr) auditNote = 'Read-only audit not run (`audit-on-pr: false`).';
    else if (pr.fromFork) auditNote = 'Read-only audit not run: pull requests from forks run no steps.';
    else if (m && phase && plan.errors.length === 0) {
      for (const name of m.env) if (process.env[name]) core.setSecret(process.env[name]!);
      audit = await auditPhase({ cwd: cfg.cwd, env: process.env }, m, phase);
      for (const a of audit)
        if (a.outcome === 'failed') failed.push(`${plan.name}: audit step ${a.step} failed: ${a.detail}`);
    }
    const flow =
      m && plan.direction !== 'none'
        ? phaseFlow(m, plan.applied ?? plan.desired.before, plan.desired.after)
        : undefined;
    const body = planCommentBody(plan, { audit, auditNote, checklist, flow });
    try {
      await upsertStickyComment(ctx.octokit, cfg.repo, pr.number, planMarker(plan.name), body);
    } catch (err) {
      core.warning(
        `could not comment on #${pr.number}${pr.fromFork ? ' (fork PRs get a read-only token)' : ''}: ${(err as Error).message}`,
      );
    }
    core.info(body);
  }
  return { failed, plans };
}
