#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  parse
} from "./chunk-HOJYLCGZ.js";

// src/report/series.ts
var RANK = { pass: 0, inconclusive: 1, error: 2, fail: 3 };
function outcomeOf(s) {
  return s.outcome in RANK ? s.outcome : "error";
}
function worseOutcome(a, b) {
  return RANK[b] > RANK[a] ? b : a;
}
var ROUND_WIDTHS_MS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
  (s) => s * 1e3
);
function bucketWidth(spanMs, maxPoints) {
  const min = spanMs / Math.max(1, maxPoints);
  return ROUND_WIDTHS_MS.find((w) => w >= min) ?? Math.ceil(min / 864e5) * 864e5;
}
function medianGap(sorted) {
  const gaps = [];
  for (let i = 1; i < sorted.length; i++) gaps.push(sorted[i].t - sorted[i - 1].t);
  gaps.sort((a, b) => a - b);
  return gaps.length ? gaps[Math.floor(gaps.length / 2)] : 0;
}
function nearestRoundWidth(ms) {
  if (ms <= 0) return 0;
  let best = ROUND_WIDTHS_MS[0];
  for (const w of ROUND_WIDTHS_MS) if (Math.abs(Math.log(w / ms)) < Math.abs(Math.log(best / ms))) best = w;
  return best;
}
function chartPoints(samples, maxPoints, worse) {
  const timed = samples.map((s) => ({ s, t: Date.parse(s.at) })).sort((a, b) => a.t - b.t);
  if (!timed.length) return { points: [], widthMs: 0 };
  const first = timed[0].t;
  const span = timed.at(-1).t - first;
  const width = Math.max(bucketWidth(span + 1, Math.max(1, maxPoints - 1)), nearestRoundWidth(medianGap(timed)));
  const cells = Math.round(span / width) + 1;
  const grid = [];
  const further = (a, b) => worse === void 0 ? true : worse === "below" ? b < a : b > a;
  for (const { s, t: at } of timed) {
    const key = Math.min(cells - 1, Math.round((at - first) / width));
    const outcome = outcomeOf(s);
    const failing = outcome === "fail";
    const b = grid[key];
    if (!b) {
      grid[key] = {
        from: first + key * width,
        to: first + (key + 1) * width,
        value: s.value,
        outcome,
        count: 1,
        failed: failing ? 1 : 0,
        filled: false,
        valueFailing: failing
      };
      continue;
    }
    b.count++;
    if (failing) b.failed++;
    b.outcome = worseOutcome(b.outcome, outcome);
    if (s.value === null) continue;
    const takes = b.value === null || failing && !b.valueFailing || failing === b.valueFailing && further(b.value, s.value);
    if (takes) {
      b.value = s.value;
      b.valueFailing = failing;
    }
  }
  const points = [];
  for (let i = 0; i < cells; i++) {
    const cell = grid[i];
    if (cell) {
      const { valueFailing: _, ...point } = cell;
      points.push(point);
    } else {
      const before = points.at(-1);
      points.push({
        ...before,
        from: first + i * width,
        to: first + (i + 1) * width,
        count: 0,
        failed: 0,
        filled: true
      });
    }
  }
  return { points, widthMs: width };
}
function formatDuration(ms) {
  if (ms < 1e3) return `${ms} ms`;
  const s = Math.round(ms / 1e3);
  if (s < 60) return `${s}s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s / 60}m`;
  if (s < 86400) return s % 3600 ? `${Math.floor(s / 3600)}h ${Math.round(s % 3600 / 60)}m` : `${s / 3600}h`;
  return s % 86400 ? `${Math.floor(s / 86400)}d ${Math.round(s % 86400 / 3600)}h` : `${s / 86400}d`;
}

// src/report/mermaid.ts
function mermaidNumber(n) {
  if (!Number.isFinite(n) || n === 0) return "0";
  const abs = Math.abs(n);
  const decimals = abs >= 1e3 ? 0 : Math.min(12, Math.max(0, 3 - Math.floor(Math.log10(abs))));
  const text = n.toFixed(decimals);
  const trimmed = text.includes(".") ? text.replace(/\.?0+$/, "") : text;
  return trimmed === "-0" ? "0" : trimmed;
}

