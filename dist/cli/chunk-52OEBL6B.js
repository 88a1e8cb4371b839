#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  chartViewOf,
  formatDuration,
  mermaidNumber,
  outcomeOf
} from "./chunk-QAYVKN3D.js";
import {
  currentProgress,
  findRollout,
  localEngine,
  pauseNote,
  statusOf,
  summarize
} from "./chunk-YNZP7WRO.js";
import {
  colourEnabled
} from "./chunk-AAA3FYCY.js";
import {
  StateFileError
} from "./chunk-IW25GJ3B.js";
import {
  durationMs
} from "./chunk-HOJYLCGZ.js";
import {
  defineCommand,
  engineOptions
} from "./chunk-EWS5QH4S.js";
import {
  CliFailure,
  EXIT,
  Option
} from "./chunk-Q3SWWA5U.js";

// src/report/markdown.ts
function gateSeries(m, phase, samples, baseline) {
  const gate = m?.phases.find((p) => p.name === phase)?.gate;
  const names = [.../* @__PURE__ */ new Set([...gate?.checks ?? [], ...samples.map((s) => s.check)])];
  return names.map((name) => ({
    name,
    check: m?.checks[name],
    samples: samples.filter((s) => s.check === name),
    baseline: baseline?.[name] ?? null
  }));
}

