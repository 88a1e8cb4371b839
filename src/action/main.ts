// The action's entry (dist/index.js): event -> command, then the same engine as the CLI.
import * as core from '@actions/core';
import {
  drill,
  emergencyRollback,
  failGatesForAlerts,
  reconcileAll,
  statusOf,
  type AlertmanagerAlert,
  type RolloutOutcome,
} from '../engine/index.js';
import { InputError, readConfig, route } from './config.js';
import { actionContext, annotate, engineDeps, loadManifests } from './deps.js';
import { pullRequestFlow } from './pull-request.js';
import { writeSummary } from './summary.js';

async function run(): Promise<void> {
  const cfg = readConfig();
  if (cfg.token) core.setSecret(cfg.token);
  const r = route(cfg);
  core.info(`rollouts: ${cfg.event} -> ${r.kind}`);
  if (r.kind === 'skip') {
    core.info(r.reason);
    return;
  }
  const ctx = actionContext(cfg);
  if (r.kind === 'pull-request') {
    const { failed, plans } = await pullRequestFlow(ctx);
    core.setOutput('plan', JSON.stringify({ rollouts: plans }));
    if (failed.length) core.setFailed(failed.join('\n'));
    return;
  }
  const { loaded, manifests, files } = await loadManifests(ctx);
  if (annotate(ctx, loaded)) {
    core.setFailed('invalid manifests (see the annotations): nothing was run');
    return;
  }
  if (r.kind === 'validate' || r.kind === 'plan') return;
  for (const name of manifests.flatMap((m) => m.env)) if (process.env[name]) core.setSecret(process.env[name]!);
  const deps = engineDeps(ctx, files);
  let outcomes: RolloutOutcome[];
  const one = (name: string) => {
    const m = manifests.find((x) => x.name === name);
    if (!m) throw new InputError(`no rollout named ${name}`);
    return m;
  };
  switch (r.kind) {
    case 'reconcile':
      outcomes = await reconcileAll(deps, loaded);
      break;
    case 'alert':
      outcomes = await failGatesForAlerts(deps, manifests, r.alerts as AlertmanagerAlert[]);
      break;
    case 'rollback':
      outcomes = [await emergencyRollback(deps, one(r.rollout), r.to)];
      break;
    case 'drill': {
      const result = await drill(deps, one(r.rollout));
      if (!result) throw new Error('another reconciler holds the lease');
      core.info(
        `drill of ${r.rollout}: RTO ${result.rtoMs} ms${result.skipped.length ? `; not drillable: ${result.skipped.join(', ')}` : ''}`,
      );
      outcomes = [];
      if (!result.ok) core.setFailed(result.error ?? 'drill failed');
      break;
    }
  }
  const views = await statusOf(ctx.store, manifests);
  core.setOutput('status', JSON.stringify({ rollouts: views }));
  const last = ctx.results.pullRequests.at(-1);
  if (last) core.setOutput('pull-request', String(last.number));
  await writeSummary(r.kind, outcomes, views, ctx.results);
  // A gate's verdict is recorded in the state, not in the outcome: the check's failure message says why.
  const reasonOf = (o: RolloutOutcome) =>
    o.message ?? (views.find((v) => v.name === o.name)?.failure as { reason?: string } | undefined)?.reason ?? o.status;
  const failedOnes = outcomes.filter((o) => o.outcome === 'failed');
  if (failedOnes.length) core.setFailed(failedOnes.map((o) => `${o.name}: ${reasonOf(o)}`).join('\n'));
}

run().catch((err: unknown) => {
  if (err instanceof InputError) core.setFailed(err.message);
  else core.setFailed(err instanceof Error ? (err.stack ?? err.message) : String(err));
});
