#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  actorOf
} from "./chunk-HAEXPT67.js";
import {
  findRollout,
  localEngine,
  raceAware,
  skipHold
} from "./chunk-YNZP7WRO.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-JX3KUFU7.js";
import "./chunk-IW25GJ3B.js";
import {
  DEFAULT_IDENTITY,
  Git
} from "./chunk-RFIB7AKY.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-HOJYLCGZ.js";
import "./chunk-G3Q7ZTPS.js";
import {
  defineCommand,
  engineOptions
} from "./chunk-EWS5QH4S.js";
import {
  CliFailure,
  EXIT,
  Option,
  UsageError
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/promote-commit.ts
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
var PHASE_LINE = /^phase:[^\n#]*?(\s*#.*)?$/m;
function withPhase(text, phase) {
  if (!PHASE_LINE.test(text)) return null;
  return text.replace(PHASE_LINE, (_line, comment) => `phase: ${phase}${comment ?? ""}`);
}
async function assertCommitted(root, file) {
  if ((await new Git(root).ok(["status", "--porcelain", "--", file])).trim())
    throw new CliFailure(`${file} has uncommitted changes: commit or stash them first, then promote`);
}
async function commitPhase(root, file, phase, message) {
  await assertCommitted(root, file);
  const plain = new Git(root);
  const config = async (key) => (await plain.run(["config", "--get", key])).stdout.trim();
  const [name, email] = await Promise.all([config("user.name"), config("user.email")]);
  const git = new Git(root, {
    identity: { name: name || DEFAULT_IDENTITY.name, email: email || DEFAULT_IDENTITY.email }
  });
  const path = join(root, file);
  const next = withPhase(await readFile(path, "utf8"), phase);
  if (next === null) throw new CliFailure(`${file} has no top-level \`phase:\` line to set`);
  await writeFile(path, next);
  await git.ok(["add", "--", file]);
  await git.ok(["commit", "-q", "--no-verify", "-m", message, "--", file]);
  return (await git.ok(["rev-parse", "HEAD"])).trim();
}

// src/cli/commands/promote.ts
function notReady(m, s) {
  const applied = s?.applied ?? "none";
  const status = s?.status ?? "none";
  if (m.phase === "none") return applied === "none" ? null : `${m.name} still has ${applied} applied (${status})`;
  if (applied !== m.phase) return `${m.name} asks for ${m.phase}, applied is ${applied}: run \`rollouts apply\` first`;
  if (status === "healthy") return null;
  if (status === "holding")
    return `the gate of ${m.phase} holds until ${s.gate?.passesAt}: wait, or pass --skip-hold --reason TEXT`;
  return `${m.name} is ${status} at ${m.phase}${status === "paused" ? ": `rollouts resume`, or --skip-hold --reason TEXT" : ""}`;
}
var promoteCommand = defineCommand({
  name: "promote",
  summary: "set phase: to the next phase and commit it, as the promotion PR does",
  examples: [
    "rollouts promote byok-backfill                          # canary is healthy: phase: full, committed",
    'rollouts promote byok-backfill --skip-hold --reason "INC-42: fix must ship"   # an override, in the ledger'
  ],
  configure: (cmd) => engineOptions(
    cmd.argument("<name>", "the rollout").addOption(new Option("--skip-hold", "don't wait for the open gate's hold: recorded as an override")).addOption(new Option("--reason <text>", "why the hold is skipped (required with --skip-hold)"))
  ),
  run: ({ io, args: [name], opts }) => raceAware(async () => {
    if (opts.skipHold && !opts.reason?.trim()) throw new UsageError("--skip-hold needs --reason TEXT: say why");
    if (opts.reason && !opts.skipHold) throw new UsageError("--reason goes with --skip-hold");
    const { root, deps, manifests, files } = await localEngine(io, opts);
    const m = findRollout(manifests, name);
    const next = m.phases[m.phase === "none" ? 0 : m.phases.findIndex((p) => p.name === m.phase) + 1]?.name;
    if (!next) throw new CliFailure(`${m.name} is at its last phase, ${m.phase}: nothing to promote to`);
    const file = files.get(m.name);
    await assertCommitted(root, file);
    const actor = await actorOf(root, io.env);
    let note = "";
    if (opts.skipHold) {
      const state = await skipHold(deps, m, actor, opts.reason.trim());
      if (!state) throw new CliFailure("another reconciler holds the lease; retry", EXIT.lostRace);
      note = `

Hold of ${m.phase} skipped by ${actor}: ${opts.reason.trim()}`;
    } else {
      const why = notReady(m, (await deps.store.readState(m.name)).state);
      if (why) throw new CliFailure(why);
    }
    const sha = await commitPhase(root, file, next, `${m.name}: promote to ${next}${note}`);
    io.out(`${m.name}: phase: ${next} committed in ${sha.slice(0, 12)} (${file}); \`rollouts apply\` applies it`);
    return EXIT.ok;
  })
});
export {
  promoteCommand
};
