// On a pull request: validation annotations, one sticky plan comment per rollout, checklists, read-only audits (never
// for forks), and a failing check when the change must not merge.
import * as core from '@actions/core';
import { auditPhase, git, planChanges, type AuditStepResult } from '../engine/index.js';
import { checkChecklist, type RolloutPlan } from '../plan/index.js';
import { planMarker, upsertStickyComment } from '../github/comments.js';
import { planCommentBody } from '../github/markdown.js';
import { annotate, loadManifests, type ActionContext } from './deps.js';

interface PullPayload {
  number: number;
  body?: string | null;
  base: { sha: string; ref: string };
  head: { sha: string; repo?: { full_name?: string } | null };
}

export async function pullRequestFlow(ctx: ActionContext): Promise<{ failed: string[]; plans: RolloutPlan[] }> {
  const { cfg } = ctx;
  const pr = cfg.payload.pull_request as PullPayload | undefined;
  if (!pr) throw new Error('pull_request payload missing');
  // Fail closed: a head repository other than this one is a fork, and so is none at all (GitHub sends
  // `head.repo: null` once the fork is deleted).
  const baseRepo = (cfg.payload.repository?.full_name as string | undefined) ?? `${cfg.repo.owner}/${cfg.repo.repo}`;
  const isFork = pr.head.repo?.full_name?.toLowerCase() !== baseRepo.toLowerCase();
  const failed: string[] = [];

  const { loaded } = await loadManifests(ctx);
  if (annotate(ctx, loaded)) failed.push('invalid manifests (see the annotations)');

  await git(cfg.cwd, ['cat-file', '-e', `${pr.base.sha}^{commit}`]).catch(() =>
    git(cfg.cwd, ['fetch', '--no-tags', '--depth=1', 'origin', pr.base.sha]),
  );
  const appliedOf = async (name: string) =>
    (await ctx.store.readState(name).catch(() => ({ state: null }))).state?.applied ?? null;
  const { plans, after } = await planChanges(cfg.cwd, pr.base.sha, cfg.dir, appliedOf);

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
    else if (isFork) auditNote = 'Read-only audit not run: pull requests from forks run no steps.';
    else if (m && phase && plan.errors.length === 0) {
      for (const name of m.env) if (process.env[name]) core.setSecret(process.env[name]!);
      audit = await auditPhase({ cwd: cfg.cwd, env: process.env }, m, phase);
      for (const a of audit)
        if (a.outcome === 'failed') failed.push(`${plan.name}: audit step ${a.step} failed: ${a.detail}`);
    }
    const body = planCommentBody(plan, { audit, auditNote, checklist });
    try {
      await upsertStickyComment(ctx.octokit, cfg.repo, pr.number, planMarker(plan.name), body);
    } catch (err) {
      core.warning(
        `could not comment on #${pr.number}${isFork ? ' (fork PRs get a read-only token)' : ''}: ${(err as Error).message}`,
      );
    }
    core.info(body);
  }
  return { failed, plans };
}