// src/report/threshold.ts
var FLIP = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" };
function isNode(n) {
  return !!n && typeof n === "object" && "op" in n;
}
function linear(node) {
  if (!isNode(node)) return null;
  const args = node.args;
  switch (node.op) {
    case "value":
      return typeof args === "number" || typeof args === "bigint" ? { a: 0, c: Number(args) } : null;
    case "id":
      return args === "baseline" ? { a: 1, c: 0 } : null;
    case "-_": {
      const x = linear(args);
      return x && { a: 0 - x.a, c: 0 - x.c };
    }
    case "+":
    case "-": {
      const [l, r] = args.map(linear);
      if (!l || !r) return null;
      const s = node.op === "+" ? 1 : -1;
      return { a: l.a + s * r.a, c: l.c + s * r.c };
    }
    case "*": {
      const [l, r] = args.map(linear);
      if (!l || !r) return null;
      if (l.a === 0) return { a: l.c * r.a, c: l.c * r.c };
      if (r.a === 0) return { a: r.c * l.a, c: r.c * l.c };
      return null;
    }
    case "/": {
      const [l, r] = args.map(linear);
      if (!l || !r || r.a !== 0 || r.c === 0) return null;
      return { a: l.a / r.c, c: l.c / r.c };
    }
    default:
      return null;
  }
}
var isValue = (n) => isNode(n) && n.op === "id" && n.args === "value";
function comparison(expression) {
  let ast;
  try {
    ast = parse(expression).ast;
  } catch {
    return null;
  }
  if (!["<", "<=", ">", ">="].includes(ast.op)) return null;
  const [l, r] = ast.args;
  const op = ast.op;
  if (isValue(l)) {
    const line = linear(r);
    return line && { op, line };
  }
  if (isValue(r)) {
    const line = linear(l);
    return line && { op: FLIP[op], line };
  }
  return null;
}
function conditionLine(condition, expression) {
  const c = comparison(expression);
  if (!c) return null;
  const isFail = condition === "fail";
  return {
    factor: c.line.a,
    offset: c.line.c,
    failsWhen: c.op.startsWith(">") === isFail ? "above" : "below",
    onLineFails: c.op.endsWith("=") === isFail,
    source: `${condition}: ${expression}`
  };
}
function thresholdOf(check) {
  const line = (check.fail !== void 0 ? conditionLine("fail", check.fail) : null) ?? (check.pass !== void 0 ? conditionLine("pass", check.pass) : null);
  if (line) return line;
  if (check.pass === void 0 && check.fail === void 0 && check.judge)
    return {
      factor: 0,
      offset: check.judge.thresholds.marginal,
      failsWhen: "below",
      onLineFails: false,
      source: `judge: score < ${check.judge.thresholds.marginal} fails (\u2265 ${check.judge.thresholds.pass} passes)`
    };
  return null;
}
function thresholdValue(t, baseline) {
  if (t.factor === 0) return t.offset;
  if (baseline === null || baseline === void 0 || !Number.isFinite(baseline)) return null;
  return t.factor * baseline + t.offset;
}

// src/report/gate-chart.ts
function chartViewOf(c) {
  const threshold = c.check ? thresholdOf(c.check) : null;
  if (!threshold)
    return {
      threshold: null,
      line: null,
      note: c.check ? "its condition is not a comparison of value with a number" : "not defined in the manifest"
    };
  const line = thresholdValue(threshold, c.baseline);
  return line === null ? { threshold, line: null, note: "no baseline was measured for its line" } : { threshold, line };
}