// src/report/terminal.ts
var BARS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";
var paint = (on, code, text) => on ? `\x1B[${code}m${text}\x1B[0m` : text;
var red = (on, t) => paint(on, "31", t);
var green = (on, t) => paint(on, "32", t);
var yellow = (on, t) => paint(on, "33", t);
var bold = (on, t) => paint(on, "1", t);
var dim = (on, t) => paint(on, "2", t);
function level(v, lo, hi) {
  if (hi <= lo) return 3;
  return Math.max(0, Math.min(7, Math.round((v - lo) / (hi - lo) * 7)));
}
function sparkline(c, width, color) {
  const view = chartViewOf(c);
  const samples = c.samples.slice(-width);
  const values = samples.map((s) => s.value).filter((v) => v !== null);
  const withLine = view.line !== null ? [...values, view.line] : values;
  const lo = Math.min(...withLine);
  const hi = Math.max(...withLine);
  const outcomesOnly = values.length === 0;
  const chars = samples.map((s) => {
    const o = outcomeOf(s);
    if (outcomesOnly) return o === "pass" ? "\u2586" : o === "fail" ? color ? red(true, "\u2581") : "\xD7" : yellow(color, "\u2583");
    if (s.value === null) return o === "fail" ? red(color, color ? "\u2581" : "\xD7") : dim(color, "\xB7");
    const ch = BARS[level(s.value, lo, hi)];
    if (o === "fail") return color ? red(true, ch) : "\xD7";
    if (o !== "pass") return yellow(color, ch);
    return ch;
  });
  return {
    text: chars.join(""),
    lineLevel: view.line !== null && values.length ? BARS[level(view.line, lo, hi)] : null
  };
}
function phaseLine(m, color) {
  const ai = m.phases.indexOf(m.applied);
  const failed = ["failed", "paused"].includes(m.status);
  const parts = m.phases.map((p, i) => {
    if (p === m.applied) {
      const mark = failed ? "\u2716" : m.status === "rolling-back" ? "\u21A9" : m.status === "complete" || m.status === "healthy" ? "\u2714" : "\u25B6";
      const text = `${mark} ${p}`;
      return bold(color, failed ? red(color, text) : text);
    }
    if (i < ai) return green(color, `\u2714 ${p}`);
    return dim(color, `${p === m.desired ? "\u25CE" : "\u25CB"} ${p}`);
  });
  return parts.join(dim(color, " \u203A "));
}
function eta(p, now) {
  const started = p.startedAt ? Date.parse(p.startedAt) : NaN;
  const elapsed = Number.isNaN(started) ? 0 : Math.max(1, now - started);
  const perSec = elapsed ? (p.items || p.batches) / (elapsed / 1e3) : 0;
  const unit = p.items ? "items/s" : "batches/s";
  const rate = elapsed ? `${perSec >= 100 ? Math.round(perSec) : perSec.toFixed(1)} ${unit}` : "";
  if (!p.maxBatches || !elapsed || !p.batches) return { rate, eta: "" };
  const left = (p.maxBatches - p.batches) * elapsed / p.batches;
  return { rate, eta: `ETA \u2264 ${formatDuration(Math.max(0, Math.round(left)))}` };
}
function clock(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}
function fit(line, width) {
  let visible = 0;
  let out = "";
  for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith("\x1B[")) {
      out += part;
      continue;
    }
    for (const ch of part) {
      if (visible >= width) return line.includes("\x1B[") ? `${out}\x1B[0m` : out;
      out += ch;
      visible++;
    }
  }
  return out;
}
function watchFrame(m, opts) {
  const { color, width } = opts;
  const c = color;
  const statusText = m.status === "failed" || m.status === "paused" ? red(c, m.status) : m.status === "complete" || m.status === "healthy" || m.status === "rolled-back" ? green(c, m.status) : yellow(c, m.status);
  const lines = [
    `${bold(c, m.name)}  ${statusText}  applied ${m.applied}, desired ${m.desired}  ${dim(c, `${clock(m.now)} UTC`)}`,
    `${dim(c, "phases")}  ${phaseLine(m, c)}`
  ];
  if (m.step) {
    const p = m.progress;
    const parts = [m.step];
    if (p) {
      const { rate, eta: left } = eta(p, m.now);
      parts.push(
        `batch ${p.batches}${p.maxBatches ? `/${p.maxBatches}` : ""}`,
        `${p.items.toLocaleString("en-US")} items`,
        ...rate ? [rate] : [],
        ...left ? [left] : []
      );
    }
    lines.push(`${dim(c, "step")}    ${parts.join(", ")}`);
  }
  if (m.gate) {
    const passes = Date.parse(m.gate.passesAt);
    const wait = passes > m.now ? ` (in ${formatDuration(passes - m.now)})` : "";
    const hold = m.gate.hold ? `hold ${m.gate.hold}, ` : "";
    const every = m.gate.every ? `every ${m.gate.every}, ` : "";
    lines.push(`${dim(c, "gate")}    ${m.gate.phase}: ${hold}${every}passes at ${clock(passes)}${wait}`);
    const nameWidth = Math.max(8, ...m.gate.checks.map((x) => x.name.length));
    const sparkWidth = Math.max(8, Math.min(40, width - nameWidth - 44));
    for (const check of m.gate.checks) {
      const { text, lineLevel } = sparkline(check, sparkWidth, c);
      const last = check.samples.at(-1);
      const view = chartViewOf(check);
      const value = last?.value !== null && last?.value !== void 0 ? mermaidNumber(last.value) : "\u2014";
      const outcome = last ? outcomeOf(last) : "no samples";
      const shownOutcome = outcome === "fail" ? red(c, outcome) : outcome === "pass" ? green(c, outcome) : yellow(c, outcome);
      const condition = check.check?.fail !== void 0 ? `fail: ${check.check.fail}` : check.check?.pass !== void 0 ? `pass: ${check.check.pass}` : "";
      const line = view.line !== null ? ` (line ${mermaidNumber(view.line)}${lineLevel ? ` ${lineLevel}` : ""})` : "";
      const threshold = view.threshold ? `${view.threshold.source}${line}` : condition;
      const spark = text + " ".repeat(Math.max(0, sparkWidth - Math.min(sparkWidth, check.samples.length)));
      lines.push(
        `  ${check.name.padEnd(nameWidth)}  ${spark}  ${value.padStart(8)}  ${shownOutcome}  ${dim(c, threshold)}`
      );
    }
  }
  if (m.failure?.reason) lines.push(`${red(c, "failure")} ${m.failure.reason}`);
  if (m.pause) lines.push(`${dim(c, "pause")}   ${m.pause}`);
  if (m.lease) {
    const { host, pid, runId } = m.lease.holder;
    const run = runId ? ` (run ${runId})` : "";
    lines.push(`${dim(c, "lease")}   ${host}:${pid}${run} until ${clock(Date.parse(m.lease.expiresAt))}`);
  } else lines.push(`${dim(c, "lease")}   free`);
  for (const e of m.events ?? []) lines.push(dim(c, `  ${e}`));
  return lines.map((l) => fit(l.trimEnd(), width));
}
function plainStatusLine(m) {
  const p = m.progress;
  const step = m.step ? `, step ${m.step}${p ? ` batch ${p.batches}${p.maxBatches ? `/${p.maxBatches}` : ""}, ${p.items} items` : ""}` : "";
  const gate = m.gate ? `, gate ${m.gate.phase} passes at ${m.gate.passesAt}` : "";
  const lease = m.lease ? `, lease ${m.lease.holder.host}:${m.lease.holder.pid}` : "";
  const pause = m.pause ? `, ${m.pause}` : "";
  return `${m.name}: ${m.status}, applied ${m.applied}, desired ${m.desired}${step}${gate}${lease}${pause}`;
}

