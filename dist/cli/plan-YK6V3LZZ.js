#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  GitStateStore,
  planChanges,
  renderPlan
} from "./chunk-OFE4SJXG.js";
import {
  Git,
  formatIssue
} from "./chunk-IQHKIYKM.js";
import "./chunk-KKDXI6BL.js";
import "./chunk-ODV7476C.js";
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
  summary: "what a change of the manifests would do, against a base commit",
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
    const appliedOf = async (name) => (await store.readState(name).catch(() => ({ state: null }))).state?.applied ?? null;
    const { plans, issues } = await planChanges(root, opts.base, opts.dir, appliedOf);
    for (const i of issues) io.err(formatIssue(i));
    if (opts.json) io.out(JSON.stringify({ base: opts.base, rollouts: plans }, null, 2));
    else if (plans.length === 0 && issues.length === 0) io.out(`no rollout manifest changed since ${opts.base}`);
    else {
      for (const p of plans) io.out(renderPlan(p));
      const failing = plans.filter((p) => p.errors.length).length;
      if (plans.length > 1)
        io.err(`${plans.length} rollouts changed since ${opts.base}${failing ? `, ${failing} with errors` : ""}`);
    }
    return issues.length || plans.some((p) => p.errors.length) ? EXIT.failure : EXIT.ok;
  }
});
export {
  planCommand
};