// src/report/timeline.ts
var str = (v) => typeof v === "string" ? v : v === void 0 || v === null ? "" : String(v);
var TimelineBuilder = class {
  all = [];
  open = /* @__PURE__ */ new Map();
  failingCount = /* @__PURE__ */ new WeakMap();
  begin(key, s) {
    const span = { ...s, end: s.start, point: false };
    this.open.set(key, span);
    this.all.push(span);
    return span;
  }
  close(key, t, state) {
    const s = this.open.get(key);
    if (!s) return;
    s.end = t;
    s.state = state;
    this.open.delete(key);
  }
  closeAll(prefix, t, state) {
    for (const key of [...this.open.keys()]) if (key.startsWith(prefix)) this.close(key, t, state);
  }
  point(lane, label, t, state, kind = "event") {
    this.all.push({ lane, label, kind, start: t, end: t, state, point: true });
  }
  add(e) {
    const t = Date.parse(e.time);
    if (Number.isNaN(t)) return;
    const r = e.result;
    const phase = e.phase ?? "";
    const { open } = this;
    const begin = this.begin.bind(this);
    const close = this.close.bind(this);
    const closeAll = this.closeAll.bind(this);
    const point = this.point.bind(this);
    switch (e.kind) {
      case "transition": {
        const status = str(r?.status);
        if (status === "applying") {
          closeAll("", t, "done");
          point(phase, `enter ${phase}`, t, "done");
        } else if (status === "healthy" || status === "complete") {
          close(`hold/${phase}`, t, "done");
          point(
            phase,
            status === "complete" ? "complete" : `healthy${r?.next ? ` (next ${str(r.next)})` : ""}`,
            t,
            "done"
          );
        } else if (status === "rolled-back" || status === "failed" && open.has("rollback")) {
          close("rollback", t, status === "rolled-back" ? "done" : "failed");
          point(
            "rollback",
            status === "rolled-back" ? `rolled back to ${str(r?.applied)}` : "verify failed",
            t,
            status === "rolled-back" ? "done" : "failed"
          );
        }
        break;
      }
      case "step-start": {
        const stepKind = str(r?.stepKind) || "apply";
        const lane = stepKind === "rollback" ? "rollback" : stepKind === "drill" ? "drill" : phase;
        const label = stepKind === "apply" ? `step ${e.step}` : `${stepKind} ${phase} ${e.step}`;
        begin(`step/${phase}/${e.step}`, { lane, label, kind: "step", start: t, state: "active" });
        break;
      }
      case "step-end":
        close(`step/${phase}/${e.step}`, t, "done");
        break;
      case "step-failed":
        close(`step/${phase}/${e.step}`, t, "failed");
        point(phase || "rollback", `step ${e.step ?? ""} failed`, t, "failed");
        break;
      case "gate-open":
        begin(`hold/${phase}`, {
          lane: phase,
          label: `gate hold ${str(r?.hold)}`.trim(),
          kind: "hold",
          start: t,
          state: "active"
        });
        break;
      case "sample": {
        const check = str(r?.check);
        const key = `failing/${phase}/${check}`;
        if (r?.outcome === "fail") {
          const s = open.get(key) ?? begin(key, { lane: phase, label: "", kind: "failing", start: t, state: "failed" });
          s.end = t;
          const n = (this.failingCount.get(s) ?? 0) + 1;
          this.failingCount.set(s, n);
          s.label = `${check} failing (${n})`;
        } else if (r?.outcome === "pass") close(key, open.get(key)?.end ?? t, "failed");
        break;
      }
      case "gate-failed":
        for (const key of [...open.keys()].filter((k) => k.startsWith(`failing/${phase}/`)))
          close(key, open.get(key).end, "failed");
        close(`hold/${phase}`, t, "failed");
        point(phase, `gate failed${r?.severity ? ` (${str(r.severity)})` : ""}`, t, "failed");
        break;
      case "gate-paused":
        close(`hold/${phase}`, t, "paused");
        point(phase, "gate paused", t, "paused");
        break;
      case "paused":
        point(phase, `paused by ${str(r?.by)}${e.step ? ` at ${e.step}` : ""}`, t, "paused");
        break;
      case "resume":
        point(phase, `resume${e.step ? ` at ${e.step}` : ""}`, t, "done");
        break;
      case "emergency-rollback":
        point("rollback", `emergency rollback to ${str(r?.to)}`, t, "failed");
        break;
      case "rollback-start":
        closeAll("hold/", t, "failed");
        closeAll("failing/", t, "failed");
        begin("rollback", {
          lane: "rollback",
          label: `roll back ${str(r?.from)} to ${str(r?.to)}`,
          kind: "rollback",
          start: t,
          state: "active"
        });
        break;
      case "phase-rolled-back":
        point("rollback", `${phase} rolled back`, t, "done");
        break;
      case "verify":
        point(
          "rollback",
          `verify ${str(r?.check)} ${str(r?.outcome)}`,
          t,
          r?.outcome === "pass" ? "done" : "failed",
          "verify"
        );
        break;
      case "drill-start":
        begin("drill", { lane: "drill", label: "drill", kind: "drill", start: t, state: "active" });
        break;
      case "drill":
        if (!open.has("drill") && r?.rtoMs === void 0) break;
        close("drill", t, r?.ok === false ? "failed" : "done");
        if (typeof r?.rtoMs === "number")
          point("drill", `drill RTO ${formatDuration(r.rtoMs)}`, t, r.ok === false ? "failed" : "done");
        break;
    }
  }
  /** The spans so far; those still open run to `now`. */
  spans(now = Date.now()) {
    const open = new Set(this.open.values());
    return this.all.map((s) => {
      if (s.kind === "failing") return { ...s, point: s.end === s.start };
      return open.has(s) ? { ...s, end: Math.max(s.end, now), state: "active" } : { ...s };
    });
  }
};
function timelineOf(entries, now = Date.now()) {
  const b = new TimelineBuilder();
  for (const e of entries) b.add(e);
  return b.spans(now);
}

export {
  mermaidNumber,
  outcomeOf,
  chartPoints,
  formatDuration,
  chartViewOf,
  timelineOf
};
