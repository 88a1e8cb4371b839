// The action's entry (dist/index.js): the route read once from inputs and event, then the same engine as the CLI.
import * as core from '@actions/core';
import {
  ControlRefused,
  drill,
  emergencyRollback,
  failGatesForAlerts,
  operatorControl,
  reconcileAll,
  requestPause,
  statusOf,
  type RolloutOutcome,
} from '../engine/index.js';
import type { Manifest } from '../manifest/index.js';
import { readConfig } from './config.js';
import { actionContext } from './context.js';
import { settleDefaultBranch } from './default-branch.js';
import { engineDepsFor } from './engine-deps.js';
import { githubRolloutEvents } from './engine-events.js';
import { InputError } from './inputs.js';
import { annotateIssues, loadManifests } from './manifests.js';
import { planPullRequest } from './plan-pull-request.js';
import { writeSummary } from './summary.js';
import { maskProcessOutput } from './masked-output.js';
import { secrets } from '../sys/mask.js';

/** An output of the step, masked: outputs are read by later steps and shown in the run's page. */
const setOutput = (name: string, value: string) => core.setOutput(name, secrets.mask(value));

/** The rollout a rollback or drill names, and the phase it rolls back to, checked before anything runs. */
function named(manifests: Manifest[], rollout: string, to = 'none'): Manifest {
  const m = manifests.find((x) => x.name === rollout);
  if (!m)
    throw new InputError(
      `input rollout: no rollout named ${rollout} (have: ${manifests.map((x) => x.name).join(', ') || 'none'})`,
    );
  if (to !== 'none' && !m.phases.some((p) => p.name === to))
    throw new InputError(
      `input to: ${rollout} has no phase ${to} (have: none, ${m.phases.map((p) => p.name).join(', ')})`,
    );
  return m;
}

async function run(): Promise<void> {
  maskProcessOutput();
  const cfg = readConfig();
  secrets.add(cfg.token);
  const r = cfg.route;
  core.info(`rollouts: ${cfg.event} -> ${r.kind}`);
  if (r.kind === 'skip') {
    core.info(r.reason);
    return;
  }
  const ctx = actionContext(cfg);
  if (r.kind === 'pull-request') {
    const { failed, plans } = await planPullRequest(ctx, r.pull);
    setOutput('plan', JSON.stringify({ rollouts: plans }));
    if (failed.length) core.setFailed(failed.join('\n'));
    return;
  }
  const { loaded, manifests, files } = await loadManifests(cfg);
  if (annotateIssues(cfg, loaded)) {
    core.setFailed('invalid manifests (see the annotations): nothing was run');
    return;
  }
  if (r.kind === 'validate' || r.kind === 'plan') return;
  await settleDefaultBranch(ctx);
  const target = 'rollout' in r ? named(manifests, r.rollout, r.kind === 'rollback' ? r.to : 'none') : null;
  for (const name of manifests.flatMap((m) => m.env)) secrets.add(process.env[name]);
  const github = githubRolloutEvents(ctx, files);
  const deps = engineDepsFor(ctx, files, github.events);
  let outcomes: RolloutOutcome[];
  switch (r.kind) {
    case 'reconcile':
      outcomes = await reconcileAll(deps, loaded);
      break;
    case 'alert':
      outcomes = await failGatesForAlerts(deps, manifests, r.alerts);
      break;
    case 'rollback':
      outcomes = [await emergencyRollback(deps, target!, r.to)];
      break;
    case 'resume':
    case 'retry':
      // Recorded with the person who dispatched the run.
      outcomes = [await operatorControl(deps, target!, r.kind, process.env.GITHUB_ACTOR || 'github-actions')];
      break;
    case 'pause':
      outcomes = [await requestPause(deps, target!, process.env.GITHUB_ACTOR || 'github-actions', r.reason)];
      break;
    case 'drill': {
      const result = await drill(deps, target!);
      if (!result) throw new Error('another reconciler holds the lease');
      const skipped = result.skipped.length ? `; not drillable: ${result.skipped.join(', ')}` : '';
      core.info(
        `drill of ${r.rollout}: RTO ${result.rtoMs} ms, ` +
          `${result.drillable}/${result.total} rollback steps drilled${skipped}`,
      );
      outcomes = [];
      if (!result.ok) core.setFailed(result.error ?? 'drill failed');
      break;
    }
  }
  const views = await statusOf(ctx.store, manifests);
  setOutput('status', JSON.stringify({ rollouts: views }));
  const opened = github.opened();
  const last = opened.pullRequests.at(-1);
  if (last) setOutput('pull-request', String(last.number));
  await writeSummary(r.kind, outcomes, views, opened, ctx.store, manifests);
  const failedOnes = outcomes.filter((o) => o.outcome === 'failed');
  if (failedOnes.length) core.setFailed(failedOnes.map((o) => `${o.name}: ${o.message ?? o.status}`).join('\n'));
}

run().catch((err: unknown) => {
  if (err instanceof InputError || err instanceof ControlRefused) core.setFailed(err.message);
  else core.setFailed(err instanceof Error ? (err.stack ?? err.message) : String(err));
});
