// On a pull request: validation annotations, one sticky plan comment per rollout, checklists, read-only audits (never
// for forks), and a failing check when the change must not merge.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as core from '@actions/core';
import type { Phase, Step } from '../manifest/index.js';
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
  const { plans, after, before } = await planChanges(cfg.cwd, pr.baseSha, cfg.dir, appliedOf);
  let baseTree: BaseCheckout | null = null;
  try {
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
          `${plan.name}: checklist for ${checklist.phase} not complete: ` +
            [...checklist.result.unticked, ...checklist.result.missing].join('; '),
        );
      let audit: AuditStepResult[] | null = null;
      let auditNote: string | undefined;
      if (!cfg.auditOnPr) auditNote = 'Read-only audit not run (`audit-on-pr: false`).';
      else if (pr.fromFork) auditNote = 'Read-only audit not run: pull requests from forks run no steps.';
      else if (m && phase && plan.errors.length === 0) {
        const base = before.get(plan.name);
        const basePhase = base?.phases.find((p) => p.name === phase.name);
        if (!base || !basePhase)
          auditNote =
            `Read-only audit not run: \`${phase.name}\` is new in this pull request ` +
            '(audits run only steps the base branch has).';
        else {
          baseTree ??= await BaseCheckout.add(git, pr.baseSha);
          audit = await auditPhase({ cwd: baseTree.dir, env: process.env }, base, basePhase, {
            skip: (s) => (sameStep(s, phase) ? null : CHANGED),
          });
          const added = phase.steps.filter((s) => s.readOnly && !basePhase.steps.some((b) => b.name === s.name));
          for (const s of added) audit.push({ step: s.name, outcome: 'skipped', detail: CHANGED });
          for (const a of audit)
            if (a.outcome === 'failed') failed.push(`${plan.name}: audit step ${a.step} failed: ${a.detail}`);
        }
      }
      const flow =
        m && plan.direction !== 'none'
          ? phaseFlow(m, plan.applied ?? plan.desired.before, plan.desired.after)
          : undefined;
      const body = planCommentBody(plan, { audit, auditNote, checklist, flow });
      try {
        await upsertStickyComment(ctx.octokit, cfg.repo, pr.number, planMarker(plan.name), body);
      } catch (err) {
        const fork = pr.fromFork ? ' (fork PRs get a read-only token)' : '';
        core.warning(`could not comment on #${pr.number}${fork}: ${(err as Error).message}`);
      }
      core.info(body);
    }
  } finally {
    await baseTree?.remove();
  }
  return { failed, plans };
}

const CHANGED = 'added or changed by this pull request: runs after review, when the change is merged';

/** Whether the PR's phase has `step` (the base branch's) exactly as the base has it. */
function sameStep(step: Step, prPhase: Phase): boolean {
  const mine = prPhase.steps.find((s) => s.name === step.name);
  return mine !== undefined && isDeepStrictEqual(mine, step);
}

/**
 * The base commit checked out beside the PR's: audits run there, so a step's `run: [./scripts/audit]` is the base
 * branch's script, never one the PR rewrote.
 */
class BaseCheckout {
  private constructor(
    private readonly git: Git,
    readonly dir: string,
  ) {}

  static async add(git: Git, sha: string): Promise<BaseCheckout> {
    const dir = await mkdtemp(join(tmpdir(), 'rollouts-audit-base-'));
    await git.ok(['worktree', 'add', '--detach', '--force', dir, sha]);
    return new BaseCheckout(git, dir);
  }

  async remove(): Promise<void> {
    await this.git.run(['worktree', 'remove', '--force', this.dir]).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
