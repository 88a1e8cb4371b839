#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  known,
  localEngine
} from "./chunk-YNZP7WRO.js";
import "./chunk-BGP3KSHI.js";
import "./chunk-AAA3FYCY.js";
import "./chunk-JX3KUFU7.js";
import "./chunk-IW25GJ3B.js";
import "./chunk-RFIB7AKY.js";
import "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import "./chunk-HOJYLCGZ.js";
import "./chunk-G3Q7ZTPS.js";
import {
  defineCommand,
  engineOptions
} from "./chunk-EWS5QH4S.js";
import {
  EXIT,
  Option,
  UsageError
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/report/log-lines.ts
var s = (v) => v === void 0 || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
var MAX = 240;
function sampleText(r) {
  const value = r.value !== null && r.value !== void 0 ? ` (${s(r.value)})` : "";
  const why = r.reason ?? r.error;
  return `${s(r.check)} ${s(r.outcome)}${value}${why ? ` \u2014 ${s(why)}` : ""}`;
}
function what(e) {
  const r = e.result ?? {};
  switch (e.kind) {
    case "transition":
      return r.from !== void 0 ? `${s(r.from)} -> ${s(r.to)}, ${s(r.status)}` : `${s(r.status)}${r.next ? `; next ${s(r.next)}` : ""}`;
    case "gate-open": {
      const checks = r.checks?.join(", ") || "none";
      return `gate open: hold ${s(r.hold)}, every ${s(r.every)}, checks ${checks}; passes at ${s(r.passesAt)}`;
    }
    case "sample":
    case "verify":
      return sampleText(r);
    case "gate-failed":
      return `gate failed (${s(r.severity)}): ${s(r.reason)}`;
    case "gate-paused":
      return `gate paused: ${s(r.reason)}`;
    case "rollback-start":
      return `rollback ${s(r.from)} -> ${s(r.to)} (${s(r.reason)})`;
    case "phase-rolled-back":
      return `rolled back; applied now ${s(r.applied)}`;
    case "emergency-rollback":
      return `emergency rollback ${s(r.from)} -> ${s(r.to)}`;
    case "resume":
    case "retry": {
      const failure = r.failure ?? r.after;
      return `${e.kind}${r.from ? ` from ${s(r.from)}` : ""}${failure?.reason ? ` (was: ${s(failure.reason)})` : ""}`;
    }
    case "pause":
      return `pause asked${r.holder ? " while a run held the lease" : ""}${r.reason ? `: ${s(r.reason)}` : ""}`;
    case "paused":
      return `paused (was ${s(r.from)})${r.batches !== void 0 ? ` after batch ${s(r.batches)}, cursor saved` : ""}`;
    case "override":
      return `hold skipped (${s(r.from)} -> ${s(r.status)}): ${s(r.reason)}`;
    case "step-start": {
      const from = r.resumeFrom?.batches;
      return `${s(r.stepKind) || "step"} started${from !== void 0 ? `, resumed after batch ${s(from)}` : ""}`;
    }
    case "step-result": {
      const status = r.status ?? r.exitCode;
      const numbers = Object.entries(r).filter(([k, v]) => typeof v === "number" && k !== "status" && k !== "exitCode");
      const tally = numbers.map(([k, v]) => `${k} ${s(v)}`).join(", ");
      const code = status !== void 0 ? ` ${r.status !== void 0 ? "HTTP" : "exit"} ${s(status)}` : "";
      return `result${code}${tally ? `: ${tally}` : ""}`;
    }
    case "drill":
      return `drill ${r.ok ? "ok" : "failed"}, RTO ${s(r.rtoMs)} ms`;
    default:
      return e.result === void 0 ? e.kind : `${e.kind} ${s(e.result)}`;
  }
}
function logLine(e) {
  const where = [e.phase, e.step].filter(Boolean).join("/") || "-";
  const counts = e.counts ? ` [${Object.entries(e.counts).map(([k, v]) => `${k} ${v}`).join(", ")}]` : "";
  const took = e.durationMs !== void 0 ? ` in ${e.durationMs} ms` : "";
  const error = e.error ? ` \u2014 error: ${e.error}` : "";
  const text = `${what(e)}${counts}${took}${error}`;
  return `${e.time}  ${e.actor}  ${where}  ${text.length > MAX ? `${text.slice(0, MAX - 1)}\u2026` : text}`;
}

// src/cli/commands/log.ts
var UNIT_MS = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 };
function sinceMs(text, now = Date.now()) {
  const rel = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]];
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageError(`--since ${text}: expected a duration like 30m, 2h, 1d, or an ISO time`);
  return at;
}
var logCommand = defineCommand({
  name: "log",
  summary: "the ledger as a history: time, actor, phase/step, what happened, counts",
  examples: [
    "rollouts log byok-backfill                 # every entry, oldest first",
    "rollouts log byok-backfill --since 2h      # the last two hours (or --since 2026-01-01T00:00:00Z)",
    `rollouts log byok-backfill --json | jq '.entries[] | select(.kind == "sample")'`
  ],
  configure: (cmd) => engineOptions(cmd.argument("<name>", "the rollout")).addOption(
    new Option("--since <when>", "only entries since a duration ago (30m, 2h, 1d) or an ISO time")
  ),
  async run({ io, args: [name], opts }) {
    const from = opts.since === void 0 ? null : sinceMs(opts.since);
    const { deps, manifests } = await localEngine(io, opts);
    if (!manifests.some((m) => m.name === name) && !(await deps.store.listRollouts()).includes(name))
      throw new UsageError(`no rollout named ${name}${known(manifests)}`);
    let n = 0;
    if (opts.json) io.out(`{"rollout": ${JSON.stringify(name)}, "entries": [`);
    for await (const e of deps.store.readLedger(name)) {
      if (from !== null && !(Date.parse(e.time) >= from)) continue;
      if (opts.json) io.out(`${n ? "," : ""}${JSON.stringify(e)}`);
      else io.out(logLine(e));
      n++;
    }
    if (opts.json) io.out("]}");
    else if (n === 0)
      io.err(`${name}: no ledger entries${from !== null ? ` since ${new Date(from).toISOString()}` : ""}`);
    return EXIT.ok;
  }
});
export {
  logCommand,
  sinceMs
};
