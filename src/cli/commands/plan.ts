import { formatIssue } from '../../manifest/index.js';
import { planChanges, repoRoot } from '../../engine/index.js';
import { renderPlan } from '../../plan/index.js';
import { GitStateStore } from '../../state/index.js';
import { EXIT } from '../errors.js';
import type { CliIO } from '../io.js';

export interface PlanOptions {
  base: string;
  json: boolean;
  dir: string;
  stateBranch: string;
  remote?: string;
}

export async function planCommand(io: CliIO, opts: PlanOptions): Promise<number> {
  const root = await repoRoot(io.cwd);
  const store = new GitStateStore({ repo: root, branch: opts.stateBranch, remote: opts.remote });
  const appliedOf = async (name: string) =>
    (await store.readState(name).catch(() => ({ state: null }))).state?.applied ?? null;
  const { plans, issues } = await planChanges(root, opts.base, opts.dir, appliedOf);
  for (const i of issues) io.err(formatIssue(i));
  if (opts.json) io.out(JSON.stringify({ base: opts.base, rollouts: plans }, null, 2));
  else if (plans.length === 0 && issues.length === 0) io.out(`no rollout manifest changed since ${opts.base}`);
  else for (const p of plans) io.out(renderPlan(p));
  return issues.length || plans.some((p) => p.errors.length) ? EXIT.failure : EXIT.ok;
}