// src/cli/watch.ts
var phaseAt = (m, name) => name === "none" ? -1 : m.phases.findIndex((p) => p.name === name);
function settled(m, s) {
  const status = s?.status ?? "none";
  const applied = s?.applied ?? "none";
  if (status === "failed" || status === "paused") return "failed";
  if (["applying", "holding", "rolling-back"].includes(status)) return "running";
  return phaseAt(m, m.phase) === phaseAt(m, applied) ? "done" : "running";
}
function nextPassAt(m, s, now) {
  const gate = s?.gate;
  if (s?.status !== "holding" || !gate) return now;
  const g = m.phases.find((p) => p.name === gate.phase)?.gate;
  if (!g) return now;
  const every = durationMs(g.every);
  const samples = gate.samples;
  let due = Infinity;
  for (const check of g.checks) {
    let last = -Infinity;
    for (const x of samples) if (x.check === check) last = Math.max(last, Date.parse(x.at));
    due = Math.min(due, last === -Infinity ? now : last + every);
  }
  const holdEnd = Date.parse(gate.passesAt);
  if (holdEnd > now) due = Math.min(due, holdEnd);
  return Number.isFinite(due) ? Math.max(now, due) : Math.max(now, holdEnd);
}
function watchModel(m, s, now, live, events) {
  const progress = s ? currentProgress(s) : null;
  const gate = s?.gate;
  const gateConfig = gate ? m.phases.find((p) => p.name === gate.phase)?.gate : void 0;
  const step = s?.step ?? (live ? live.step : null);
  const paged = m.phases.find((p) => p.name === (live?.phase ?? s?.applied))?.steps.find((x) => x.name === step);
  const fresh = live && live.step === step ? live : null;
  return {
    name: m.name,
    desired: m.phase,
    applied: s?.applied ?? "none",
    status: s?.status ?? "none",
    phases: m.phases.map((p) => p.name),
    step,
    progress: progress || fresh ? {
      batches: Math.max(fresh?.batches ?? 0, progress?.batches ?? 0),
      items: Math.max(fresh?.items ?? 0, progress?.items ?? 0),
      startedAt: progress?.startedAt,
      maxBatches: fresh?.maxBatches ?? paged?.paginate?.maxBatches
    } : null,
    gate: gate ? {
      phase: gate.phase,
      startedAt: gate.startedAt,
      passesAt: gate.passesAt,
      hold: gateConfig?.hold,
      every: gateConfig?.every,
      checks: gateSeries(m, gate.phase, gate.samples, gate.baseline)
    } : null,
    lease: s?.lease ?? null,
    failure: s?.failure ?? null,
    pause: s?.pause ? pauseNote(s.pause) : void 0,
    events,
    now
  };
}
var defaultSleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function watchRollouts(d) {
  const now = d.now ?? Date.now;
  const sleep = d.sleep ?? defaultSleep;
  const tty = d.io.isTTY && !!d.io.errRaw;
  const color = tty && colourEnabled(d.io.env, true);
  const width = d.columns ?? (Number(d.io.env.COLUMNS) || 100);
  const pollMs = d.pollMs ?? (tty ? 1e3 : 2e3);
  let drawn = 0;
  const lastLine = /* @__PURE__ */ new Map();
  const seenSamples = /* @__PURE__ */ new Map();
  const read = async () => {
    const out = [];
    let first = true;
    for (const m of d.manifests) {
      try {
        const { state } = await d.store.readState(m.name, { fetch: d.fetch && first });
        out.push({ m, s: state });
      } catch (err) {
        if (err instanceof StateFileError) throw new CliFailure(err.message, EXIT.failure);
        throw err;
      }
      first = false;
    }
    return out;
  };
  const draw = (views) => {
    const t = now();
    if (tty) {
      const lines = views.flatMap(({ m, s }, i) => [
        ...i ? [""] : [],
        ...watchFrame(watchModel(m, s, t, d.live?.(), i === views.length - 1 ? d.events?.() : void 0), {
          width,
          color
        })
      ]);
      d.io.errRaw(`${drawn ? `\x1B[${drawn}F\x1B[J` : "\x1B[?25l"}${lines.join("\n")}
`);
      drawn = lines.length;
      return;
    }
    for (const { m, s } of views) {
      const model = watchModel(m, s, t, d.live?.());
      const line = plainStatusLine(model);
      if (lastLine.get(m.name) !== line) d.io.out(`${new Date(t).toISOString()} ${line}`);
      lastLine.set(m.name, line);
      const samples = s?.gate?.samples ?? [];
      const seen = seenSamples.get(`${m.name}/${s?.gate?.startedAt}`) ?? 0;
      for (const x of samples.slice(seen)) {
        const value = x.value !== null ? ` ${x.value}` : "";
        const why = x.reason || x.error ? ` (${x.reason ?? x.error})` : "";
        d.io.out(`${x.at} ${m.name}: ${s.gate.phase} ${x.check} ${outcomeOf(x)}${value}${why}`);
      }
      seenSamples.set(`${m.name}/${s?.gate?.startedAt}`, samples.length);
    }
  };
  const restore = () => {
    if (tty) d.io.errRaw("\x1B[?25h");
  };
  try {
    for (; ; ) {
      if (d.signal?.aborted) return 130;
      if (d.pass) {
        let passing = true;
        const passed = d.pass().finally(() => passing = false);
        while (passing) {
          draw(await read());
          await Promise.race([passed.catch(() => void 0), sleep(pollMs)]);
        }
        await passed;
      }
      const views = await read();
      draw(views);
      const states = views.map(({ m, s }) => settled(m, s));
      if (states.every((x) => x !== "running")) return states.includes("failed") ? EXIT.failure : EXIT.ok;
      const due = Math.min(...views.map(({ m, s }) => nextPassAt(m, s, now())));
      const wake = d.pass && due > now() ? due : now() + pollMs;
      do {
        await sleep(Math.max(0, Math.min(pollMs, wake - now())));
        if (d.signal?.aborted) return 130;
        if (now() < wake) draw(await read());
      } while (now() < wake);
    }
  } finally {
    restore();
  }
}
function watchReporter(keep = 5) {
  const events = [];
  let live = null;
  const push = (line) => {
    events.push(line.trim());
    if (events.length > keep) events.splice(0, events.length - keep);
  };
  const step = (label) => {
    const [phase = "", name = ""] = label.trim().split("/");
    return { phase, step: name };
  };
  return {
    reporter: {
      info: push,
      batch(label, batches, items, _ms, maxBatches) {
        live = { rollout: "", ...step(label), batches, items, maxBatches };
      },
      done(label, batches, items, ms) {
        live = null;
        push(`${label.trim()}: done, ${batches} batches, ${items} items in ${(ms / 1e3).toFixed(1)}s`);
      }
    },
    live: () => live,
    events: () => events
  };
}

// src/cli/commands/status.ts
var watchOption = () => new Option(
  "--watch",
  "redraw until the rollout settles (exit 0 done, 1 failed or paused); plain lines off a terminal"
);
var statusCommand = defineCommand({
  name: "status",
  summary: "applied phase, status, progress and last gate samples",
  examples: [
    "rollouts status",
    "rollouts status byok-backfill --json | jq .rollouts[0].progress",
    "rollouts status byok-backfill --watch   # live: phases, batches, gate sparklines, lease; exits when it settles"
  ],
  configure: (cmd) => engineOptions(cmd.argument("[name]", "one rollout (default: all)")).addOption(watchOption()),
  async run({ io, args: [name], opts }) {
    const { deps, manifests } = await localEngine(io, opts);
    if (name) findRollout(manifests, name);
    if (opts.watch)
      return watchRollouts({
        io,
        store: deps.store,
        manifests: name ? [findRollout(manifests, name)] : manifests,
        fetch: !!opts.remote
      });
    const views = await statusOf(deps.store, manifests, name);
    if (opts.json) io.out(JSON.stringify({ rollouts: views }, null, 2));
    else
      for (const v of views) {
        if (v.error) {
          io.err(`rollouts: ${v.error}`);
          continue;
        }
        const prog = v.progress ? `, ${v.progress.batches} batches, ${v.progress.items} items` : "";
        const gate = v.gate ? `, gate: ${v.gate.samples.length} recent samples, passes at ${v.gate.passesAt}` : "";
        const lease = v.lease ? `, lease ${v.lease.holder.host}:${v.lease.holder.pid} until ${v.lease.expiresAt}` : "";
        const pause = v.pause ? `, ${pauseNote(v.pause)}` : "";
        const step = v.step ? `, step ${v.step}` : "";
        io.out(
          `${v.name}: applied ${v.applied} (${v.status}), desired ${v.desired}${step}${prog}${gate}${lease}${pause}`
        );
      }
    if (!opts.json)
      summarize(
        io,
        views.map((v) => v.error ? "unreadable" : v.status)
      );
    return views.some((v) => v.error) ? EXIT.failure : EXIT.ok;
  }
});

export {
  watchRollouts,
  watchReporter,
  watchOption,
  statusCommand
};
