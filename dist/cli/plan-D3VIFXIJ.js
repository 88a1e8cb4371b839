#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  GitStateStore,
  driftPlans,
  planChanges,
  renderPlan
} from "./chunk-IW25GJ3B.js";
import {
  Git
} from "./chunk-RFIB7AKY.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import {
  formatIssue
} from "./chunk-HOJYLCGZ.js";
import "./chunk-G3Q7ZTPS.js";
import {
  defineCommand,
  engineOptions
} from "./chunk-EWS5QH4S.js";
import {
  EXIT,
  Option
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/commands/plan.ts
var planCommand = defineCommand({
  name: "plan",
  summary: "what a manifest change would do, and where the state drifted",
  examples: [
    "rollouts plan                          # the working tree against HEAD",
    "rollouts plan --base origin/main       # what this branch would do once merged",
    "rollouts plan --base HEAD~1 --json"
  ],
  configure: (cmd) => engineOptions(
    cmd.addOption(new Option("--base <ref>", "the commit to compare the working tree with").default("HEAD"))
  ),
  async run({ io, opts }) {
    const root = await new Git(io.cwd).root();
    const store = new GitStateStore({ repo: root, branch: opts.stateBranch, remote: opts.remote });
    const stateOf = async (name) => (await store.readState(name).catch(() => ({ state: null }))).state;
    const appliedOf = async (name) => (await stateOf(name))?.applied ?? null;
    const { plans: changed, issues } = await planChanges(root, opts.base, opts.dir, appliedOf);
    const drifted = await driftPlans(root, opts.dir, new Set(changed.map((p) => p.file)), async (name) => {
      const s = await stateOf(name);
      return s ? { applied: s.applied, status: s.status, heldDesired: s.hold?.desired } : null;
    });
    const plans = [...changed, ...drifted];
    for (const i of issues) io.err(formatIssue(i));
    if (opts.json) io.out(JSON.stringify({ base: opts.base, rollouts: plans }, null, 2));
    else if (plans.length === 0 && issues.length === 0)
      io.out(`no rollout manifest changed since ${opts.base}, and the state agrees with every manifest`);
    else {
      for (const p of plans) io.out(renderPlan(p));
      const failing = plans.filter((p) => p.errors.length).length;
      if (changed.length > 1)
        io.err(`${changed.length} rollouts changed since ${opts.base}${failing ? `, ${failing} with errors` : ""}`);
      if (drifted.length) io.err(`${drifted.length} rollout${drifted.length === 1 ? "" : "s"} drifted from the state`);
    }
    return issues.length || plans.some((p) => p.errors.length) ? EXIT.failure : EXIT.ok;
  }
});
export {
  planCommand
};
