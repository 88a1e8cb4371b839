#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ControlRefused,
  OperationError
} from "./chunk-BGP3KSHI.js";
import {
  paint
} from "./chunk-AAA3FYCY.js";
import {
  HttpError,
  request,
  safeUrl,
  tryParseJson
} from "./chunk-JX3KUFU7.js";
import {
  GitStateStore,
  KEPT_DRILLS,
  LeaseLostError,
  LostRaceError,
  StateFileError,
  checkPhases,
  claimLease,
  currentHolder,
  describeCohort,
  describeGate,
  drillRecord,
  holderLabel,
  isSameHolder,
  phaseCommit,
  releaseLease,
  rollbackSteps,
  withRenewedLease
} from "./chunk-IW25GJ3B.js";
import {
  Git,
  ProcessError,
  childEnv,
  envNamesOf,
  loadCommittedRollouts,
  phaseScope,
  rollbackScope,
  runProcess
} from "./chunk-RFIB7AKY.js";
import {
  formatMs
} from "./chunk-ODV7476C.js";
import {
  JUDGE_EFFECT_SIZE,
  TemplateError,
  celBool,
  checkKind,
  compileCel,
  durationMs,
  formatIssue,
  isDeniedEnvName,
  isWholeTemplate,
  parse,
  prometheusUrlOf,
  render,
  renderCheckConfig,
  renderText,
  renderUrl,
  stepDriver,
  templatesIn
} from "./chunk-HOJYLCGZ.js";
import {
  excerpt,
  secrets
} from "./chunk-G3Q7ZTPS.js";
import {
  CliFailure,
  EXIT,
  UsageError
} from "./chunk-Q3SWWA5U.js";

// src/engine/pause-switch.ts
var PauseHonoured = class extends Error {
  constructor(step, request2) {
    super(`${step}: ${pauseNote(request2)}`);
    this.step = step;
    this.request = request2;
  }
  step;
  request;
};
function pauseNote(p) {
  return `${p.from ? "paused" : "pause asked"} by ${p.by} at ${p.at}${p.reason ? `: ${p.reason}` : ""}`;
}
async function stopIfPaused(session, kind, step, cp) {
  const asked = session.state.pause;
  if (!asked || kind !== "apply") return;
  await cp?.drain();
  throw new PauseHonoured(step, asked);
}
async function honourPause(session) {
  const s = await session.commit(
    (st) => {
      if (!st.pause || st.status === "paused") return;
      st.pause = { ...st.pause, from: st.status };
      st.status = "paused";
    },
    [],
    "pause honoured"
  );
  if (s.status !== "paused" || !s.pause) return false;
  await session.commit(
    null,
    [session.entry({ kind: "paused", phase: s.applied, step: s.step ?? void 0, result: pauseRecord(s) })],
    `${s.applied}: paused by ${s.pause.by}`
  );
  return true;
}
function pauseRecord(s) {
  const { by, at, reason, from } = s.pause;
  const key = Object.entries(s.progress ?? {}).find(([k, p]) => !p.done && k.startsWith(`${s.applied}/apply/`));
  const cursor = key ? { progress: key[0], batches: key[1].batches, cursor: key[1].cursor } : void 0;
  return { by, at, reason, from, ...cursor };
}

// src/checks/gate-tally.ts
function tallyCheck(name, check, samples, seed) {
  const forMs = check.for ? durationMs(check.for) : 0;
  const t = {
    name,
    severity: check.severity,
    samples,
    total: seed?.samples ?? 0,
    lastAt: seed ? Date.parse(seed.lastAt) : void 0,
    counted: [],
    countedN: seed?.counted ?? 0,
    pending: [],
    pendingN: seed?.pending ?? 0,
    streakStart: seed?.streakStart ? Date.parse(seed.streakStart) : void 0,
    errorRun: [],
    errorRunN: seed?.errorRun ?? 0,
    errorsN: seed?.errors ?? 0,
    inconclusive: [],
    inconclusiveN: seed?.inconclusive ?? 0,
    passes: seed?.passes ?? 0
  };
  let errors = [];
  for (const s of samples) {
    const at = Date.parse(s.at);
    t.total++;
    t.lastAt = at;
    if (s.outcome === "error") {
      errors.push(s);
      if (++t.errorsN > t.errorRunN) {
        t.errorRunN = t.errorsN;
        t.errorRun = errors;
      }
      continue;
    }
    errors = [];
    t.errorsN = 0;
    if (s.outcome === "pass") {
      t.passes++;
      t.streakStart = void 0;
      t.pending = [];
      t.pendingN = 0;
    } else if (s.outcome === "inconclusive") {
      t.inconclusive.push(s);
      t.inconclusiveN++;
    } else {
      t.streakStart ??= at;
      if (at - t.streakStart >= forMs) {
        t.counted.push(s);
        t.countedN++;
        t.pending = [];
        t.pendingN = 0;
      } else {
        t.pending.push(s);
        t.pendingN++;
      }
    }
  }
  return t;
}
function ownSamples(name, samples, start) {
  return samples.filter((s) => s.check === name && Date.parse(s.at) >= start).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
function foldSamples(gate, checks, startedAt, older, tallies = {}) {
  const start = Date.parse(startedAt);
  const out = { ...tallies };
  for (const name of new Set(gate.checks)) {
    const check = checks[name];
    const own = ownSamples(name, older, start);
    if (!check || own.length === 0) continue;
    const t = tallyCheck(name, check, own, tallies[name]);
    out[name] = {
      samples: t.total,
      lastAt: new Date(t.lastAt).toISOString(),
      counted: t.countedN,
      streakStart: t.streakStart === void 0 ? null : new Date(t.streakStart).toISOString(),
      pending: t.pendingN,
      errors: t.errorsN,
      errorRun: t.errorRunN,
      inconclusive: t.inconclusiveN,
      passes: t.passes
    };
  }
  return out;
}

// src/checks/gate.ts
function dueSlackMs(everyMs) {
  return Math.min(everyMs / 10, 3e4);
}
function why(s) {
  const text = s?.error ?? s?.reason;
  return text ? `: ${text}` : "";
}
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
function findings(t, gate) {
  const out = [];
  const base = { check: t.name, severity: t.severity };
  if (t.countedN > gate.failureLimit)
    out.push({
      ...base,
      kind: "fail",
      reason: `${t.name} failed ${plural(t.countedN, "sample")} (failureLimit ${gate.failureLimit})` + why(t.counted.at(-1)),
      failing: t.counted
    });
  if (t.errorRunN > gate.errorLimit)
    out.push({
      ...base,
      kind: "error",
      reason: `${t.name} could not be measured ${t.errorRunN} times in a row (errorLimit ${gate.errorLimit})` + why(t.errorRun.at(-1)),
      failing: t.errorRun
    });
  if (t.inconclusiveN > gate.inconclusiveLimit)
    out.push({
      ...base,
      kind: "inconclusive",
      reason: `${t.name} was inconclusive ${plural(t.inconclusiveN, "time")} (inconclusiveLimit ${gate.inconclusiveLimit})` + why(t.inconclusive.at(-1)),
      failing: t.inconclusive
    });
  return out;
}
function lackOfEvidence(t, minSamples) {
  const last = t.samples.at(-1);
  if (!last) return `${t.name}: no sample yet`;
  if (last.outcome !== "pass") {
    if (t.passes === 0) return `${t.name}: no pass sample yet (latest ${last.outcome}${why(last)})`;
    return `${t.name}: latest sample is ${last.outcome}${why(last)}`;
  }
  if (t.passes < minSamples) return `${t.name}: ${t.passes} of minSamples ${minSamples} pass samples`;
  return null;
}
function decideGate(input) {
  const { gate, now } = input;
  const start = typeof input.startedAt === "string" ? Date.parse(input.startedAt) : input.startedAt.getTime();
  if (Number.isNaN(start)) throw new Error(`gate start is not a time: ${String(input.startedAt)}`);
  const nowMs = now.getTime();
  const holdEnd = start + durationMs(gate.hold);
  const everyMs = durationMs(gate.every);
  const minSamples = gate.minSamples;
  const fresh = new Set(input.sampledThisPass ?? []);
  const names = [...new Set(gate.checks)];
  const tallies = names.map((name) => {
    const check = input.checks[name];
    if (!check) throw new Error(`gate names check ${name}, which is not defined`);
    return tallyCheck(name, check, ownSamples(name, input.samples, start), input.tally?.[name]);
  });
  const all = tallies.flatMap((t) => findings(t, gate));
  const reported = all.filter((f) => f.severity === "low").map(({ check, reason, failing }) => ({ check, reason, failing }));
  const extra = reported.length ? { reported } : {};
  const blocking = all.filter((f) => f.severity !== "low");
  const failed = blocking.filter((f) => f.kind === "fail" && (f.severity === "critical" || f.severity === "high"));
  if (failed.length) {
    return {
      state: "failed",
      severity: failed.some((f) => f.severity === "critical") ? "critical" : "high",
      reason: failed.map((f) => f.reason).join("; "),
      failing: failed.flatMap((f) => f.failing),
      ...extra
    };
  }
  if (blocking.length) {
    return {
      state: "paused",
      reason: blocking.map((f) => f.reason).join("; "),
      failing: blocking.flatMap((f) => f.failing),
      ...extra
    };
  }
  const gating = tallies.filter((t) => t.severity !== "low");
  const held = nowMs >= holdEnd;
  const lacking = gating.flatMap((t) => lackOfEvidence(t, minSamples) ?? []);
  if (held && lacking.length === 0 && gating.every((t) => fresh.has(t.name))) return { state: "healthy", ...extra };
  const finalLook = held && gating.every((t) => t.samples.at(-1)?.outcome === "pass" && t.passes + (fresh.has(t.name) ? 0 : 1) >= minSamples);
  const slack = dueSlackMs(everyMs);
  const lastAt = (t) => {
    const last = t.samples.at(-1);
    return last ? Date.parse(last.at) : null;
  };
  const due = tallies.filter((t) => !fresh.has(t.name)).filter((t) => {
    const last = lastAt(t);
    return last === null || last + everyMs - slack <= nowMs || finalLook && t.severity !== "low";
  }).map((t) => t.name);
  const earliest = gating.map((t) => {
    const last = t.samples.at(-1);
    const needed = Math.max(last?.outcome === "pass" ? 0 : 1, minSamples - t.passes);
    if (needed === 0) return nowMs;
    const first = Math.max(nowMs, last ? Date.parse(last.at) + everyMs : nowMs);
    return first + (needed - 1) * everyMs;
  });
  const passesAt = Math.max(holdEnd, ...earliest);
  const waiting = held ? { waiting: lacking } : {};
  return { state: "holding", due, passesAt: new Date(passesAt).toISOString(), ...waiting, ...extra };
}

// src/engine/outcome.ts
function outcomeOf(m, s, outcome, message) {
  return {
    name: m.name,
    outcome,
    desired: m.phase,
    applied: s?.applied ?? "none",
    status: s?.status ?? "none",
    message
  };
}
function busyOutcome(m, s) {
  return s ? outcomeOf(m, s, "busy", "another reconciler holds the lease") : { ...outcomeOf(m, null, "busy", "another reconciler holds the lease"), applied: "?", status: "?" };
}
function invalidStateOutcome(m, err) {
  return {
    name: m.name,
    outcome: "failed",
    desired: m.phase,
    applied: "?",
    status: "invalid-state",
    message: err.message
  };
}

// src/engine/context.ts
import { hash } from "node:crypto";
function allowedEnv(m, source, masker) {
  const env = {};
  const tokens = new Set([source.INPUT_TOKEN, source.GITHUB_TOKEN].filter((t) => !!t));
  for (const name of m.env) {
    const v = source[name];
    if (isDeniedEnvName(name) || v !== void 0 && tokens.has(v)) continue;
    if (v !== void 0) {
      env[name] = v;
      masker.add(v);
    }
  }
  return env;
}
function runContext(deps, m, dryRun = false) {
  const masker = secrets;
  return { manifest: m, env: allowedEnv(m, deps.env, masker), masker, cwd: deps.cwd, dryRun };
}
function templateContext(rc, phase, cohort) {
  return {
    rollout: { name: rc.manifest.name },
    phase: { name: phase },
    vars: rc.manifest.vars,
    env: rc.env,
    cohort: { ids: cohort?.ids ?? null, added: cohort?.added ?? null, percent: cohort?.percent ?? null },
    run: { dryRun: rc.dryRun }
  };
}
function batchKey(parts) {
  const text = JSON.stringify([
    parts.rollout,
    parts.phase,
    parts.kind,
    parts.step,
    parts.generation,
    parts.dryRun,
    parts.cursor ?? null
  ]);
  return `${parts.rollout}-${hash("sha256", text, "hex").slice(0, 32)}`;
}

// src/checks/sample.ts
import { performance as performance2 } from "node:perf_hooks";

// src/checks/operands.ts
var SHOWN_CHARS = 80;
function chainOf(node) {
  if (node.op === "id") return [node.args];
  if (node.op === ".") {
    const [object, field] = node.args;
    const base = chainOf(object);
    return base && [...base, field];
  }
  if (node.op === "[]") {
    const [object, index] = node.args;
    const base = chainOf(object);
    const key = index.op === "value" ? index.args : void 0;
    if (!base || typeof key !== "string" && typeof key !== "bigint" && typeof key !== "number") return null;
    return [...base, typeof key === "string" ? key : Number(key)];
  }
  return null;
}
function operandsIn(expression) {
  const found = /* @__PURE__ */ new Map();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object" || !("op" in node)) return;
    const chain = chainOf(node);
    if (chain) found.set(JSON.stringify(chain), chain);
    else visit(node.args);
  };
  try {
    visit(parse(expression).ast);
  } catch {
    return [];
  }
  return [...found.values()];
}
function pathText(chain) {
  return chain.map(
    (k, i) => i === 0 ? String(k) : typeof k === "number" ? `[${k}]` : /^[A-Za-z_]\w*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`
  ).join("");
}
function valueAt(root, chain) {
  let cur = root;
  for (const key of chain) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, key)) return { found: false };
    cur = cur[key];
  }
  return { found: true, value: cur };
}
function shown(value) {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}\u2026` : text;
}
function operandValues(expressions, vars) {
  const chains = new Map(expressions.flatMap(operandsIn).map((chain) => [JSON.stringify(chain), chain]));
  return [...chains.values()].map((chain) => {
    const { found, value } = valueAt(vars, chain);
    return `${pathText(chain)} ${found ? `= ${shown(value)}` : "is absent"}`;
  }).join(", ");
}

// src/checks/conditions.ts
var identifierCache = /* @__PURE__ */ new Map();
function identifiersIn(expression) {
  const cached = identifierCache.get(expression);
  if (cached) return cached;
  const names = /* @__PURE__ */ new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object" || !("op" in node)) return;
    const n = node;
    if (n.op === "id") names.add(n.args);
    else visit(n.args);
  };
  try {
    visit(parse(expression).ast);
  } catch {
  }
  identifierCache.set(expression, names);
  return names;
}
function needsBaseline(check) {
  return [check.pass, check.fail].some((e) => e !== void 0 && identifiersIn(e).has("baseline"));
}
function truthOf(expression, vars, valueNote) {
  const names = identifiersIn(expression);
  if (vars.value === null && names.has("value"))
    return { known: false, reason: `no value to test \`${expression}\` on${valueNote ? `: ${valueNote}` : ""}` };
  if (vars.baseline === null && names.has("baseline"))
    return {
      known: false,
      reason: `no baseline to test \`${expression}\` on (none was measured when the phase started)`
    };
  try {
    return { known: true, value: celBool(expression, { ...vars }) };
  } catch (err) {
    return { known: false, reason: `\`${expression}\` could not be evaluated: ${firstLine(err)}` };
  }
}
function firstLine(err) {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0] ?? text;
}
function shown2(expressions, vars) {
  const seen = operandValues(expressions, { ...vars });
  if (seen) return `: ${seen}`;
  return vars.value === null ? "" : ` (value ${vars.value})`;
}
function evaluateConditions(check, vars, valueNote) {
  const { pass, fail } = check;
  if (pass === void 0 && fail === void 0) return null;
  let failTruth;
  if (fail !== void 0) {
    failTruth = truthOf(fail, vars, valueNote);
    if (failTruth.known && failTruth.value)
      return { outcome: "fail", reason: `fail: \`${fail}\` is true${shown2([fail], vars)}` };
    if (!failTruth.known) return { outcome: "inconclusive", reason: failTruth.reason };
  }
  if (pass === void 0) return { outcome: "pass" };
  const passTruth = truthOf(pass, vars, valueNote);
  if (!passTruth.known) return { outcome: "inconclusive", reason: passTruth.reason };
  if (passTruth.value) return { outcome: "pass" };
  if (fail === void 0) return { outcome: "fail", reason: `pass: \`${pass}\` is false${shown2([pass], vars)}` };
  return {
    outcome: "inconclusive",
    reason: `neither pass: \`${pass}\` nor fail: \`${fail}\` is true${shown2([pass, fail], vars)}`
  };
}

// src/checks/deadline.ts
function deadline(parent, ms) {
  const timeout = AbortSignal.timeout(ms);
  return { signal: AbortSignal.any([parent, timeout]), expired: () => timeout.aborted && !parent.aborted };
}

// src/checks/types.ts
var MeasurementError = class extends Error {
};

// src/checks/prometheus-api.ts
function prometheusBase(url, env) {
  const base = url ?? env.prometheusUrl;
  if (!base) throw new MeasurementError("no Prometheus URL: give url: on the check or set PROMETHEUS_URL");
  return base.replace(/\/+$/, "");
}
async function prometheusGet(base, path, params, signal) {
  const query = new URLSearchParams(params).toString();
  const url = `${base}${path}${query ? `?${query}` : ""}`;
  const res = await request(url, { signal });
  const body = tryParseJson(res.body);
  if (!body || typeof body !== "object")
    throw new MeasurementError(`bad response from ${safeUrl(url)}: HTTP ${res.status}, not Prometheus API JSON`);
  if (body.status !== "success") {
    const what = [body.errorType, body.error].filter((x) => typeof x === "string").join(": ");
    throw new MeasurementError(`Prometheus ${path} failed (HTTP ${res.status})${what ? `: ${what}` : ""}`);
  }
  return body.data;
}
function sampleNumber(raw) {
  if (typeof raw !== "string" && typeof raw !== "number") return null;
  const n = typeof raw === "number" ? raw : raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
  return Number.isNaN(n) ? null : n;
}
function pairValue(pair) {
  if (!Array.isArray(pair) || pair.length !== 2)
    throw new MeasurementError('bad Prometheus sample: expected [time, "value"]');
  return sampleNumber(pair[1]);
}
function parseInstant(data) {
  const d = data;
  if (d?.resultType === "scalar")
    return { resultType: "scalar", samples: [{ metric: {}, value: pairValue(d.result) }] };
  if (d?.resultType === "vector" && Array.isArray(d.result)) {
    const samples = d.result.map((s) => ({
      metric: s.metric ?? {},
      value: pairValue(s.value)
    }));
    return { resultType: "vector", samples };
  }
  throw new MeasurementError(
    `the query gave a ${String(d?.resultType ?? "malformed result")}; a check needs a scalar or an instant vector`
  );
}
function parseMatrix(data) {
  const d = data;
  if (d?.resultType !== "matrix" || !Array.isArray(d.result))
    throw new MeasurementError(`a range query gave ${String(d?.resultType ?? "a malformed result")}, not a matrix`);
  return d.result.map((s) => {
    if (!Array.isArray(s.values)) throw new MeasurementError("bad Prometheus series: no values");
    const values = s.values.map(pairValue).filter((v) => v !== null);
    return { metric: s.metric ?? {}, values };
  });
}
function parseAlerts(data) {
  const alerts = data?.alerts;
  if (!Array.isArray(alerts)) throw new MeasurementError("bad /api/v1/alerts response: no alerts list");
  return alerts.map((a) => ({
    labels: a.labels ?? {},
    annotations: a.annotations ?? {},
    state: String(a.state ?? ""),
    ...a.activeAt !== void 0 ? { activeAt: a.activeAt } : {},
    ...a.value !== void 0 ? { value: a.value } : {}
  }));
}

// src/checks/alerts.ts
var alertsKind = {
  kind: "alerts",
  async measure(spec, env) {
    const base = prometheusBase(spec.url, env);
    const wanted = Object.entries(spec.labels);
    const alerts = parseAlerts(await prometheusGet(base, "/api/v1/alerts", {}, env.signal));
    const matches = alerts.filter((a) => a.state === "firing" && wanted.every(([k, v]) => a.labels[k] === v));
    return { value: matches.length, result: { alerts: matches } };
  },
  decide(m) {
    if (m.value === null) return { outcome: "inconclusive", reason: m.note ?? "no alert count" };
    if (m.value === 0) return { outcome: "pass" };
    const names = m.result.alerts.map(
      (a) => a.labels.alertname ?? "(unnamed)"
    );
    return { outcome: "fail", reason: `${m.value} alert(s) firing: ${[...new Set(names)].join(", ")}` };
  }
};

// src/checks/drill.ts
var drillKind = {
  kind: "drill",
  async measure(spec, env) {
    const now = env.now().getTime();
    const oldest = now - durationMs(spec.maxAge);
    let latest = null;
    for (const d of await env.drills()) {
      const t = Date.parse(d.time);
      if (Number.isNaN(t) || t < oldest || t > now || d.drillable <= 0) continue;
      if (!latest || t > Date.parse(latest.time)) latest = d;
    }
    const result = { drill: latest, maxRtoSeconds: durationMs(spec.maxRto) / 1e3, maxAge: spec.maxAge };
    if (!latest)
      return {
        value: null,
        result,
        note: `no rollback drill that ran steps recorded in the last ${spec.maxAge}; run \`rollouts drill\``
      };
    return { value: latest.rtoMs / 1e3, result };
  },
  decide(m, check) {
    const { drill: drill2, maxRtoSeconds } = m.result;
    if (!drill2 || m.value === null) return { outcome: "fail", reason: m.note ?? "no rollback drill recorded" };
    if (!drill2.ok) return { outcome: "fail", reason: `the latest rollback drill (${drill2.time}) failed` };
    if (m.value > maxRtoSeconds)
      return {
        outcome: "fail",
        reason: `the latest rollback drill (${drill2.time}) took ${m.value}s, more than maxRto ${check.drill.maxRto}`
      };
    return { outcome: "pass" };
  }
};

// src/checks/exec.ts
var execKind = {
  kind: "exec",
  async measure(spec, env) {
    const file = spec.run[0];
    let r;
    try {
      r = await runProcess(spec.run, {
        cwd: env.cwd,
        env: childEnv(env.env),
        signal: env.signal,
        timeoutMs: durationMs(spec.timeout)
      });
    } catch (err) {
      throw err instanceof ProcessError ? new MeasurementError(`exec ${err.message}`) : err;
    }
    if (r.exitCode === null) throw new MeasurementError(`exec ${file}: killed by ${r.signal ?? "a signal"}`);
    const result = {
      exitCode: r.exitCode,
      stdout: r.stdout,
      stderr: r.stderr,
      json: tryParseJson(r.stdout) ?? null
    };
    return { value: r.exitCode, result };
  },
  decide(m) {
    if (m.value === 0) return { outcome: "pass" };
    const stderr = (m.result.stderr ?? "").trim().split("\n").slice(-3).join(" | ");
    return { outcome: "fail", reason: `exit code ${m.value}${stderr ? `: ${stderr.slice(0, 500)}` : ""}` };
  }
};

// src/checks/http.ts
var httpKind = {
  kind: "http",
  async measure(spec, env) {
    const headers = { ...spec.headers };
    let body;
    if (spec.json !== void 0) {
      body = JSON.stringify(spec.json);
      if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type"))
        headers["content-type"] = "application/json";
    }
    const res = await request(spec.url, {
      method: spec.method,
      headers,
      body,
      signal: env.signal,
      timeoutMs: durationMs(spec.timeout)
    });
    const result = {
      status: res.status,
      json: tryParseJson(res.body) ?? null,
      body: res.body,
      headers: res.headers
    };
    return { value: res.status, result };
  },
  decide(m) {
    const status = m.value;
    if (status !== null && status >= 200 && status < 300) return { outcome: "pass" };
    return { outcome: "fail", reason: `HTTP ${status ?? "(none)"}, expected 2xx` };
  }
};

// src/checks/judge/normal.ts
var M_SQRT_32 = 5.656854249492381;
var M_1_SQRT_2PI = 0.3989422804014327;
var A = [
  2.2352520354606837,
  161.02823106855587,
  1067.6894854603709,
  18154.98125334356,
  0.06568233791820745
];
var B = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673];
var C = [
  0.39894151208813466,
  8.883149794388377,
  93.50665613217785,
  597.2702763948002,
  2494.5375852903726,
  6848.190450536283,
  11602.65143764735,
  9842.714838383978,
  10765576773720192e-24
];
var D = [
  22.266688044328117,
  235.387901782625,
  1519.3775994075547,
  6485.558298266761,
  18615.571640885097,
  34900.95272114598,
  38912.00328609327,
  19685.429676859992
];
var P = [
  0.215898534057957,
  0.12740116116024736,
  0.022235277870649807,
  0.0014216191932278934,
  29112874951168793e-21,
  0.023073441764940174
];
var Q = [
  1.284260096144911,
  0.4682382124808651,
  0.06598813786892856,
  0.0037823963320275824,
  7297515550839662e-20
];
function normalTails(x) {
  if (Number.isNaN(x)) return { lower: NaN, upper: NaN };
  const y = Math.abs(x);
  let small;
  if (y <= 0.67448975) {
    let xnum = 0;
    let xden = 0;
    if (y > Number.EPSILON * 0.5) {
      const xsq = x * x;
      xnum = A[4] * xsq;
      xden = xsq;
      for (let i = 0; i < 3; i++) {
        xnum = (xnum + A[i]) * xsq;
        xden = (xden + B[i]) * xsq;
      }
    }
    const temp = x * (xnum + A[3]) / (xden + B[3]);
    return { lower: 0.5 + temp, upper: 0.5 - temp };
  } else if (y <= M_SQRT_32) {
    let xnum = C[8] * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + C[i]) * y;
      xden = (xden + D[i]) * y;
    }
    small = gaussianFactor(y, (xnum + C[7]) / (xden + D[7]));
  } else if (y < 37.5193) {
    const xsq = 1 / (x * x);
    let xnum = P[5] * xsq;
    let xden = xsq;
    for (let i = 0; i < 4; i++) {
      xnum = (xnum + P[i]) * xsq;
      xden = (xden + Q[i]) * xsq;
    }
    let temp = xsq * (xnum + P[4]) / (xden + Q[4]);
    temp = (M_1_SQRT_2PI - temp) / y;
    small = gaussianFactor(x, temp);
  } else {
    small = 0;
  }
  return x > 0 ? { lower: 1 - small, upper: small } : { lower: small, upper: 1 - small };
}
function gaussianFactor(x, r) {
  const xsq = Math.trunc(x * 16) / 16;
  const del = (x - xsq) * (x + xsq);
  return Math.exp(-xsq * xsq * 0.5) * Math.exp(-del * 0.5) * r;
}
var AS241_A = [
  3.3871328727963665,
  133.14166789178438,
  1971.5909503065513,
  13731.69376550946,
  45921.95393154987,
  67265.7709270087,
  33430.57558358813,
  2509.0809287301227
];
var AS241_B = [
  1,
  42.31333070160091,
  687.1870074920579,
  5394.196021424751,
  21213.794301586597,
  39307.89580009271,
  28729.085735721943,
  5226.495278852854
];
var AS241_C = [
  1.4234371107496835,
  4.630337846156546,
  5.769497221460691,
  3.6478483247632045,
  1.2704582524523684,
  0.2417807251774506,
  0.022723844989269184,
  7745450142783414e-19
];
var AS241_D = [
  1,
  2.053191626637759,
  1.6763848301838038,
  0.6897673349851,
  0.14810397642748008,
  0.015198666563616457,
  5475938084995345e-19,
  10507500716444169e-25
];
var AS241_E = [
  6.657904643501103,
  5.463784911164114,
  1.7848265399172913,
  0.29656057182850487,
  0.026532189526576124,
  0.0012426609473880784,
  27115555687434876e-21,
  20103343992922881e-23
];
var AS241_F = [
  1,
  0.599832206555888,
  0.1369298809227358,
  0.014875361290850615,
  7868691311456133e-19,
  18463183175100548e-21,
  1421511758316446e-22,
  20442631033899397e-31
];
function horner(coefficients, r) {
  let value = coefficients[coefficients.length - 1];
  for (let i = coefficients.length - 2; i >= 0; i--) value = value * r + coefficients[i];
  return value;
}
function normalQuantile(p, lowerTail = true) {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return lowerTail ? -Infinity : Infinity;
  if (p === 1) return lowerTail ? Infinity : -Infinity;
  const pLower = lowerTail ? p : 0.5 - p + 0.5;
  const q = pLower - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r2 = 0.180625 - q * q;
    return q * horner(AS241_A, r2) / horner(AS241_B, r2);
  }
  let r = q > 0 ? lowerTail ? 0.5 - p + 0.5 : p : pLower;
  r = Math.sqrt(-Math.log(r));
  let value;
  if (r <= 5) {
    r += -1.6;
    value = horner(AS241_C, r) / horner(AS241_D, r);
  } else {
    r += -5;
    value = horner(AS241_E, r) / horner(AS241_F, r);
  }
  return q < 0 ? -value : value;
}

// src/checks/judge/root.ts
function brentRoot(f, ax, bx, fax, fbx, tol, maxIterations = 1e3) {
  let a = ax;
  let b = bx;
  let fa = fax;
  let fb = fbx;
  let c = a;
  let fc = fa;
  if (fa === 0) return a;
  if (fb === 0) return b;
  for (let left = maxIterations + 1; left > 0; left--) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * Number.EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) return b;
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      let p;
      let q;
      const cb = c - b;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        q = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1));
        q = (q - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs(prevStep * q / 2)) newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = finite(f(b));
    if (fb > 0 && fc > 0 || fb < 0 && fc < 0) {
      c = a;
      fc = fa;
    }
  }
  return b;
}
function finite(v) {
  if (v === Infinity) return Number.MAX_VALUE;
  if (v === -Infinity) return -Number.MAX_VALUE;
  if (Number.isNaN(v)) throw new Error("brentRoot: the function returned NaN");
  return v;
}

// src/checks/judge/stats.ts
function finiteValues(values) {
  return values.filter((v) => typeof v === "number" && Number.isFinite(v));
}
function requireSeries(control, canary, what) {
  if (control.length === 0 || canary.length === 0) throw new Error(`${what} needs at least one value in each series`);
  if (!control.every(Number.isFinite) || !canary.every(Number.isFinite)) {
    throw new Error(`${what} takes finite values only; drop NaN and infinities with finiteValues first`);
  }
}
function sortedCopy(values) {
  return Float64Array.from(values).sort();
}
function rankSum(xs, shift, ys) {
  const nx = xs.length;
  const ny = ys.length;
  let i = 0;
  let j = 0;
  let position = 0;
  let rankSumX = 0;
  let tieTerm = 0;
  while (i < nx || j < ny) {
    let v;
    if (i >= nx) v = ys[j];
    else if (j >= ny) v = xs[i] - shift;
    else v = Math.min(xs[i] - shift, ys[j]);
    let tx = 0;
    while (i < nx && xs[i] - shift === v) {
      tx++;
      i++;
    }
    let ty = 0;
    while (j < ny && ys[j] === v) {
      ty++;
      j++;
    }
    const t = tx + ty;
    rankSumX += tx * (position + (t + 1) / 2);
    tieTerm += t * t * t - t;
    position += t;
  }
  return { rankSumX, tieTerm };
}
function sigmaU(nx, ny, tieTerm) {
  return Math.sqrt(nx * ny / 12 * (nx + ny + 1 - tieTerm / ((nx + ny) * (nx + ny - 1))));
}
function mannWhitneyU(control, canary) {
  requireSeries(control, canary, "mannWhitneyU");
  return shiftedTest(sortedCopy(control), 0, sortedCopy(canary));
}
function mannWhitneyShifted(control, canary, shift) {
  requireSeries(control, canary, "mannWhitneyShifted");
  if (!Number.isFinite(shift)) throw new RangeError(`mannWhitneyShifted needs a finite shift, got ${shift}`);
  return shiftedTest(sortedCopy(control), -shift, sortedCopy(canary));
}
function shiftedTest(xs, shift, ys) {
  const nx = xs.length;
  const ny = ys.length;
  const { rankSumX, tieTerm } = rankSum(xs, shift, ys);
  const u = rankSumX - nx * (nx + 1) / 2;
  const sigma = sigmaU(nx, ny, tieTerm);
  if (sigma === 0) return { u, pValue: 1, z: 0 };
  const deviation = u - nx * ny / 2;
  const z = (deviation - Math.sign(deviation) * 0.5) / sigma;
  const tails = normalTails(z);
  return { u, pValue: Math.min(1, 2 * Math.min(tails.lower, tails.upper)), z };
}
function smallestPValue(nx, ny) {
  if (!(Number.isInteger(nx) && Number.isInteger(ny) && nx > 0 && ny > 0))
    throw new RangeError(`smallestPValue needs two positive sample sizes, got ${nx} and ${ny}`);
  const deviation = nx * ny / 2;
  const z = (deviation - 0.5) / sigmaU(nx, ny, 0);
  return Math.min(1, 2 * normalTails(z).upper);
}
function selectInPlace(a, k) {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = lo + (hi - lo >> 1);
    const [p, q, r] = [a[lo], a[mid], a[hi]];
    const pivot = p < q ? q < r ? q : p < r ? r : p : p < r ? p : q < r ? r : q;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
function medianInPlace(a) {
  const n = a.length;
  const half = n >> 1;
  const upper = selectInPlace(a, half);
  if (n % 2 === 1) return upper;
  let below = a[0];
  for (let i = 1; i < half; i++) if (a[i] > below) below = a[i];
  return (below + upper) / 2;
}
function hodgesLehmannShift(control, canary) {
  const nx = control.length;
  const ny = canary.length;
  requireSeries(control, canary, "hodgesLehmannShift");
  const differences = new Float64Array(nx * ny);
  let k = 0;
  for (let j = 0; j < ny; j++) {
    const y = canary[j];
    for (let i = 0; i < nx; i++) differences[k++] = y - control[i];
  }
  return medianInPlace(differences) + 0;
}
var ROOT_TOLERANCE = 1e-4;
function hodgesLehmannInterval(control, canary, confLevel = 0.98) {
  if (!(confLevel > 0 && confLevel < 1)) throw new RangeError(`confLevel must be in (0, 1), got ${confLevel}`);
  const nx = control.length;
  const ny = canary.length;
  requireSeries(control, canary, "hodgesLehmannInterval");
  const xs = sortedCopy(control);
  const ys = sortedCopy(canary);
  const muMin = xs[0] - ys[ny - 1];
  const muMax = xs[nx - 1] - ys[0];
  if (muMin === muMax) return [-muMin, -muMin];
  const standardized = (d) => {
    const { rankSumX, tieTerm } = rankSum(xs, d, ys);
    const dz = rankSumX - nx * (nx + 1) / 2 - nx * ny / 2;
    return (dz - Math.sign(dz) * 0.5) / sigmaU(nx, ny, tieTerm);
  };
  const atMin = standardized(muMin);
  const atMax = standardized(muMax);
  const root = (zq) => {
    const fLower = atMin - zq;
    if (fLower <= 0) return muMin;
    const fUpper = atMax - zq;
    if (fUpper >= 0) return muMax;
    return brentRoot((d) => standardized(d) - zq, muMin, muMax, fLower, fUpper, ROOT_TOLERANCE);
  };
  const alpha = 1 - confLevel;
  const lower = root(normalQuantile(alpha / 2, false));
  const upper = root(normalQuantile(alpha / 2));
  return [-upper, -lower];
}
function meanRatio(control, canary) {
  if (control.length === 0 || canary.length === 0) return null;
  const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const controlMean = mean(control);
  if (controlMean === 0) return null;
  const ratio = mean(canary) / controlMean;
  return Number.isFinite(ratio) ? ratio : null;
}

// src/checks/judge/classify.ts
var JUDGE_CONFIDENCE = 0.98;
var JUDGE_ALPHA = 0.02;
var KAYENTA_TOLERANCE = 0.25;
var MIN_POINTS = 3;
var DIRECTIONS = ["increase", "decrease", "either"];
function threeDigits(n) {
  return Number(n.toPrecision(3)).toString();
}
function describeDifference(pValue, hlShift, ratio) {
  const ratioText = ratio === null ? "mean ratio undefined (control mean 0)" : `mean ratio ${threeDigits(ratio)}`;
  return `p=${threeDigits(pValue)}, shift ${hlShift >= 0 ? "+" : ""}${threeDigits(hlShift)}, ${ratioText}`;
}
function effectRatio(control, canary, ratio) {
  if (ratio === null || ratio < 0) return null;
  const controlSum = control.reduce((sum, v) => sum + v, 0);
  return controlSum > 0 ? ratio : null;
}
function classifyMetric(input) {
  const direction = input.direction ?? "either";
  if (!DIRECTIONS.includes(direction))
    throw new Error(`metric direction must be increase, decrease or either, got ${String(direction)}`);
  const control = finiteValues(input.control);
  const canary = finiteValues(input.canary);
  const base = {
    ...input.name !== void 0 ? { name: input.name } : {},
    critical: input.critical ?? false,
    controlCount: control.length,
    canaryCount: canary.length
  };
  const noData = (reason) => ({
    ...base,
    classification: "NoData",
    pValue: null,
    u: null,
    hlShift: null,
    hlInterval: null,
    meanRatio: null,
    reason
  });
  const points = `${control.length} control and ${canary.length} canary points`;
  if (control.length < MIN_POINTS || canary.length < MIN_POINTS) {
    return noData(`not enough data: ${points}, at least ${MIN_POINTS} each needed`);
  }
  const bestP = smallestPValue(control.length, canary.length);
  if (!(bestP < JUDGE_ALPHA)) {
    return noData(
      `not enough data: with ${points} no difference can be significant (p >= ${threeDigits(bestP)}); lengthen the range or shorten the rate window`
    );
  }
  const sortedControl = [...control].sort((a, b) => a - b);
  const sortedCanary = [...canary].sort((a, b) => a - b);
  const identical = sortedControl.length === sortedCanary.length && sortedControl.every((v, i) => v === sortedCanary[i]);
  const allTied = sortedControl[0] === sortedControl.at(-1) && sortedCanary[0] === sortedCanary.at(-1) && sortedControl[0] === sortedCanary[0];
  if (identical || allTied) {
    return {
      ...base,
      classification: "Pass",
      pValue: 1,
      u: control.length * canary.length / 2,
      hlShift: 0,
      hlInterval: [0, 0],
      meanRatio: 1,
      reason: identical ? "control and canary data are identical" : "every point has the same value"
    };
  }
  const test = mannWhitneyU(control, canary);
  const hlShift = hodgesLehmannShift(control, canary);
  const ratio = meanRatio(control, canary);
  const measured = {
    ...base,
    pValue: test.pValue,
    u: test.u,
    hlShift,
    hlInterval: hodgesLehmannInterval(control, canary, JUDGE_CONFIDENCE),
    meanRatio: ratio
  };
  const numbers = describeDifference(test.pValue, hlShift, ratio);
  if (!(test.pValue < JUDGE_ALPHA)) {
    return { ...measured, classification: "Pass", reason: `no significant difference (${numbers})` };
  }
  const higher = hlShift > 0 || hlShift === 0 && test.u < control.length * canary.length / 2;
  const side = higher ? "higher" : "lower";
  if (higher && direction === "decrease" || !higher && direction === "increase") {
    return {
      ...measured,
      classification: "Pass",
      reason: `canary ${side}, but only ${direction === "increase" ? "an increase" : "a decrease"} is bad (${numbers})`
    };
  }
  if (hlShift !== 0) {
    const tolerance = KAYENTA_TOLERANCE * hlShift;
    const atTolerance = mannWhitneyShifted(control, canary, tolerance);
    const beyond = atTolerance.pValue < JUDGE_ALPHA && (higher ? atTolerance.z < 0 : atTolerance.z > 0);
    if (!beyond) {
      return {
        ...measured,
        classification: "Pass",
        reason: `canary ${side} but not clearly beyond ${KAYENTA_TOLERANCE * 100} % of its shift (${tolerance >= 0 ? "+" : ""}${threeDigits(tolerance)}, p=${threeDigits(atTolerance.pValue)} there) (${numbers})`
      };
    }
  }
  const allowed = higher ? input.effectSize?.allowedIncrease ?? JUDGE_EFFECT_SIZE.allowedIncrease : input.effectSize?.allowedDecrease ?? JUDGE_EFFECT_SIZE.allowedDecrease;
  const effect = effectRatio(control, canary, ratio);
  if (effect !== null && (higher ? effect < allowed : effect > allowed)) {
    return {
      ...measured,
      classification: "Pass",
      reason: `canary ${side} but within the allowed ${higher ? "increase" : "decrease"} ${threeDigits(allowed)} (${numbers})`
    };
  }
  return { ...measured, classification: higher ? "High" : "Low", reason: `canary significantly ${side} (${numbers})` };
}

// src/checks/judge/score.ts
function label(metric, index) {
  return metric.name ?? `#${index}`;
}
function scoreJudgement(metrics, thresholds) {
  for (const key of ["pass", "marginal"]) {
    const value = thresholds[key];
    if (typeof value !== "number" || !(value >= 0 && value <= 100)) {
      throw new RangeError(`judge threshold ${key} must be a number in [0, 100], got ${String(value)}`);
    }
  }
  const counted = metrics.filter((m) => m.classification !== "NoData");
  const passed = counted.filter((m) => m.classification === "Pass").length;
  const criticalFailures = metrics.flatMap(
    (m, i) => m.critical && (m.classification === "High" || m.classification === "Low") ? [label(m, i)] : []
  );
  const criticalNoData = metrics.flatMap((m, i) => m.critical && m.classification === "NoData" ? [label(m, i)] : []);
  if (counted.length === 0) {
    return {
      score: null,
      verdict: "inconclusive",
      counted: 0,
      passed: 0,
      criticalFailures,
      reason: "no metric had enough data"
    };
  }
  const score = criticalFailures.length > 0 ? 0 : 100 * passed / counted.length;
  const verdict = criticalFailures.length > 0 ? "fail" : score >= thresholds.pass ? "pass" : score >= thresholds.marginal ? "marginal" : "fail";
  const tally = `${passed}/${counted.length} metrics pass, score ${threeDigits(score)}`;
  if (criticalFailures.length > 0) {
    return {
      score,
      verdict,
      counted: counted.length,
      passed,
      criticalFailures,
      reason: `critical metric ${criticalFailures.join(", ")} failed (${tally})`
    };
  }
  if (verdict !== "fail" && criticalNoData.length > 0) {
    return {
      score,
      verdict: "inconclusive",
      counted: counted.length,
      passed,
      criticalFailures,
      reason: `critical metric ${criticalNoData.join(", ")} has no data (${tally})`
    };
  }
  const against = verdict === "pass" ? `>= pass ${thresholds.pass}` : verdict === "marginal" ? `>= marginal ${thresholds.marginal}` : `< marginal ${thresholds.marginal}`;
  return { score, verdict, counted: counted.length, passed, criticalFailures, reason: `${tally} ${against}` };
}

// src/checks/judge/windows.ts
var DURATION_UNITS_MS = {
  ms: 1,
  s: 1e3,
  m: 6e4,
  h: 36e5,
  d: 864e5,
  w: 6048e5,
  y: 31536e6
};
var DURATION_PART = /(\d+)(ms|y|w|d|h|m|s)/gy;
function promDurationMs(text) {
  if (text.length === 0) return null;
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = DURATION_PART.exec(text); m; m = DURATION_PART.exec(text)) {
    total += Number(m[1]) * DURATION_UNITS_MS[m[2]];
    consumed = DURATION_PART.lastIndex;
  }
  return consumed === text.length ? total : null;
}
function codeOnly(q) {
  const out = q.split("");
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === "#") {
      for (; i < q.length && q[i] !== "\n"; i++) out[i] = " ";
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      for (; j < q.length && q[j] !== c; j++) if (c !== "`" && q[j] === "\\") j++;
      for (let k = i; k <= Math.min(j, q.length - 1); k++) out[k] = " ";
      i = j;
    }
  }
  return out.join("");
}
function operandStart(q, end) {
  let i = end - 1;
  while (i >= 0 && /\s/.test(q[i])) i--;
  if (q[i] === ")" || q[i] === "}") {
    const close = q[i];
    const open = close === ")" ? "(" : "{";
    let depth = 0;
    for (; i >= 0; i--) {
      if (q[i] === close) depth++;
      else if (q[i] === open && --depth === 0) break;
    }
  }
  while (i > 0 && /[\w:]/.test(q[i - 1])) i--;
  return Math.max(i, 0);
}
function windowsOf(query) {
  const q = codeOnly(query);
  const windows = [];
  for (let open = q.indexOf("["); open >= 0; open = q.indexOf("[", open + 1)) {
    const close = q.indexOf("]", open);
    if (close < 0) break;
    const [range, resolution] = q.slice(open + 1, close).split(":");
    const rangeMs = promDurationMs((range ?? "").trim());
    if (rangeMs === null) continue;
    windows.push({ open, rangeMs, innerFrom: resolution !== void 0 ? operandStart(q, open) : null });
  }
  return windows;
}
function lookbackSeconds(query) {
  const windows = windowsOf(query);
  if (windows.length === 0) return null;
  let longest = 0;
  for (const w of windows) {
    let total = w.rangeMs;
    for (const outer of windows) {
      if (outer.innerFrom !== null && outer.innerFrom <= w.open && w.open < outer.open) total += outer.rangeMs;
    }
    longest = Math.max(longest, total);
  }
  return longest / 1e3;
}
function thinnedStep(stepSeconds, queries) {
  const windows = queries.map(lookbackSeconds).filter((w) => w !== null);
  const window = windows.length ? Math.max(...windows) : null;
  if (window === null || window <= stepSeconds) return { window, step: stepSeconds, thinnedFrom: null };
  return { window, step: window, thinnedFrom: stepSeconds };
}

// src/checks/judge.ts
async function seriesOf(base, query, w, env) {
  const params = { query, start: String(w.start), end: String(w.end), step: String(w.step) };
  const series = parseMatrix(await prometheusGet(base, "/api/v1/query_range", params, env.signal));
  if (series.length > 1) return `returned ${series.length} series; aggregate it to one (e.g. sum(...))`;
  return series[0]?.values ?? [];
}
function withSampling(reason, t) {
  if (t.thinnedFrom === null) return reason;
  return `${reason}; points ${t.step}s apart (step raised from ${t.thinnedFrom}s to the ${t.window}s rate window)`;
}
var judgeKind = {
  kind: "judge",
  async measure(spec, env) {
    const base = prometheusBase(spec.prometheus.url, env);
    const endMs = env.now().getTime();
    const end = endMs / 1e3;
    const start = (endMs - durationMs(spec.range)) / 1e3;
    const metrics = await Promise.all(
      spec.metrics.map(async (m) => {
        const [controlQuery, canaryQuery] = [m.control, m.canary];
        const thinning = thinnedStep(durationMs(spec.step) / 1e3, [controlQuery, canaryQuery]);
        const w = { start, end, step: thinning.step };
        const [control, canary] = await Promise.all([
          seriesOf(base, controlQuery, w, env),
          seriesOf(base, canaryQuery, w, env)
        ]);
        const input = { name: m.name, direction: m.direction, critical: m.critical, effectSize: m.effectSize };
        if (typeof control === "string" || typeof canary === "string") {
          const noData = classifyMetric({ ...input, control: [], canary: [] });
          const why2 = [
            typeof control === "string" ? `control ${control}` : "",
            typeof canary === "string" ? `canary ${canary}` : ""
          ];
          return { ...noData, reason: why2.filter(Boolean).join("; "), ...thinning };
        }
        const judged = classifyMetric({ ...input, control, canary });
        return { ...judged, reason: withSampling(judged.reason, thinning), ...thinning };
      })
    );
    const judgement = scoreJudgement(metrics, spec.thresholds);
    const result = {
      verdict: judgement.verdict,
      score: judgement.score,
      reason: judgement.reason,
      start: new Date(start * 1e3).toISOString(),
      end: new Date(endMs).toISOString(),
      metrics
    };
    return judgement.score === null ? { value: null, result, note: judgement.reason } : { value: judgement.score, result };
  },
  decide(m) {
    const { verdict, reason } = m.result;
    if (verdict === "pass") return { outcome: "pass" };
    return { outcome: verdict === "fail" ? "fail" : "inconclusive", reason: `judge ${verdict}: ${reason}` };
  }
};

// src/checks/prometheus.ts
var prometheusKind = {
  kind: "prometheus",
  async measure(spec, env) {
    const base = prometheusBase(spec.url, env);
    const result = parseInstant(await prometheusGet(base, "/api/v1/query", { query: spec.query }, env.signal));
    const [only, ...more] = result.samples;
    if (!only) return { value: null, result, note: "the query returned no samples", noData: true };
    if (more.length)
      return { value: null, result, note: `the query returned ${result.samples.length} samples; expected one` };
    if (only.value === null) return { value: null, result, note: "the query returned NaN" };
    return { value: only.value, result };
  }
};

// src/checks/registry.ts
var CHECK_KIND_IMPLS = {
  http: httpKind,
  prometheus: prometheusKind,
  exec: execKind,
  alerts: alertsKind,
  drill: drillKind,
  judge: judgeKind
};
function kindOf(check) {
  return CHECK_KIND_IMPLS[checkKind(check)];
}
async function measureCheck(check, env) {
  const kind = checkKind(check);
  const impl = CHECK_KIND_IMPLS[kind];
  return impl.measure(renderCheckConfig(kind, check[kind], env.vars), env);
}

// src/checks/sample.ts
var MAX_DETAIL_STRING = 4096;
var MAX_DETAIL_ITEMS = 200;
function compactDetail(value, depth = 0) {
  if (typeof value === "string")
    return value.length > MAX_DETAIL_STRING ? `${value.slice(0, MAX_DETAIL_STRING)}\u2026 (${value.length - MAX_DETAIL_STRING} more chars)` : value;
  if (depth > 12) return "\u2026";
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_DETAIL_ITEMS).map((v) => compactDetail(v, depth + 1));
    return value.length > MAX_DETAIL_ITEMS ? [...kept, `\u2026 (${value.length - MAX_DETAIL_ITEMS} more)`] : kept;
  }
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = compactDetail(v, depth + 1);
    return out;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return value;
}
function errorText(err) {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0] || (err instanceof Error ? err.name : "unknown error");
}
async function measureWithin(check, env) {
  const limit = deadline(env.signal, durationMs(check.timeout));
  let onAbort;
  const aborted = new Promise((_, reject) => {
    onAbort = () => reject(limit.signal.reason instanceof Error ? limit.signal.reason : new Error("aborted"));
    if (limit.signal.aborted) onAbort();
    else limit.signal.addEventListener("abort", onAbort, { once: true });
  });
  const measuring = measureCheck(check, { ...env, signal: limit.signal });
  measuring.catch(() => void 0);
  aborted.catch(() => void 0);
  try {
    const m = await Promise.race([measuring, aborted]);
    if (m.value !== null && typeof m.value !== "number") return { error: `the measurement gave a non-number value` };
    return { m };
  } catch (err) {
    if (limit.expired()) return { error: `timed out after ${check.timeout}` };
    if (env.signal.aborted) return { error: `aborted: ${errorText(env.signal.reason)}` };
    return { error: errorText(err) };
  } finally {
    if (onAbort) limit.signal.removeEventListener("abort", onAbort);
  }
}
function decideMeasurement(check, m, baseline) {
  if (m.noData && check.noData !== "inconclusive")
    return { outcome: check.noData, reason: `${m.note ?? "no data"} (noData: ${check.noData})` };
  const byConditions = evaluateConditions(check, { value: m.value, result: m.result, baseline }, m.note);
  if (byConditions) return byConditions;
  const impl = kindOf(check);
  if (impl.decide) return impl.decide(m, check);
  if (m.value === null) return { outcome: "inconclusive", reason: m.note ?? "no value" };
  return { outcome: "inconclusive", reason: `a ${impl.kind} check decides only with pass: or fail:` };
}
async function sampleCheck(name, check, env, baseline) {
  const at = env.now().toISOString();
  const t0 = performance2.now();
  const measured = await measureWithin(check, env);
  const elapsed = Math.round(performance2.now() - t0);
  const base = { check: name, at, severity: check.severity, durationMs: elapsed };
  if ("error" in measured) return { ...base, outcome: "error", value: null, error: measured.error };
  const { m } = measured;
  const decision = decideMeasurement(check, m, baseline ?? null);
  return {
    ...base,
    outcome: decision.outcome,
    value: m.value,
    ...decision.reason !== void 0 ? { reason: decision.reason } : {},
    detail: compactDetail(m.result)
  };
}
async function measureBaseline(check, env) {
  const measured = await measureWithin(check, env);
  return "m" in measured ? measured.m.value : null;
}

// src/engine/check-env.ts
function defaultPrometheus(m, vars, env) {
  for (const c of Object.values(m.checks)) {
    const kind = checkKind(c);
    const url = prometheusUrlOf(kind, c[kind]);
    if (url) {
      try {
        return renderText(url, vars);
      } catch {
        continue;
      }
    }
  }
  return env.PROMETHEUS_URL;
}
function checkEnv(pass, phase) {
  const { deps, rc, manifest: m } = pass;
  const vars = templateContext(rc, phase, pass.state.cohorts?.[phase] ?? null);
  return {
    vars,
    env: rc.env,
    prometheusUrl: defaultPrometheus(m, vars, deps.env),
    drills: () => pass.state.drills ? Promise.resolve(pass.state.drills) : drillRecords(deps, m.name),
    now: () => pass.now(),
    signal: rc.signal ?? new AbortController().signal,
    cwd: rc.cwd
  };
}
async function drillRecords(deps, name) {
  const out = [];
  for await (const e of deps.store.readLedger(name, { fetch: false })) {
    if (e.kind !== "drill") continue;
    const r = e.result;
    if (typeof r?.rtoMs !== "number") continue;
    const legacy = Array.isArray(r.skipped) && r.skipped.length === 0 ? 1 : 0;
    const drillable = typeof r.drillable === "number" ? r.drillable : legacy;
    out.push({ time: e.time, rtoMs: r.rtoMs, ok: r.ok !== false, drillable });
  }
  return out;
}

// src/engine/gate.ts
var GATE_SAMPLES_KEPT = 24;
var byTime = (a, b) => Date.parse(a.at) - Date.parse(b.at);
function appendSamples(m, gs, samples) {
  const all = [...gs.samples, ...samples];
  const gate = m.phases.find((p) => p.name === gs.phase)?.gate;
  const perCheck = /* @__PURE__ */ new Map();
  for (const s of all) perCheck.set(s.check, [...perCheck.get(s.check) ?? [], s]);
  const older = [...perCheck.values()].flatMap((list) => list.sort(byTime).slice(0, -GATE_SAMPLES_KEPT));
  if (!gate || older.length === 0) {
    gs.samples = all;
    return;
  }
  const dropped = new Set(older);
  gs.tally = foldSamples(gate, m.checks, gs.startedAt, older, gs.tally);
  gs.samples = all.filter((s) => !dropped.has(s));
}
async function markHealthy(pass, p) {
  const { manifest: m } = pass;
  const next = m.phases[m.phases.indexOf(p) + 1]?.name ?? null;
  const status = next === null ? "complete" : "healthy";
  await pass.commit(
    (s) => {
      s.status = status;
      s.step = null;
    },
    [pass.entry({ kind: "transition", phase: p.name, result: { status, next } })],
    `${p.name}: ${status}`
  );
  const then = next ? `; next: ${next}` : "";
  await pass.announce(status === "complete" ? "complete" : "promotion", `${m.name}: ${p.name} is ${status}${then}`);
  const promotion = next ? `; promotion to ${next} is ${p.promote === "manual" ? "manual" : "next"}` : "";
  pass.info(`${m.name}: ${p.name} is ${status}${promotion}`);
  await pass.deps.events.gateHealthy?.({ manifest: m, phase: p.name, next, state: pass.state });
  return status;
}
async function openGate(pass, p) {
  const { manifest: m } = pass;
  if (!p.gate) {
    await markHealthy(pass, p);
    return;
  }
  const env = checkEnv(pass, p.name);
  const baseline = {};
  for (const name of p.gate.checks) {
    const check = m.checks[name];
    if (!needsBaseline(check)) continue;
    const v = await measureBaseline(check, env);
    if (v !== null) baseline[name] = v;
  }
  const now = pass.now();
  const gate = {
    phase: p.name,
    startedAt: now.toISOString(),
    passesAt: new Date(now.getTime() + durationMs(p.gate.hold)).toISOString(),
    samples: [],
    baseline
  };
  await pass.commit(
    (s) => {
      s.status = "holding";
      s.step = null;
      s.gate = gate;
    },
    [
      pass.entry({
        kind: "gate-open",
        phase: p.name,
        result: { hold: p.gate.hold, every: p.gate.every, checks: p.gate.checks, baseline, passesAt: gate.passesAt }
      })
    ],
    `${p.name}: gate open`
  );
  const checks = p.gate.checks.length ? ` (checks: ${p.gate.checks.join(", ")})` : "";
  pass.info(`${m.name}: ${p.name} holding until ${gate.passesAt}${checks}`);
}
async function failByChecks(pass, f) {
  const { manifest: m } = pass;
  const { phase, severity, reason, failing, step } = f;
  const what = step ? `throttle of ${phase}/${step}` : `gate of ${phase}`;
  await pass.commit(
    (s) => {
      s.status = "failed";
      s.failure = { phase, ...step ? { step } : {}, severity, reason, at: pass.now().toISOString() };
    },
    [
      pass.entry({
        kind: step ? "throttle-failed" : "gate-failed",
        phase,
        step,
        result: { severity, reason, failing }
      })
    ],
    `${phase}: ${step ? `${step} stopped by its throttle` : "gate failed"}`
  );
  pass.info(`${m.name}: \u2716 ${what} failed (${severity}): ${reason}`);
  await pass.announce("failure", `:x: ${m.name}: ${what} failed (${severity}): ${reason}`);
  await pass.deps.events.rollbackRequested?.({ manifest: m, phase, severity, reason, failing, state: pass.state });
}
async function sampleGate(pass) {
  const { manifest: m } = pass;
  const gateState = pass.state.gate;
  const p = pass.phase(gateState.phase);
  const gate = p.gate;
  const sampled = /* @__PURE__ */ new Set();
  const input = () => ({
    gate,
    checks: m.checks,
    samples: pass.state.gate?.samples ?? [],
    tally: pass.state.gate?.tally,
    startedAt: new Date(gateState.startedAt),
    now: pass.now(),
    sampledThisPass: [...sampled]
  });
  let verdict = decideGate(input());
  while (verdict.state === "holding") {
    const due = verdict.due.filter((name) => !sampled.has(name));
    if (!due.length) break;
    const env = checkEnv(pass, p.name);
    const samples = await Promise.all(
      due.map((name) => sampleCheck(name, m.checks[name], env, gateState.baseline?.[name] ?? null))
    );
    for (const name of due) sampled.add(name);
    await pass.commit(
      (s) => {
        if (s.gate) appendSamples(m, s.gate, samples);
      },
      samples.map((sample) => pass.entry({ kind: "sample", phase: p.name, result: sample })),
      `${p.name}: ${samples.length} gate sample${samples.length === 1 ? "" : "s"}`
    );
    for (const s of samples) {
      const value = s.value !== null ? ` (value ${s.value})` : "";
      const why2 = s.reason || s.error ? ` \u2014 ${s.reason ?? s.error}` : "";
      pass.info(`  ${p.name} ${s.check}: ${s.outcome}${value}${why2}`);
    }
    verdict = decideGate(input());
  }
  if (verdict.state === "holding" && verdict.waiting?.length)
    pass.info(`${m.name}: ${p.name} hold elapsed; no evidence yet: ${verdict.waiting.join("; ")}`);
  switch (verdict.state) {
    case "holding":
      return { outcome: "sampled" };
    case "healthy":
      return { outcome: await markHealthy(pass, p) };
    case "failed": {
      const { severity, reason, failing } = verdict;
      await failByChecks(pass, { phase: p.name, severity, reason, failing });
      return { outcome: "failed", reason };
    }
    case "paused": {
      const { reason, failing } = verdict;
      await pass.commit(
        (s) => {
          s.status = "paused";
          s.failure = { phase: p.name, severity: "medium", reason, at: pass.now().toISOString() };
        },
        [pass.entry({ kind: "gate-paused", phase: p.name, result: { reason, failing } })],
        `${p.name}: gate paused`
      );
      pass.info(`${m.name}: \u23F8 gate of ${p.name} paused: ${reason}`);
      await pass.deps.events.paused?.({ manifest: m, phase: p.name, reason, state: pass.state });
      return { outcome: "paused", reason };
    }
  }
}

// src/cohorts/bucket.ts
import { createHash } from "node:crypto";
var BUCKET_COUNT = 1e5;
function bucketOf(salt, id) {
  const digest = createHash("sha256").update(`${salt}:${id}`, "utf8").digest();
  return digest.readUIntBE(0, 6) % BUCKET_COUNT;
}
function checkPercent(percent) {
  if (typeof percent !== "number" || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`cohort percent must be a number in [0, 100], got ${String(percent)}`);
  }
}
function inCohort(salt, id, percent) {
  checkPercent(percent);
  return bucketOf(salt, id) < percent * 1e3;
}

// src/cohorts/select.ts
function unique(ids) {
  return [...new Set(ids)];
}
function selectCohort(cohort, listing, defaultSalt) {
  if (!cohort || cohort.ids === void 0 && cohort.percent === void 0) return { ids: null };
  if (cohort.ids !== void 0 && cohort.percent !== void 0) {
    throw new Error("cohort takes either ids or percent, not both");
  }
  if (cohort.ids !== void 0) return { ids: unique(cohort.ids) };
  const percent = cohort.percent;
  const salt = cohort.salt ?? defaultSalt;
  if (salt === void 0 || salt === "") {
    throw new Error("cohort percent needs a salt (cohort.salt, else the rollout name)");
  }
  if (!listing) throw new Error(`cohort percent ${percent} needs the listing of ids from its \`from:\` step`);
  return { ids: unique(listing).filter((id) => inCohort(salt, id, percent)) };
}
function cohortAdded(current, previousIds) {
  if (current.ids === null) return null;
  if (previousIds === null) return [];
  const before = new Set(previousIds ?? []);
  return current.ids.filter((id) => !before.has(id));
}
function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length ? `an object with keys ${keys.slice(0, 5).join(", ")}${keys.length > 5 ? ", ..." : ""}` : "an empty object";
  }
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}...` : text}`;
}
function parseCohortListing(json) {
  let list = json;
  if (json !== null && typeof json === "object" && !Array.isArray(json)) {
    list = json.ids;
    if (!Array.isArray(list)) {
      throw new Error(`cohort listing must be an array of ids or {ids: [...]}, got ${describe(json)}`);
    }
  }
  if (!Array.isArray(list)) {
    throw new Error(`cohort listing must be an array of ids or {ids: [...]}, got ${describe(json)}`);
  }
  list.forEach((id, index) => {
    if (typeof id !== "string" || id === "") {
      throw new Error(
        `cohort listing must be an array of ids or {ids: [...]}: id #${index} is ${describe(id)}, not a non-empty string`
      );
    }
  });
  return unique(list);
}

// src/engine/step.ts
import { setTimeout as sleep } from "node:timers/promises";

// src/drivers/convex-http.ts
import { existsSync } from "node:fs";
import { join } from "node:path";

// src/drivers/convex-values.ts
function isRecord(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function convexArgs(rendered, written) {
  if (!isRecord(rendered)) return {};
  return dropNullTemplates(rendered, written);
}
function dropNullTemplates(rendered, written) {
  if (Array.isArray(rendered))
    return rendered.map((v, i) => dropNullTemplates(v, Array.isArray(written) ? written[i] : void 0));
  if (!isRecord(rendered)) return rendered;
  const out = {};
  for (const [key, value] of Object.entries(rendered)) {
    const source = isRecord(written) ? written[key] : void 0;
    if (value === void 0) continue;
    if (value === null && typeof source === "string" && isWholeTemplate(source)) continue;
    out[key] = dropNullTemplates(value, source);
  }
  return out;
}
var BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function base64Bytes(text) {
  if (typeof text !== "string" || text.length % 4 !== 0 || !BASE64.test(text)) return void 0;
  return Buffer.from(text, "base64");
}
function decodeOne(key, encoded) {
  if (key === "$bytes") return base64Bytes(encoded) ? { value: encoded } : void 0;
  const bytes = base64Bytes(encoded);
  if (!bytes || bytes.length !== 8) return void 0;
  if (key === "$float") return { value: bytes.readDoubleLE(0) };
  if (key === "$integer") {
    const n = bytes.readBigInt64LE(0);
    const asNumber = Number(n);
    return { value: Number.isSafeInteger(asNumber) ? asNumber : n.toString() };
  }
  return void 0;
}
function decodeConvexJson(value) {
  if (Array.isArray(value)) return value.map(decodeConvexJson);
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const decoded = decodeOne(keys[0], value[keys[0]]);
    if (decoded) return decoded.value;
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeConvexJson(v);
  return out;
}
function mayHoldEncoded(text) {
  return text.includes('"$') || text.includes("\\u");
}

// src/drivers/types.ts
var StepCallError = class extends Error {
  constructor(message, retryable, result) {
    super(message);
    this.retryable = retryable;
    this.result = result;
  }
  retryable;
  result;
};

// src/drivers/convex-http.ts
var CONVEX_CLIENT = "npm-1.48.0";
var UDF_FAILED = 560;
var CONVEX_DEPLOYMENT_ENV = [
  "CONVEX_SELF_HOSTED_URL",
  "CONVEX_SELF_HOSTED_ADMIN_KEY",
  "CONVEX_DEPLOY_KEY",
  "CONVEX_DEPLOYMENT_TOKEN",
  "CONVEX_URL"
];
function convexDeployment(env) {
  const get = (name) => env[name] ? env[name] : null;
  const deployKey = [get("CONVEX_DEPLOY_KEY"), get("CONVEX_DEPLOYMENT_TOKEN")].find(
    (k) => k !== null && k !== "<ignore_deploy_key>"
  );
  if (deployKey) {
    const missing = /^<missing_deploy_key:(.+)>$/.exec(deployKey);
    if (missing) throw new StepCallError(`convex: ${missing[1]}`, false);
    const prefix = deployKey.split("|")[0];
    if (deployKey.includes("|") && (/^project:/.test(prefix) || /^preview:[^:]*:[^:]*$/.test(prefix)))
      throw new StepCallError(
        "convex: CONVEX_DEPLOY_KEY is a project or preview deploy key, which names no deployment; use `via: cli`",
        false
      );
    const url2 = get("CONVEX_URL");
    if (!url2)
      throw new StepCallError(
        "convex: CONVEX_DEPLOY_KEY is set but CONVEX_URL is not: list CONVEX_URL (the deployment URL) in `env:`",
        false
      );
    return { url: url2, adminKey: deployKey };
  }
  const url = get("CONVEX_SELF_HOSTED_URL");
  const adminKey = get("CONVEX_SELF_HOSTED_ADMIN_KEY");
  if (url && adminKey) {
    if (get("CONVEX_DEPLOYMENT"))
      throw new StepCallError(
        "convex: CONVEX_DEPLOYMENT must not be set when CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY are set",
        false
      );
    return { url, adminKey };
  }
  throw new StepCallError(
    "convex: no deployment: list CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY (or CONVEX_DEPLOY_KEY and CONVEX_URL) in `env:` and set them in the job, or use `via: cli`",
    false
  );
}
var EXTENSIONS = [".ts", ".js", ".tsx", ".jsx", ".mts", ".mjs", ".cts", ".cjs"];
function convexPath(name, cwd) {
  if (name.startsWith("api.") || name.startsWith("internal.")) {
    const parts = name.split(".");
    if (parts.length < 3) throw new StepCallError(`convex: function name has too few parts: "${name}"`, false);
    const exportName2 = parts.pop();
    return `${parts.slice(1).join("/")}:${exportName2}`;
  }
  const filePath = name.split(":")[0];
  const exportName = name.split(":")[1] ?? "default";
  const ext = EXTENSIONS.find((e) => filePath.endsWith(e));
  const file = ext ? filePath.slice(0, -ext.length) : filePath;
  const normalized = `${file}:${exportName}`;
  const dir = "convex/";
  if (!filePath.startsWith(dir)) return normalized;
  const nested = ext ? existsSync(join(cwd, dir, filePath)) : EXTENSIONS.some((e) => existsSync(join(cwd, dir, filePath + e)));
  return nested ? normalized : `${file.slice(dir.length)}:${exportName}`;
}
function logLinesOf(reply) {
  return Array.isArray(reply.logLines) ? reply.logLines.map(String) : void 0;
}
function retryableFailure(reply, message) {
  if (reply.errorData !== void 0) return false;
  return !/Could not find (public )?function|ArgumentValidationError|Object is missing the required field/.test(
    message
  );
}
var targets = /* @__PURE__ */ new WeakMap();
function target(call) {
  let byFunction = targets.get(call.env);
  if (!byFunction) targets.set(call.env, byFunction = /* @__PURE__ */ new Map());
  let byCwd = byFunction.get(call.function);
  if (!byCwd) {
    if (byFunction.size >= 64) byFunction.clear();
    byFunction.set(call.function, byCwd = /* @__PURE__ */ new Map());
  }
  let found = byCwd.get(call.cwd);
  if (!found) {
    const { url, adminKey } = convexDeployment(call.env);
    found = {
      path: convexPath(call.function, call.cwd),
      endpoint: `${url.replace(/\/+$/, "")}/api/function`,
      headers: {
        "content-type": "application/json",
        "convex-client": CONVEX_CLIENT,
        authorization: `Convex ${adminKey}`
      }
    };
    byCwd.set(call.cwd, found);
  }
  return found;
}
async function callConvexFunction(call) {
  const { path, endpoint, headers } = target(call);
  const body = JSON.stringify({ path, format: "convex_encoded_json", args: call.args });
  let res;
  try {
    res = await request(endpoint, { method: "POST", headers, body, signal: call.signal });
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    throw new StepCallError(`convex ${path}: ${err.detail}`, err.reason !== "bad-url" && err.reason !== "too-large");
  }
  const where = () => `convex ${path} (${safeUrl(endpoint)})`;
  if ((res.status < 200 || res.status > 299) && res.status !== UDF_FAILED) {
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    const text = res.body.trim().slice(0, 500);
    throw new StepCallError(`${where()}: HTTP ${res.status}${text ? `: ${text}` : ""}`, retryable, {
      status: res.status,
      body: res.body
    });
  }
  const reply = tryParseJson(res.body);
  if (!reply || typeof reply !== "object")
    throw new StepCallError(`${where()}: the reply is not JSON (HTTP ${res.status})`, true, { body: res.body });
  const logLines = logLinesOf(reply);
  if (reply.status === "success") {
    const value = reply.value ?? null;
    return { json: mayHoldEncoded(res.body) ? decodeConvexJson(value) : value, ...logLines ? { logLines } : {} };
  }
  if (reply.status === "error") {
    const message = typeof reply.errorMessage === "string" ? reply.errorMessage : JSON.stringify(reply.errorMessage);
    const failed = { ...logLines ? { logLines } : {} };
    if (reply.errorData !== void 0) failed.json = { errorData: decodeConvexJson(reply.errorData) };
    throw new StepCallError(`${path}: ${message}`, retryableFailure(reply, message), failed);
  }
  throw new StepCallError(`${where()}: invalid reply: ${res.body.slice(0, 200)}`, true, { body: res.body });
}

// src/drivers/run.ts
async function runArgv(argv, call) {
  const file = argv[0] ?? "";
  const env = childEnv({
    ...call.env,
    ROLLOUTS_IDEMPOTENCY_KEY: call.idempotencyKey,
    ...call.lease ? { ROLLOUTS_LEASE_EPOCH: String(call.lease.epoch) } : {}
  });
  let r;
  try {
    r = await runProcess(argv, { cwd: call.cwd, env, signal: call.signal });
  } catch (err) {
    if (!(err instanceof ProcessError)) throw err;
    throw new StepCallError(err.message, err.reason === "timeout" || err.reason === "aborted");
  }
  const result = {
    stdout: r.stdout,
    stderr: r.stderr,
    exitCode: r.exitCode ?? -1,
    json: tryParseJson(r.stdout)
  };
  if (r.exitCode === 0) return result;
  const why2 = r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`;
  const tail = r.stderr.trim().split("\n").slice(-3).join(" | ");
  throw new StepCallError(`${file}: ${why2}${tail ? `: ${tail}` : ""}`, true, result);
}
function argvStrings(config) {
  return config.map(
    (v) => typeof v === "string" ? v : v === null || v === void 0 ? "" : typeof v === "object" ? JSON.stringify(v) : String(v)
  );
}
function optionLikeArgument(argv, written) {
  if (!Array.isArray(written)) return null;
  let operands = false;
  for (let i = 1; i < argv.length; i++) {
    const source = written[i];
    if (source === "--") operands = true;
    if (operands || typeof source !== "string" || !source.includes("{{")) continue;
    if (argv[i].startsWith("-"))
      return `argument ${i} (${source}) renders to text starting with "-", which the program would read as an option: put it after "--" in the manifest`;
  }
  return null;
}
var runDriver = {
  kind: "run",
  call: async (call) => {
    const argv = argvStrings(call.config);
    const refused = optionLikeArgument(argv, call.written);
    if (refused) throw new StepCallError(refused, false);
    return await runArgv(argv, call);
  }
};

// src/drivers/convex.ts
function convexArgv(config, written) {
  const writtenArgs = written && typeof written === "object" ? written.args : void 0;
  return ["npx", "convex", "run", config.function, JSON.stringify(convexArgs(config.args ?? {}, writtenArgs))];
}
var CONVEX_CLI_ENV = { CI: "1" };
var convexDriver = {
  kind: "convex",
  async call(call) {
    const config = call.config;
    if (config.via !== "cli") {
      const writtenArgs = call.written?.args;
      const { env, cwd, signal } = call;
      return callConvexFunction({
        function: config.function,
        args: convexArgs(config.args ?? {}, writtenArgs),
        env,
        cwd,
        signal
      });
    }
    const argv = convexArgv(config, call.written);
    const result = await runArgv(argv, { ...call, env: { ...call.env, ...CONVEX_CLI_ENV } });
    if (result.json === void 0 && !result.stdout?.trim()) result.json = null;
    else if (result.json !== void 0) result.json = decodeConvexJson(result.json);
    return result;
  }
};

// src/drivers/http.ts
var MAX_STEP_BODY_BYTES = 16 * 1024 * 1024;
function retryableStatus(status) {
  return status >= 500 || status === 429 || status === 408;
}
async function send(req, signal, call) {
  const headers = { accept: "application/json", "idempotency-key": call.idempotencyKey };
  if (call.lease) {
    headers["rollouts-rollout"] = call.lease.rollout;
    headers["rollouts-lease-epoch"] = String(call.lease.epoch);
  }
  if (req.headers) Object.assign(headers, req.headers);
  let body;
  if (req.json !== void 0) {
    body = JSON.stringify(req.json);
    headers["content-type"] ??= "application/json";
  }
  try {
    const res = await request(req.url, {
      method: req.method,
      headers,
      body,
      signal,
      timeoutMs: req.timeout ? durationMs(req.timeout) : void 0,
      maxBytes: MAX_STEP_BODY_BYTES
    });
    return {
      status: res.status,
      body: res.body,
      json: tryParseJson(res.body),
      get headers() {
        return res.headers;
      }
    };
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    throw new StepCallError(
      err.message,
      err.reason !== "bad-url" && err.reason !== "too-large" && err.reason !== "redirect"
    );
  }
}
var httpDriver = {
  kind: "http",
  async call(call, { judgedByExpect }) {
    const req = call.config;
    const result = await send(req, call.signal, call);
    const status = result.status ?? 0;
    if ((status < 200 || status > 299) && (!judgedByExpect || retryableStatus(status)))
      throw new StepCallError(`${req.method} ${safeUrl(req.url)}: HTTP ${status}`, retryableStatus(status), result);
    return result;
  }
};

// src/drivers/index.ts
var drivers = { run: runDriver, http: httpDriver, convex: convexDriver };

// src/engine/call-timer.ts
var timedOut = () => new DOMException("The operation was aborted due to timeout", "TimeoutError");
var CallTimer = class {
  constructor(parent) {
    this.parent = parent;
    if (!parent) return;
    this.follow = () => this.controller.abort(parent.reason);
    if (parent.aborted) this.follow();
    else parent.addEventListener("abort", this.follow, { once: true });
  }
  parent;
  controller = new AbortController();
  timer = null;
  firesAt = 0;
  /** The running call's deadline (performance.now()), 0 between calls. */
  deadline = 0;
  follow = null;
  /** The signal of a call that may take `ms`: aborted with a TimeoutError past it, or with the run's reason. */
  start(ms) {
    if (this.controller.signal.aborted) {
      if (this.parent?.aborted) return this.controller.signal;
      this.controller = new AbortController();
    }
    this.deadline = performance.now() + ms;
    if (!this.timer || this.firesAt > this.deadline) this.arm(ms);
    return this.controller.signal;
  }
  /** The call is over: its deadline no longer holds. */
  stop() {
    this.deadline = 0;
  }
  /** No more calls. */
  close() {
    this.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.follow) this.parent.removeEventListener("abort", this.follow);
  }
  arm(ms) {
    if (this.timer) clearTimeout(this.timer);
    this.firesAt = performance.now() + ms;
    this.timer = setTimeout(this.fire, ms).unref();
  }
  fire = () => {
    this.timer = null;
    if (!this.deadline) return;
    const left = this.deadline - performance.now();
    if (left > 0) return this.arm(Math.ceil(left));
    this.deadline = 0;
    this.controller.abort(timedOut());
  };
};

// src/engine/render-plan.ts
var PER_CALL_ROOTS = /* @__PURE__ */ new Set(["page", "batch"]);
function perCall(text) {
  return templatesIn(text).some((ref) => PER_CALL_ROOTS.has(ref.path.split(".")[0] ?? ""));
}
function plan(value, fixed, url = false) {
  if (typeof value === "string") {
    if (!value.includes("{{")) return { fixed: true, value };
    if (perCall(value)) return { fixed: false, text: value, url };
    return { fixed: true, value: url ? renderUrl(value, fixed) : render(value, fixed) };
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => plan(v, fixed));
    return items.every((p) => p.fixed) ? { fixed: true, value: items.map((p) => p.value) } : { fixed: false, items };
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, plan(v, fixed, k === "url")]);
    return entries.every(([, p]) => p.fixed) ? { fixed: true, value: Object.fromEntries(entries.map(([k, p]) => [k, p.value])) } : { fixed: false, entries };
  }
  return { fixed: true, value };
}
function run(p, ctx) {
  if (p.fixed) return p.value;
  if ("text" in p) return p.url ? renderUrl(p.text, ctx) : render(p.text, ctx);
  if ("items" in p) return p.items.map((i) => run(i, ctx));
  const out = {};
  for (const [k, v] of p.entries) out[k] = run(v, ctx);
  return out;
}
function planRender(config, fixed) {
  let p;
  return (ctx) => run(p ??= plan(config, fixed), ctx);
}

// src/engine/step.ts
var StepFailure = class extends Error {
  constructor(step, message, result) {
    super(message);
    this.step = step;
    this.result = result;
  }
  step;
  result;
};
function asStepFailure(step, fn) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TemplateError) throw new StepFailure(step.name, `${step.name}: ${err.message}`);
    throw err;
  }
}
function renderConfig(step, template, renderer) {
  return asStepFailure(step, () => renderer ? renderer(template) : render(step[stepDriver(step)], template));
}
function stepRenderer(step, fixed) {
  return planRender(step[stepDriver(step)], fixed);
}
function callStep(rc, call) {
  return call.timer ? callWith(rc, call, call.timer) : callOnce(rc, call);
}
async function callOnce(rc, call) {
  const timer = new CallTimer(rc.signal);
  try {
    return await callWith(rc, call, timer);
  } finally {
    timer.close();
  }
}
async function callWith(rc, { step, template, idempotencyKey, onRetry, renderer, fence }, timer) {
  const kind = stepDriver(step);
  const driver = drivers[kind];
  const config = renderConfig(step, { ...template, batch: { key: idempotencyKey } }, renderer);
  const attempts = step.retry?.attempts ?? 1;
  const timeoutMs = durationMs(step.timeout);
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    let lease;
    if (fence) {
      const epoch = fence();
      lease = { rollout: rc.manifest.name, epoch: typeof epoch === "number" ? epoch : await epoch };
    }
    const signal = timer.start(timeoutMs);
    try {
      let result;
      try {
        result = await driver.call(
          { config, written: step[kind], env: rc.env, idempotencyKey, lease, signal, cwd: rc.cwd },
          { judgedByExpect: step.expect !== void 0 }
        );
      } finally {
        timer.stop();
      }
      judgeExpect(step, result);
      return { result, attempts: attempt, durationMs: performance.now() - started };
    } catch (err) {
      if (!(err instanceof StepCallError)) throw err;
      if (!err.retryable || attempt >= attempts || rc.signal?.aborted) {
        const tries = attempt > 1 ? ` (after ${attempt} attempts)` : "";
        throw new StepFailure(step.name, rc.masker.mask(`${step.name}: ${err.message}${tries}`), err.result);
      }
      const backoff = step.retry?.backoff ?? ["1s"];
      const wait = durationMs(backoff[Math.min(attempt - 1, backoff.length - 1)]);
      onRetry?.(attempt, err, wait);
      await sleep(wait, void 0, { signal: rc.signal }).catch(() => void 0);
    }
  }
}
function judgeExpect(step, result) {
  if (step.expect === void 0) return;
  let ok;
  try {
    ok = celBool(step.expect, { result });
  } catch (err) {
    throw new StepFailure(
      step.name,
      `${step.name}: expect \`${step.expect}\` could not be evaluated: ${err.message}`,
      result
    );
  }
  if (!ok) throw new StepFailure(step.name, `${step.name}: expect \`${step.expect}\` is false`, result);
}
function itemsOf(result) {
  const j = result.json;
  if (j && typeof j === "object") {
    if (typeof j.processed === "number") return j.processed;
    if (Array.isArray(j.results)) return j.results.length;
  }
  return 0;
}

// src/engine/notify.ts
function announce(deps, rc, m, event, text) {
  return notify(m, deps.env, rc.masker, event, text, (line) => deps.reporter.info(line));
}
async function notify(m, env, masker, event, text, log) {
  for (const n of m.notify) {
    if (!n.on.includes(event)) continue;
    const name = n.slack?.webhookEnv ?? n.webhook?.urlEnv;
    const url = name ? env[name] : void 0;
    if (!url) {
      log(`notify: ${name} is not set in the job; skipped`);
      continue;
    }
    masker.add(url);
    const body = masker.maskValue(n.slack ? { text } : { event, rollout: m.name, text });
    try {
      const res = await request(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        timeoutMs: 1e4
      });
      if (res.status < 200 || res.status > 299) log(`notify: ${name} answered HTTP ${res.status}`);
    } catch (err) {
      log(`notify: ${name}: ${err instanceof HttpError ? err.detail : masker.mask(err.message)}`);
    }
  }
}

// src/engine/paged.ts
import { isDeepStrictEqual } from "node:util";

// src/engine/batch-size.ts
var RATE_WEIGHT = 0.75;
function batchSizeSpec(batchTime) {
  return { ...batchTime, targetMs: durationMs(batchTime.target) };
}
function firstSize(spec) {
  return clamp(spec.startSize ?? spec.minSize, spec);
}
function clamp(n, spec) {
  return Math.min(spec.maxSize, Math.max(spec.minSize, Math.floor(n)));
}
var BatchSizer = class {
  /** `resumed`: the size checkpointed with the cursor, when a step resumes (the averages start afresh from it). */
  constructor(spec, resumed) {
    this.spec = spec;
    this.current = resumed === void 0 ? firstSize(spec) : clamp(resumed, spec);
  }
  spec;
  avgItems = 0;
  avgMs = 0;
  current;
  /** The size of the next batch. */
  get size() {
    return this.current;
  }
  /**
   * Records a batch that handled `items` in `ms` and returns the next size. `items` is what the batch reported
   * (`processed`, or the length of `results`); a batch that reports none counts as the size it was sent.
   */
  update(items, ms) {
    const n = items > 0 ? items : this.current;
    const t = Math.max(ms, 1);
    if (this.avgItems > 0 && this.avgMs > 0) {
      this.avgItems = this.avgItems * RATE_WEIGHT + n;
      this.avgMs = this.avgMs * RATE_WEIGHT + t;
    } else {
      this.avgItems = n;
      this.avgMs = t;
    }
    this.current = clamp(this.avgItems / this.avgMs * this.spec.targetMs, this.spec);
    return this.current;
  }
};

// src/engine/checkpoint.ts
var DEFAULT_CHECKPOINTS = { maxBatches: 5e3, maxMs: 2e3 };
var Checkpointer = class {
  constructor(session, key, policy = DEFAULT_CHECKPOINTS) {
    this.session = session;
    this.key = key;
    this.policy = policy;
  }
  session;
  key;
  policy;
  entries = [];
  progress = null;
  pending = 0;
  lastFlush = performance.now();
  inFlight = null;
  failure = null;
  /** Commits made, for figures. */
  flushes = 0;
  /**
   * Records one batch; starts a flush in the background when one is due. When a full buffer waits behind the commit
   * in flight, waits for that commit first: commits slower than the batches must not let the buffer (what a crash
   * loses) grow past `maxBatches`. Throws a failure of an earlier flush.
   */
  async record(progress, entry) {
    if (this.failure) throw this.failure;
    this.progress = progress;
    this.entries.push(entry);
    this.session.prepare(entry);
    this.pending++;
    const full = this.pending >= this.policy.maxBatches;
    if (!full && performance.now() - this.lastFlush < this.policy.maxMs) return;
    if (this.inFlight) {
      if (!full) return;
      await this.inFlight;
      if (this.failure) throw this.failure;
    }
    this.startFlush();
  }
  /** Throws the failure of an earlier flush (a lease lost), if any. */
  throwIfFailed() {
    if (this.failure) throw this.failure;
  }
  /** Adds ledger entries that move no cursor (a throttle's samples) to the buffer; written with the next flush. */
  note(entries) {
    this.entries.push(...entries);
  }
  /** Writes the buffer now (after the flush in flight): a step held between batches shows it, and renews its lease. */
  async flush() {
    if (this.inFlight) await this.inFlight;
    if (this.failure) throw this.failure;
    if (!this.entries.length && !this.progress) return;
    this.startFlush();
    await this.inFlight;
    if (this.failure) throw this.failure;
  }
  startFlush() {
    const entries = this.entries;
    const progress = this.progress;
    this.entries = [];
    this.pending = 0;
    this.lastFlush = performance.now();
    this.flushes++;
    this.inFlight = this.session.commit(
      (s) => {
        if (progress) s.progress = { ...s.progress, [this.key]: progress };
      },
      entries,
      `checkpoint ${this.key} batch ${progress?.batches ?? "?"}`
    ).catch((err) => {
      this.failure = err;
    }).finally(() => {
      this.inFlight = null;
    });
  }
  /** Waits for the flush in flight and writes whatever is buffered. */
  async drain() {
    await this.flush();
    this.progress = null;
  }
};

// src/engine/throttle.ts
import { setTimeout as sleep2 } from "node:timers/promises";
function describe2(s) {
  const why2 = s.reason ?? s.error;
  return `${s.check} ${s.outcome === "fail" ? "failed" : s.outcome}${why2 ? ` (${why2})` : ""}`;
}
function decideThrottle(samples, canStop) {
  const severe = samples.filter((s) => s.outcome === "fail" && (s.severity === "critical" || s.severity === "high"));
  if (canStop && severe.length)
    return {
      action: "stop",
      severity: severe.some((s) => s.severity === "critical") ? "critical" : "high",
      reason: severe.map(describe2).join("; "),
      failing: severe
    };
  const held = samples.filter((s) => s.outcome !== "pass");
  if (!held.length) return { action: "go" };
  return { action: "hold", reason: held.map(describe2).join("; "), holding: held.map((s) => s.check) };
}
var ThrottleStop = class extends Error {
  constructor(step, severity, reason, failing) {
    super(`${step}: stopped by paginate.throttle: ${reason}`);
    this.step = step;
    this.severity = severity;
    this.reason = reason;
    this.failing = failing;
  }
  step;
  severity;
  reason;
  failing;
};
var ThrottleTimeout = class extends StepFailure {
};
function throttleSpec(t) {
  return { everyMs: durationMs(t.every), maxWaitMs: durationMs(t.maxWait) };
}
var Throttle = class {
  constructor(step, spec, canStop, deps) {
    this.step = step;
    this.spec = spec;
    this.canStop = canStop;
    this.deps = deps;
  }
  step;
  spec;
  canStop;
  deps;
  lastLook = Number.NEGATIVE_INFINITY;
  /**
   * Before a batch: returns when it may be sent. Looks when the last look is `every` old (so before the first
   * batch too); while held, looks again every `every`. Throws ThrottleStop, or ThrottleTimeout past `maxWait`.
   */
  async beforeBatch() {
    if (this.deps.now() - this.lastLook < this.spec.everyMs) return;
    let heldSince = null;
    for (; ; ) {
      this.lastLook = this.deps.now();
      const samples = await this.deps.sample();
      const verdict = decideThrottle(samples, this.canStop);
      const heldMs = heldSince === null ? 0 : this.deps.now() - heldSince;
      await this.deps.record(samples, verdict, heldMs);
      if (verdict.action === "go") return;
      if (verdict.action === "stop")
        throw new ThrottleStop(this.step, verdict.severity, verdict.reason, verdict.failing);
      if (this.deps.pauseAsked?.()) return;
      heldSince ??= this.lastLook;
      if (this.deps.now() - heldSince >= this.spec.maxWaitMs)
        throw new ThrottleTimeout(
          this.step,
          `${this.step}: still held by paginate.throttle after ${formatMs(this.spec.maxWaitMs)} (maxWait): ${verdict.reason}; the next run resumes at the same cursor`
        );
      await this.deps.sleep(this.spec.everyMs);
    }
  }
};
function pagingThrottle(run2, step, cp, at) {
  const config = step.paginate.throttle;
  const checks = run2.rc.manifest.checks;
  const label2 = `  ${run2.phase}/${step.name}`;
  const entry = (kind, result, batches) => run2.session.entry({ kind, phase: run2.phase, step: step.name, result, counts: { batch: batches } });
  return new Throttle(step.name, throttleSpec(config), run2.kind === "apply", {
    sample: () => {
      const env = run2.checkEnv();
      return Promise.all(config.checks.map((name) => sampleCheck(name, checks[name], env, null)));
    },
    record: async (samples, verdict, heldMs) => {
      const { batches, cursor } = at();
      cp.note(samples.map((s) => entry("throttle-sample", s, batches)));
      if (verdict.action === "go") {
        if (heldMs > 0)
          run2.reporter.info(`${label2}: throttle released after ${formatMs(heldMs)}; batch ${batches + 1}`);
        return;
      }
      if (verdict.action === "hold") {
        const { reason, holding } = verdict;
        cp.note([entry("throttled", { holding, reason, cursor, heldMs: Math.round(heldMs) }, batches)]);
        run2.reporter.info(
          `${label2}: throttled by ${holding.join(", ")} before batch ${batches + 1} (${reason}); cursor kept, next look in ${config.every}`
        );
      }
      await cp.flush();
    },
    now: () => performance.now(),
    sleep: (ms) => sleep2(ms, void 0, { signal: run2.rc.signal }),
    pauseAsked: () => !!run2.session.state.pause && run2.kind === "apply"
  });
}

// src/engine/step-run.ts
function summarize(result) {
  const out = {};
  if (result.status !== void 0) out.status = result.status;
  if (result.exitCode !== void 0) out.exitCode = result.exitCode;
  if (result.logLines?.length) out.logLines = result.logLines;
  const j = result.json;
  if (j && typeof j === "object" && !Array.isArray(j)) {
    for (const [k, v] of Object.entries(j)) if (v === null || typeof v !== "object") out[k] = v;
  } else if (j !== void 0) out.json = Array.isArray(j) ? `[${j.length} items]` : j;
  return out;
}
function keyOf(run2, step, cursor) {
  const { rc, phase, kind, generation } = run2;
  return batchKey({ rollout: rc.manifest.name, phase, kind, step: step.name, generation, dryRun: rc.dryRun, cursor });
}
function retryNote(run2, step) {
  return (attempt, err, waitMs) => {
    const why2 = run2.rc.masker.mask(err.message);
    run2.reporter.info(`  ${run2.phase}/${step.name}: attempt ${attempt} failed (${why2}), retrying in ${waitMs} ms`);
  };
}

// src/engine/paged.ts
var DEFAULT_MAX_BATCHES = 1e4;
function tooManyBatches(step) {
  const why2 = `stopped after ${DEFAULT_MAX_BATCHES} batches with more pages to go (the default paginate.maxBatches)`;
  return `${step}: ${why2}: set paginate.maxBatches if the step needs more`;
}
function loopingCursor(step, cursor, batches) {
  const why2 = `the target returned the cursor it was sent (${excerpt(cursor)}) with more pages to go`;
  return `${step}: ${why2}: a loop, not progress; stopped after batch ${batches}`;
}
function afterSend() {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
function sameCursor(a, b) {
  return typeof a === "object" ? isDeepStrictEqual(a, b) : Object.is(a, b);
}
async function runPaged(run2, step, key, start) {
  const paginate = step.paginate;
  const next = compileCel(paginate.next);
  const base = templateContext(run2.rc, run2.phase, run2.cohort);
  const renderer = stepRenderer(step, base);
  const onRetry = retryNote(run2, step);
  const fence = () => run2.session.fence();
  const cp = new Checkpointer(run2.session, key, run2.checkpoints);
  const timer = new CallTimer(run2.rc.signal);
  const label2 = `  ${run2.phase}/${step.name}`;
  let { batches, items, cursor } = start;
  const sizer = paginate.batchTime ? new BatchSizer(batchSizeSpec(paginate.batchTime), start.size) : null;
  const throttle = paginate.throttle && pagingThrottle(run2, step, cp, () => ({ batches, cursor }));
  const t0 = performance.now();
  const resumedBatches = batches;
  let unbooked = null;
  let inFlight = null;
  const book = async () => {
    const pending = unbooked;
    unbooked = null;
    await pending?.();
  };
  try {
    for (; ; ) {
      if (paginate.maxBatches !== void 0 && batches >= paginate.maxBatches) break;
      if (paginate.maxBatches === void 0 && batches >= DEFAULT_MAX_BATCHES)
        throw new StepFailure(step.name, tooManyBatches(step.name));
      if (throttle) {
        await book();
        await throttle.beforeBatch();
      }
      if (run2.session.state.pause) {
        await book();
        await stopIfPaused(run2.session, run2.kind, step.name, cp);
      }
      cp.throwIfFailed();
      const size = sizer?.size;
      const page = size === void 0 ? { cursor, number: batches + 1 } : { cursor, number: batches + 1, size };
      const template = { ...base, page };
      const idempotencyKey = keyOf(run2, step, cursor);
      const call = callStep(run2.rc, { step, template, idempotencyKey, onRetry, renderer, fence, timer });
      inFlight = call.catch(() => void 0);
      if (unbooked) {
        await afterSend();
        await book();
      }
      const out = await call;
      inFlight = null;
      const vars = { result: out.result };
      let more;
      let nextCursor;
      try {
        more = celBool(paginate.while, vars);
        nextCursor = more ? next(vars) : null;
      } catch (err) {
        const why2 = `paginate could not be evaluated: ${err.message}`;
        throw new StepFailure(step.name, `${step.name}: ${why2}`, out.result);
      }
      batches++;
      const n = itemsOf(out.result);
      items += n;
      const looping = more && nextCursor != null && sameCursor(nextCursor, cursor);
      cursor = nextCursor ?? null;
      const nextSize = sizer?.update(n, out.durationMs);
      const progress = { done: !more, batches, items, cursor, startedAt: start.startedAt };
      const counts = size === void 0 ? { batch: batches, items: n } : { batch: batches, items: n, size };
      const at = { elapsedMs: performance.now() - t0, batches, items };
      unbooked = async () => {
        const entry = run2.session.entry({
          kind: "batch",
          phase: run2.phase,
          step: step.name,
          counts,
          result: summarize(out.result),
          durationMs: Math.round(out.durationMs)
        });
        await cp.record(sizer ? { ...progress, size: nextSize } : progress, entry);
        run2.reporter.batch(label2, at.batches - resumedBatches, at.items, at.elapsedMs, paginate.maxBatches);
      };
      if (looping) {
        await book();
        throw new StepFailure(step.name, loopingCursor(step.name, cursor, batches), out.result);
      }
      if (!more) break;
    }
    await book();
  } catch (err) {
    await inFlight;
    await book().catch(() => void 0);
    await cp.drain().catch(() => void 0);
    throw err;
  } finally {
    timer.close();
  }
  await cp.drain();
  run2.reporter.done(label2, batches, items, performance.now() - t0);
  return { done: true, batches, items, cursor, startedAt: start.startedAt, ...sizer ? { size: sizer.size } : {} };
}

// src/engine/steps.ts
function progressKey(phase, kind, step) {
  return `${phase}/${kind}/${step}`;
}
function isDrillable(step) {
  return step.readOnly || JSON.stringify(step).includes("run.dryRun");
}
async function runSteps(run2, steps) {
  for (const step of steps) {
    if (!run2.session.state.progress?.[progressKey(run2.phase, run2.kind, step.name)]?.done)
      await stopIfPaused(run2.session, run2.kind, step.name);
    await runOneStep(run2, step);
  }
}
async function runOneStep(run2, step) {
  const { session, phase, kind } = run2;
  const key = progressKey(phase, kind, step.name);
  const prior = session.state.progress?.[key];
  if (prior?.done) return;
  if (run2.rc.dryRun && !isDrillable(step)) {
    run2.reporter.info(
      `  ${phase}/${step.name}: skipped, not drillable (neither readOnly nor passing {{ run.dryRun }})`
    );
    await session.commit(
      null,
      [session.entry({ kind: "step-skipped", phase, step: step.name, result: { reason: "not drillable" } })],
      `${phase}: ${step.name} not drillable`
    );
    return;
  }
  const startedAt = prior?.startedAt ?? session.now().toISOString();
  const progress = prior ?? { done: false, batches: 0, items: 0, cursor: null, startedAt };
  await session.commit(
    (s) => {
      if (kind !== "drill") s.step = step.name;
      s.progress = { ...s.progress, [key]: progress };
    },
    [
      session.entry({
        kind: "step-start",
        phase,
        step: step.name,
        result: { stepKind: kind, resumeFrom: prior ? { batches: prior.batches, cursor: prior.cursor } : void 0 }
      })
    ],
    `${phase}: ${kind} ${step.name}`
  );
  const t0 = performance.now();
  const final = step.paginate ? await runPaged(run2, step, key, progress) : await runSingle(run2, step, progress);
  await session.commit(
    (s) => {
      s.progress = { ...s.progress, [key]: { ...final, done: true, finishedAt: session.now().toISOString() } };
    },
    [
      session.entry({
        kind: "step-end",
        phase,
        step: step.name,
        counts: { batches: final.batches, items: final.items },
        durationMs: Math.round(performance.now() - t0)
      })
    ],
    `${phase}: ${step.name} done`
  );
}
async function runSingle(run2, step, progress) {
  const template = templateContext(run2.rc, run2.phase, run2.cohort);
  const idempotencyKey = keyOf(run2, step, null);
  const fence = () => run2.session.fence();
  const out = await callStep(run2.rc, { step, template, idempotencyKey, onRetry: retryNote(run2, step), fence });
  await run2.session.commit(
    null,
    [
      run2.session.entry({
        kind: "step-result",
        phase: run2.phase,
        step: step.name,
        result: keptResult(out.result),
        durationMs: Math.round(out.durationMs),
        counts: { attempts: out.attempts }
      })
    ],
    `${run2.phase}: ${step.name} result`
  );
  run2.reporter.info(`  ${run2.phase}/${step.name}: ok (${Math.round(out.durationMs)} ms)`);
  return { ...progress, batches: 1, items: itemsOf(out.result) };
}
function keptResult(result) {
  const text = result.stdout ?? result.body;
  return {
    ...summarize(result),
    json: result.json,
    output: text && text.length > 65536 ? `${text.slice(0, 65536)}\u2026` : text
  };
}

// src/engine/scope.ts
function phaseIndex(m, name) {
  return name === "none" ? -1 : m.phases.findIndex((p) => p.name === name);
}
function generationOf(s, phase) {
  return s.generation?.[phase] ?? 0;
}
var PassScope = class {
  constructor(deps, session, rc, manifest) {
    this.deps = deps;
    this.session = session;
    this.rc = rc;
    this.manifest = manifest;
  }
  deps;
  session;
  rc;
  manifest;
  /** The state as last committed. */
  get state() {
    return this.session.state;
  }
  now() {
    return this.session.now();
  }
  entry(input) {
    return this.session.entry(input);
  }
  commit(mutate, ledger, message) {
    return this.session.commit(mutate, ledger, message);
  }
  info(line) {
    this.deps.reporter.info(line);
  }
  announce(event, text) {
    return announce(this.deps, this.rc, this.manifest, event, text);
  }
  /** The phase named `name`; the state was checked against the manifest when the pass opened. */
  phase(name) {
    const p = this.manifest.phases[phaseIndex(this.manifest, name)];
    if (!p) throw new Error(`${this.manifest.name}: no phase ${name}`);
    return p;
  }
  /** How many times `phase` was entered (part of every batch key). */
  generation(phase) {
    return generationOf(this.state, phase);
  }
  /** Runs `steps` of `phase`, resuming from their checkpoints. */
  runSteps(phase, kind, cohort, steps) {
    const { reporter, checkpoints } = this.deps;
    const run2 = { session: this.session, rc: this.rc, reporter, checkpoints, phase, kind, cohort };
    return runSteps({ ...run2, generation: this.generation(phase), checkEnv: () => checkEnv(this, phase) }, steps);
  }
};

// src/engine/phases.ts
async function resolveCohort(pass, p) {
  const { manifest: m, rc } = pass;
  const recorded = pass.state.cohorts?.[p.name];
  if (recorded) return recorded;
  let listing = null;
  if (p.cohort?.from) {
    const template = templateContext(rc, p.name, null);
    const key = batchKey({
      rollout: m.name,
      phase: p.name,
      kind: "cohort",
      step: p.cohort.from.name,
      generation: pass.generation(p.name),
      dryRun: rc.dryRun,
      cursor: null
    });
    const out = await callStep(rc, { step: p.cohort.from, template, idempotencyKey: key });
    listing = parseCohortListing(out.result.json);
  }
  const selection = selectCohort(p.cohort, listing, m.name);
  const idx = phaseIndex(m, p.name);
  const previous = idx > 0 ? pass.state.cohorts?.[m.phases[idx - 1].name] : void 0;
  const cohort = {
    ids: selection.ids,
    added: cohortAdded(selection, previous ? previous.ids : idx > 0 ? null : void 0)
  };
  if (p.cohort?.percent !== void 0) cohort.percent = p.cohort.percent;
  await pass.commit(
    (s) => {
      s.cohorts = { ...s.cohorts, [p.name]: cohort };
    },
    [
      pass.entry({
        kind: "cohort",
        phase: p.name,
        result: { ids: cohort.ids, added: cohort.added, percent: cohort.percent, listed: listing?.length }
      })
    ],
    `${p.name}: cohort`
  );
  const whom = cohort.ids === null ? "everyone" : `${cohort.ids.length} ids (${cohort.added?.length ?? "all"} new)`;
  pass.info(`  ${p.name}: cohort ${whom}`);
  return cohort;
}
function failedInSteps(s) {
  return s.status === "failed" && typeof s.failure?.step === "string" && !s.gate;
}
function stoppedByChecks(s) {
  return failedInSteps(s) && s.failure?.severity !== void 0;
}
async function applyPhase(pass, p) {
  const s = pass.state;
  if (s.applied === p.name && failedInSteps(s)) {
    await pass.commit(
      (st) => {
        st.status = "applying";
        st.failure = null;
      },
      [pass.entry({ kind: "resume", phase: p.name, step: s.failure?.step, result: { after: s.failure } })],
      `resume ${p.name}`
    );
  }
  if (!(s.applied === p.name && pass.state.status === "applying")) {
    const from = s.applied;
    const enteredBy = await pass.deps.enteredBy?.(pass.manifest);
    await pass.commit(
      (st) => {
        for (const key of Object.keys(st.progress ?? {})) if (key.startsWith(`${p.name}/`)) delete st.progress[key];
        if (st.cohorts) delete st.cohorts[p.name];
        st.generation = { ...st.generation, [p.name]: generationOf(st, p.name) + 1 };
        st.applied = p.name;
        st.status = "applying";
        st.step = null;
        st.gate = null;
        st.failure = null;
        if (enteredBy) st.enteredBy = enteredBy;
      },
      [pass.entry({ kind: "transition", phase: p.name, result: { from, to: p.name, status: "applying", enteredBy } })],
      `apply ${p.name}`
    );
    pass.info(`${pass.manifest.name}: applying ${p.name}${from !== "none" ? ` (after ${from})` : ""}`);
  } else pass.info(`${pass.manifest.name}: resuming ${p.name}`);
  const cohort = await resolveCohort(pass, p);
  await pass.runSteps(p.name, "apply", cohort, p.steps);
}
async function rollBackTo(pass, target2, reason) {
  const { manifest: m } = pass;
  const s = pass.state;
  if (s.status !== "rolling-back") {
    await pass.commit(
      (st) => {
        for (const key of Object.keys(st.progress ?? {})) if (key.includes("/rollback/")) delete st.progress[key];
        st.status = "rolling-back";
        st.rollbackTo = target2;
        st.gate = null;
      },
      [pass.entry({ kind: "rollback-start", phase: s.applied, result: { from: s.applied, to: target2, reason } })],
      `roll back ${s.applied} -> ${target2}`
    );
    pass.info(`${m.name}: rolling back ${s.applied} -> ${target2} (${reason})`);
    await pass.announce("rollback-start", `:rewind: ${m.name}: rolling back ${s.applied} -> ${target2} (${reason})`);
    await pass.deps.events.rollbackStarted?.({ manifest: m, from: s.applied, to: target2, reason });
  } else pass.info(`${m.name}: resuming rollback to ${target2}`);
  const targetIdx = phaseIndex(m, target2);
  for (let idx = phaseIndex(m, pass.state.applied); idx > targetIdx; idx--) {
    const p = m.phases[idx];
    await pass.runSteps(p.name, "rollback", pass.state.cohorts?.[p.name] ?? null, p.rollback ?? m.rollback);
    const below = m.phases[idx - 1]?.name ?? "none";
    await pass.commit(
      (st) => {
        st.applied = below;
        st.step = null;
      },
      [pass.entry({ kind: "phase-rolled-back", phase: p.name, result: { applied: below } })],
      `rolled back ${p.name}`
    );
  }
}
async function recordStepFailure(pass, err) {
  const phase = pass.state.applied;
  await pass.commit(
    (s) => {
      s.failure = { phase, step: err.step, reason: err.message, at: pass.now().toISOString() };
      if (s.status === "applying") s.status = "failed";
    },
    [
      pass.entry({
        kind: "step-failed",
        phase,
        step: err.step,
        error: err.message,
        result: err.result ? {
          status: err.result.status,
          exitCode: err.result.exitCode,
          json: err.result.json,
          logLines: err.result.logLines
        } : void 0
      })
    ],
    `${phase}: ${err.step} failed`
  );
}

// src/engine/session.ts
function ledgerEntry(at, input) {
  const e = { ...input, time: at.time.toISOString(), actor: input.actor ?? at.actor, rollout: at.rollout };
  if (at.trigger) e.trigger = at.trigger;
  return e;
}
var RolloutSession = class _RolloutSession {
  constructor(opts, state, version, lean = false) {
    this.opts = opts;
    this.state = state;
    this.version = version;
    this.lean = lean;
    this.actor = holderLabel(opts.me);
    this.epoch = state.epoch ?? 0;
  }
  opts;
  state;
  version;
  lean;
  queue = Promise.resolve();
  heartbeat;
  /** performance.now() when the last commit that renewed the lease started (its expiresAt was computed after). */
  renewedAt = performance.now();
  actor;
  /** The lease epoch this session holds (the fencing token); checked by every commit. */
  epoch;
  /** Claims the lease; null when a live other holder has it. */
  static async open(opts) {
    const started = performance.now();
    const claimed = await claimLease(opts.store, opts.name, opts.me, opts.ttlMs, { now: opts.now, ...opts.claim });
    if (!claimed) return null;
    const session = new _RolloutSession(opts, claimed.state, claimed.version);
    session.renewedAt = started;
    session.startHeartbeat();
    return session;
  }
  /** A lean session on `state` as read at `version`, whose lease is free: it claims nothing until it commits. */
  static adopt(opts, state, version) {
    if (state.lease) throw new Error(`adopt: the lease of ${opts.name} is not free`);
    return new _RolloutSession(opts, state, version, true);
  }
  get name() {
    return this.opts.name;
  }
  now() {
    return this.opts.now?.() ?? /* @__PURE__ */ new Date();
  }
  /** Masks and serialises an entry that a later commit will write, now (GitStateStore.prepareLedger). */
  prepare(entry) {
    this.opts.store.prepareLedger(entry);
  }
  entry(input) {
    const at = { time: this.now(), rollout: this.opts.name, actor: this.actor, trigger: this.opts.trigger };
    return ledgerEntry(at, input);
  }
  /**
   * Applies `mutate` to the state as committed (it must be a pure function of it) and appends `ledger`, in one
   * commit. Throws LeaseLostError when another holder took the lease.
   *
   * The commit is a CAS on the version this session last read or wrote, so a checkpoint costs no read (and, with a
   * remote, no fetch). When the rollout changed since (only a lease takeover can do that while we hold the lease),
   * the CAS fails and the commit falls back to read, lease check, write.
   */
  commit(mutate, ledger, message) {
    const run2 = async () => {
      const started = performance.now();
      if (this.version) {
        const next = this.planned(this.state, mutate);
        try {
          this.version = await this.opts.store.commit({
            name: this.opts.name,
            expected: this.version,
            state: next,
            ledger,
            message
          });
          this.state = next;
          this.renewedAt = started;
          return next;
        } catch (err) {
          if (!(err instanceof LostRaceError)) throw err;
          if (this.lean) throw new LeaseLostError(`${this.opts.name} was moved by another run`, this.opts.name);
        }
      }
      const result = await this.opts.store.update(this.opts.name, (current) => ({
        state: this.planned(current, mutate),
        ledger,
        message
      }));
      this.version = result.version;
      this.renewedAt = started;
      if (result.state) this.state = result.state;
      return this.state;
    };
    const p = this.queue.then(run2, run2);
    this.queue = p.catch(() => void 0);
    return p;
  }
  /**
   * `current` after `mutate`, with the lease renewed; throws LeaseLostError when the lease is not ours: another
   * holder, or our holder at another epoch (the lease was taken over and claimed again since).
   */
  planned(current, mutate) {
    const lease = current?.lease;
    if (this.lean ? !current || !!lease : !lease || !isSameHolder(lease.holder, this.opts.me))
      throw new LeaseLostError(
        `lost the lease of ${this.opts.name}${lease ? ` to ${holderLabel(lease.holder)}` : ""}`,
        this.opts.name
      );
    if ((current.epoch ?? 0) !== this.epoch)
      throw new LeaseLostError(
        `lost the lease of ${this.opts.name}: its epoch is ${current.epoch ?? 0}, this run held ${this.epoch}`,
        this.opts.name
      );
    const next = structuredClone(current);
    mutate?.(next);
    const now = this.now();
    next.updatedAt = now.toISOString();
    return this.lean ? next : withRenewedLease(next, this.opts.me, this.opts.ttlMs, now);
  }
  /**
   * Proves the lease is current before something is sent to a target, and returns its epoch: when the last renewal
   * started half a TTL ago or more, renews it first (a CAS commit). Throws LeaseLostError when it cannot: the
   * holder must stop sending.
   */
  fence() {
    if (this.lean) throw new LeaseLostError(`${this.opts.name}: a gate-sampling pass holds no lease`, this.opts.name);
    return performance.now() - this.renewedAt < this.opts.ttlMs / 2 ? this.epoch : this.renewForFence();
  }
  async renewForFence() {
    try {
      await this.commit(null, [], "lease renewed");
    } catch (err) {
      if (err instanceof LostRaceError)
        throw new LeaseLostError(`cannot prove the lease of ${this.opts.name}: ${err.message}`, this.opts.name);
      throw err;
    }
    if (performance.now() - this.renewedAt >= this.opts.ttlMs / 2)
      throw new LeaseLostError(`cannot renew the lease of ${this.opts.name} in time`, this.opts.name);
    return this.epoch;
  }
  startHeartbeat() {
    const every = Math.max(500, Math.floor(this.opts.ttlMs / 4));
    this.heartbeat = setInterval(() => {
      if (performance.now() - this.renewedAt < every) return;
      this.commit(null, [], "lease renewed").catch(() => void 0);
    }, every);
    this.heartbeat.unref();
  }
  /** Stops the heartbeat and gives the lease up. */
  async close() {
    clearInterval(this.heartbeat);
    await this.queue;
    if (this.lean) return;
    await releaseLease(this.opts.store, this.opts.name, this.opts.me, { now: this.opts.now }).catch(() => void 0);
  }
  /** Stops the heartbeat without releasing (after a lost lease). */
  abandon() {
    clearInterval(this.heartbeat);
  }
};

// src/engine/verify.ts
async function verify(pass) {
  const { manifest: m } = pass;
  const env = checkEnv(pass, pass.state.applied);
  const samples = [];
  for (const v of m.verify) samples.push(await sampleCheck(v.name, v, env, null));
  const failing = samples.filter((s) => s.outcome !== "pass");
  const ok = failing.length === 0;
  await pass.commit(
    (s) => {
      s.status = ok ? "rolled-back" : "failed";
      s.step = null;
      s.rollbackTo = null;
      s.failure = ok ? null : {
        phase: s.applied,
        reason: `verify failed: ${failing.map((f) => `${f.check} ${f.outcome}`).join(", ")}`,
        at: pass.now().toISOString()
      };
    },
    [
      ...samples.map((sample) => pass.entry({ kind: "verify", result: sample })),
      pass.entry({
        kind: "transition",
        result: { status: ok ? "rolled-back" : "failed", applied: pass.state.applied }
      })
    ],
    ok ? "rolled back and verified" : "verify failed"
  );
  for (const s of samples)
    pass.info(`  verify ${s.check}: ${s.outcome}${s.reason || s.error ? ` \u2014 ${s.reason ?? s.error}` : ""}`);
  const applied = pass.state.applied;
  await pass.announce(
    "rollback-done",
    ok ? `:white_check_mark: ${m.name}: rolled back to ${applied}; verify passed` : `:x: ${m.name}: rolled back to ${applied}; verify FAILED: ${failing.map((f) => f.check).join(", ")}`
  );
  await pass.deps.events.rollbackDone?.({ manifest: m, applied, ok, state: pass.state });
  return ok;
}

// src/engine/pass.ts
function checkStateFits(store, m, state, version) {
  if (!state || !version) return;
  checkPhases(
    state,
    m.phases.map((p) => p.name),
    store.stateFile(m.name, version)
  );
}
var RolloutPass = class _RolloutPass extends PassScope {
  /**
   * Claims the lease of `m`'s rollout. Null when a live other holder has it. Throws StateFileError, having written
   * nothing, when the state does not fit the manifest (e.g. `applied` names a phase it does not have).
   */
  static async open(deps, m, opts = {}) {
    const rc = runContext(deps, m, opts.dryRun);
    const sessionOpts = {
      store: deps.store,
      name: m.name,
      me: deps.me,
      ttlMs: deps.leaseTtlMs,
      masker: rc.masker,
      trigger: deps.trigger,
      now: deps.now,
      claim: {
        isRunFinished: deps.isRunFinished,
        skewMs: deps.leaseSkewMs,
        check: (state, version) => checkStateFits(deps.store, m, state, version)
      }
    };
    const session = opts.adopt ? RolloutSession.adopt(sessionOpts, opts.adopt.state, opts.adopt.version) : await RolloutSession.open(sessionOpts);
    return session ? new _RolloutPass(deps, session, rc, m) : null;
  }
  /** Enters phase `p` (or resumes it at its failed step) and runs its steps. */
  applyPhase(p) {
    return applyPhase(this, p);
  }
  /** Opens `p`'s gate after its steps, or marks it healthy when it has none. */
  async openGate(p) {
    await this.deps.events.phaseApplied?.({ manifest: this.manifest, phase: p.name, state: this.state });
    return openGate(this, p);
  }
  /** Opens the applied phase's gate afresh (a resume or retry): a new hold, no samples; the phase is not re-applied. */
  reopenGate(p) {
    return openGate(this, p);
  }
  /** Takes the due samples of the open gate and acts on the verdict. */
  sampleGate() {
    return sampleGate(this);
  }
  /** Rolls back every applied phase above `target`, highest first. */
  rollBackTo(target2, reason) {
    return rollBackTo(this, target2, reason);
  }
  /** The `verify:` checks after a rollback; false when one did not pass. */
  verify() {
    return verify(this);
  }
  recordStepFailure(err) {
    return recordStepFailure(this, err);
  }
  /** Gives the lease up. */
  close() {
    return this.session.close();
  }
};
async function withPass(deps, m, fn, opts = {}) {
  const pass = await RolloutPass.open(deps, m, opts);
  if (!pass) return null;
  try {
    return await fn(pass);
  } catch (err) {
    if (err instanceof LeaseLostError) pass.session.abandon();
    throw err;
  } finally {
    await pass.close();
  }
}

// src/engine/preflight.ts
function phasesRolledBack(m, applied, target2) {
  return m.phases.slice(phaseIndex(m, target2) + 1, phaseIndex(m, applied) + 1).map((p) => p.name).reverse();
}
function scopeOf(m, run2) {
  if ("apply" in run2) return { what: `phase ${run2.apply}`, scope: phaseScope(m, run2.apply) };
  if ("rollBack" in run2)
    return { what: `the rollback of ${run2.rollBack.join(", ")}`, scope: rollbackScope(m, run2.rollBack) };
  const steps = rollbackScope(m, run2.drill).steps.filter(isDrillable);
  return { what: `the drill of ${run2.drill.join(", ")}`, scope: { steps, checks: [] } };
}
function convexShortfall(m, scope, env) {
  if (!scope.steps.some((s) => s.convex && s.convex.via !== "cli")) return null;
  const seen = {};
  for (const name of m.env) if (env[name]) seen[name] = env[name];
  try {
    convexDeployment(seen);
    return null;
  } catch (err) {
    const keySet = !!(seen.CONVEX_DEPLOY_KEY || seen.CONVEX_DEPLOYMENT_TOKEN);
    const names = CONVEX_DEPLOYMENT_ENV.filter(
      (n) => m.env.includes(n) && !env[n] && !(keySet && (n === "CONVEX_DEPLOY_KEY" || n === "CONVEX_DEPLOYMENT_TOKEN"))
    );
    return names.length ? { names } : err.message;
  }
}
function missingEnv(m, run2, env) {
  const { scope } = scopeOf(m, run2);
  const missing = envNamesOf(m, scope).filter((name) => !env[name]);
  const convex = convexShortfall(m, scope, env);
  if (convex && typeof convex === "object") missing.push(...convex.names.filter((n) => !missing.includes(n)));
  return missing;
}
function preflightError(m, run2, env) {
  const { what, scope } = scopeOf(m, run2);
  const missing = missingEnv(m, run2, env);
  if (!missing.length) {
    const refused = convexShortfall(m, scope, env);
    return typeof refused === "string" ? `preflight: ${what}: ${refused}; nothing was run` : null;
  }
  const one = missing.length === 1;
  return `preflight: ${what} uses ${missing.join(", ")}, ${one ? "which is" : "which are"} unset or empty in this job; set ${one ? "it" : "them"} (a GitHub secret that does not exist is empty) and run again; nothing was run`;
}

// src/engine/reconcile.ts
var CAN_ADVANCE = /* @__PURE__ */ new Set(["none", "healthy", "complete", "rolled-back"]);
function gateIdle(m, s, now) {
  const gate = s.gate ? m.phases[phaseIndex(m, s.gate.phase)]?.gate : void 0;
  if (!gate || !s.gate) return false;
  const { samples, tally, startedAt } = s.gate;
  const verdict = decideGate({ gate, checks: m.checks, samples, tally, startedAt, now });
  return verdict.state === "holding" && verdict.due.length === 0;
}
function decide(m, s, now = /* @__PURE__ */ new Date()) {
  const clearHold = !!s?.hold && s.hold.desired !== m.phase;
  const held = !!s?.hold && !clearHold;
  const state = s ?? { applied: "none", status: "none" };
  const a = phaseIndex(m, state.applied);
  const d = phaseIndex(m, m.phase);
  const act = (action) => ({ ...action, clearHold });
  if (s?.status === "rolling-back" || d < a) {
    const resumeTo = s?.status === "rolling-back" && s.rollbackTo != null && phaseIndex(m, s.rollbackTo) <= d;
    return act({
      action: "roll-back",
      to: resumeTo ? s.rollbackTo : m.phase,
      reason: d < a ? `desired phase is ${m.phase}` : "resuming"
    });
  }
  if (s?.pause)
    return act(s.status === "paused" ? { action: "paused", message: pauseNote(s.pause) } : { action: "pause" });
  if (s && (s.status === "applying" || failedInSteps(s) && !stoppedByChecks(s)))
    return act({ action: "apply", phase: m.phases[a] });
  if (d > a && CAN_ADVANCE.has(state.status) && !held) return act({ action: "apply", phase: m.phases[a + 1] });
  if (s?.status === "holding") return act({ action: gateIdle(m, s, now) ? "none" : "sample" });
  if (d > a && held) return act({ action: "blocked", message: "held after a rollback: change `phase` to move on" });
  return act({ action: "none" });
}
function needsWork(m, s, now = /* @__PURE__ */ new Date()) {
  const d = decide(m, s, now);
  return d.clearHold || d.action !== "none" && d.action !== "blocked" && d.action !== "paused";
}
async function carryOut(pass) {
  const { manifest: m, deps } = pass;
  let next = decide(m, pass.state, pass.now());
  if (next.clearHold) {
    await pass.commit((st) => void (st.hold = null), [], "hold cleared: desired phase changed");
    next = decide(m, pass.state, pass.now());
  }
  try {
    switch (next.action) {
      case "none":
        return outcomeOf(m, pass.state, "unchanged");
      case "blocked":
        return outcomeOf(m, pass.state, "blocked", next.message);
      case "paused":
        return outcomeOf(m, pass.state, "unchanged", next.message);
      case "pause":
        return await pausedOutcome(pass);
      case "roll-back": {
        await pass.rollBackTo(next.to, next.reason);
        const ok = await pass.verify();
        return outcomeOf(m, pass.state, ok ? "rolled-back" : "failed", ok ? void 0 : pass.state.failure?.reason);
      }
      case "apply":
        await pass.applyPhase(next.phase);
        await pass.openGate(next.phase);
        if (pass.state.status !== "holding")
          return outcomeOf(m, pass.state, pass.state.status === "complete" ? "complete" : "applied");
        break;
      case "sample":
        break;
    }
    const gate = await pass.sampleGate();
    return outcomeOf(m, pass.state, gate.outcome, gate.reason);
  } catch (err) {
    if (err instanceof PauseHonoured) return pausedOutcome(pass);
    if (err instanceof ThrottleStop) {
      const { step, severity, reason, failing } = err;
      await failByChecks(pass, { phase: pass.state.applied, step, severity, reason, failing });
      return outcomeOf(m, pass.state, "failed", err.message);
    }
    if (!(err instanceof StepFailure)) throw err;
    await pass.recordStepFailure(err);
    deps.reporter.info(`${m.name}: \u2716 ${err.message}`);
    await pass.announce("failure", `:x: ${m.name}: ${err.message}`);
    if (pass.state.status === "failed")
      await deps.events.rollbackRequested?.({
        manifest: m,
        phase: pass.state.applied,
        severity: "critical",
        reason: err.message,
        failing: [],
        state: pass.state
      });
    return outcomeOf(m, pass.state, "failed", err.message);
  }
}
async function pausedOutcome(pass) {
  if (pass.state.status !== "paused" && !await honourPause(pass.session)) return carryOut(pass);
  const note = pauseNote(pass.state.pause);
  pass.info(`${pass.manifest.name}: \u23F8 ${note}`);
  return outcomeOf(pass.manifest, pass.state, "paused", note);
}
async function reconcileRollout(deps, m) {
  try {
    const { state, version } = await deps.store.readState(m.name);
    checkStateFits(deps.store, m, state, version);
    const now = deps.now?.() ?? /* @__PURE__ */ new Date();
    const planned = decide(m, state, now);
    if (!needsWork(m, state, now))
      return planned.action === "blocked" ? outcomeOf(m, state, "blocked", planned.message) : outcomeOf(m, state, "unchanged", planned.action === "paused" ? planned.message : void 0);
    const run2 = planned.action === "apply" ? { apply: planned.phase.name } : planned.action === "roll-back" ? { rollBack: phasesRolledBack(m, state?.applied ?? "none", planned.to) } : null;
    const refused = run2 && preflightError(m, run2, deps.env);
    if (refused) {
      deps.reporter.info(`${m.name}: \u2716 ${refused}`);
      return outcomeOf(m, state, "failed", refused);
    }
    if (planned.action === "sample" && !planned.clearHold && state && version && !state.lease) {
      try {
        return await withPass(deps, m, carryOut, { adopt: { state, version } }) ?? busyOutcome(m, state);
      } catch (err) {
        if (err instanceof LeaseLostError) return busyOutcome(m, state);
        throw err;
      }
    }
    return await withPass(deps, m, carryOut) ?? busyOutcome(m, state);
  } catch (err) {
    if (err instanceof StateFileError) return invalidStateOutcome(m, err);
    throw err;
  }
}
async function reconcileAll(deps, loaded, names) {
  const manifests = loaded.flatMap((r) => r.manifest ? [r.manifest] : []);
  const wanted = names?.length ? manifests.filter((m) => names.includes(m.name)) : manifests;
  const outcomes = [];
  for (const m of wanted) outcomes.push(await reconcileRollout(deps, m));
  if (!names?.length) {
    const known2 = new Set(manifests.map((m) => m.name));
    for (const name of await deps.store.listRollouts({ fetch: false })) {
      if (known2.has(name)) continue;
      const orphan = { name, outcome: "orphan", desired: "(manifest removed)" };
      const read = await deps.store.readState(name, { fetch: false }).catch((err) => {
        if (err instanceof StateFileError) return err;
        throw err;
      });
      if (read instanceof StateFileError)
        outcomes.push({ ...orphan, applied: "?", status: "invalid-state", message: read.message });
      else if (read.state && read.state.applied !== "none")
        outcomes.push({
          ...orphan,
          applied: read.state.applied,
          status: read.state.status,
          message: `state without a manifest: phase ${read.state.applied} stays applied; restore the manifest with phase: none to roll it back`
        });
    }
  }
  return outcomes;
}

// src/engine/operations.ts
async function emergencyRollback(deps, m, to = "none") {
  if (to !== "none" && phaseIndex(m, to) < 0)
    throw new OperationError(`--to ${to}: no such phase (have: none, ${m.phases.map((p) => p.name).join(", ")})`);
  try {
    const read = (await deps.store.readState(m.name)).state;
    if (read && phaseIndex(m, to) < phaseIndex(m, read.applied)) {
      const refused = preflightError(m, { rollBack: phasesRolledBack(m, read.applied, to) }, deps.env);
      if (refused) {
        deps.reporter.info(`${m.name}: \u2716 ${refused}`);
        return outcomeOf(m, read, "failed", refused);
      }
    }
    const out = await withPass(deps, m, async (pass) => {
      const applied = pass.state.applied;
      if (phaseIndex(m, to) >= phaseIndex(m, applied) && pass.state.status !== "rolling-back")
        return outcomeOf(m, pass.state, "unchanged", `${to} is not below the applied phase ${applied}`);
      await pass.commit(
        (s) => void (s.hold = { desired: m.phase, reason: `emergency rollback to ${to}` }),
        [pass.entry({ kind: "emergency-rollback", result: { from: applied, to } })],
        `emergency rollback to ${to}`
      );
      try {
        await pass.rollBackTo(to, "emergency rollback");
      } catch (err) {
        if (!(err instanceof StepFailure)) throw err;
        await pass.recordStepFailure(err);
        return outcomeOf(m, pass.state, "failed", err.message);
      }
      const ok = await pass.verify();
      return outcomeOf(m, pass.state, ok ? "rolled-back" : "failed", ok ? void 0 : pass.state.failure?.reason);
    });
    return out ?? busyOutcome(m, null);
  } catch (err) {
    if (err instanceof StateFileError) return invalidStateOutcome(m, err);
    throw err;
  }
}
function nothingToDrill(phases, skipped) {
  if (!phases.length) return "nothing to drill: no phase is applied";
  if (!skipped.length)
    return `nothing to drill: ${phases.join(", ")} ${phases.length === 1 ? "has" : "have"} no rollback steps`;
  return `nothing to drill: no rollback step of ${phases.join(", ")} is drillable (${skipped.join(", ")}); give each one that writes nothing \`readOnly: true\`, and pass \`{{ run.dryRun }}\` to the others so they can skip their writes`;
}
async function drill(deps, m) {
  try {
    const read = (await deps.store.readState(m.name)).state;
    if (read) {
      const phases = phasesRolledBack(m, read.applied, "none");
      const refused = preflightError(m, { drill: phases }, deps.env);
      if (refused)
        return { name: m.name, rtoMs: 0, ok: false, skipped: [], phases, drillable: 0, total: 0, error: refused };
    }
    return await withPass(
      deps,
      m,
      async (pass) => {
        const applied = phaseIndex(m, pass.state.applied);
        const phases = m.phases.slice(0, applied + 1).reverse();
        const names = phases.map((p) => p.name);
        const plan2 = phases.map((p) => ({ phase: p, steps: p.rollback ?? m.rollback }));
        const skipped = plan2.flatMap(
          ({ phase, steps }) => steps.filter((s) => !isDrillable(s)).map((s) => `${phase.name}/${s.name}`)
        );
        const total = plan2.reduce((n, { steps }) => n + steps.length, 0);
        const drillable = total - skipped.length;
        if (drillable === 0) {
          const error2 = nothingToDrill(names, skipped);
          const entry2 = pass.entry({
            kind: "drill",
            result: { rtoMs: 0, ok: false, skipped, phases: names, drillable, total },
            error: error2
          });
          await recordDrill(deps, pass, entry2, { rtoMs: 0, ok: false, drillable }, "drill: nothing to drill");
          return { name: m.name, rtoMs: 0, ok: false, skipped, phases: names, drillable, total, error: error2 };
        }
        await pass.commit(
          (s) => {
            for (const key of Object.keys(s.progress ?? {})) if (key.includes("/drill/")) delete s.progress[key];
          },
          [pass.entry({ kind: "drill-start", result: { phases: names, drillable, total } })],
          "drill start"
        );
        const t0 = performance.now();
        let error;
        try {
          for (const { phase, steps } of plan2)
            await pass.runSteps(phase.name, "drill", pass.state.cohorts?.[phase.name] ?? null, steps);
        } catch (err) {
          if (!(err instanceof StepFailure)) throw err;
          error = err.message;
        }
        const rtoMs = Math.round(performance.now() - t0);
        const result = {
          name: m.name,
          rtoMs,
          ok: !error,
          skipped,
          phases: names,
          drillable,
          total,
          error
        };
        const entry = pass.entry({
          kind: "drill",
          result: { rtoMs, ok: result.ok, skipped, phases: names, drillable, total },
          error
        });
        await recordDrill(deps, pass, entry, { rtoMs, ok: result.ok, drillable }, `drill: RTO ${rtoMs} ms`);
        return result;
      },
      { dryRun: true }
    );
  } catch (err) {
    if (err instanceof StateFileError)
      return { name: m.name, rtoMs: 0, ok: false, skipped: [], phases: [], drillable: 0, total: 0, error: err.message };
    throw err;
  }
}
async function recordDrill(deps, pass, entry, drill2, message) {
  const earlier = pass.state.drills ?? (await drillRecords(deps, pass.manifest.name)).filter((d) => drillRecord.safeParse(d).success);
  const record2 = { time: entry.time, ...drill2 };
  const keep = (s) => {
    s.drills = [...s.drills ?? earlier, record2].slice(-KEPT_DRILLS);
  };
  await pass.commit(keep, [entry], message);
}

// src/engine/dry-run.ts
function dryRunOf(m, s, now = /* @__PURE__ */ new Date()) {
  const base = {
    name: m.name,
    applied: s?.applied ?? "none",
    status: s?.status ?? "none",
    desired: m.phase,
    phases: []
  };
  const d = decide(m, s, now);
  switch (d.action) {
    case "none": {
      const idle = s?.status === "holding" && s.gate ? `gate of ${s.gate.phase}: no sample due yet` : void 0;
      return { ...base, action: "none", message: d.clearHold ? "clears the hold of an emergency rollback" : idle };
    }
    case "blocked":
      return { ...base, action: "blocked", message: d.message };
    case "pause":
      return { ...base, action: "pause", message: pauseNote(s.pause) };
    case "paused":
      return { ...base, action: "none", message: d.message };
    case "sample": {
      const p = m.phases[phaseIndex(m, s.gate?.phase ?? s.applied)];
      return { ...base, action: "sample", gate: `${describeGate(p)}; passes at ${s.gate?.passesAt}` };
    }
    case "apply": {
      const p = d.phase;
      const resuming = s?.applied === p.name;
      const from = resuming ? s?.failure?.step ?? s?.step ?? null : null;
      const at = from ? p.steps.findIndex((x) => x.name === from) : 0;
      const steps = p.steps.slice(Math.max(0, at)).map((x) => x.name);
      return {
        ...base,
        action: resuming ? "resume" : "apply",
        phases: [{ phase: p.name, steps, cohort: describeCohort(p) }],
        gate: describeGate(p),
        message: from ? `from step ${from}, at its checkpoint` : void 0
      };
    }
    case "roll-back": {
      const phases = m.phases.slice(phaseIndex(m, d.to) + 1, phaseIndex(m, s?.applied ?? "none") + 1).reverse().map((p) => ({ phase: p.name, steps: rollbackSteps(m, p).map((x) => x.name), cohort: describeCohort(p) }));
      return { ...base, action: "roll-back", phases, verify: m.verify.map((v) => v.name), message: d.reason };
    }
  }
}
async function dryRunAll(store, manifests) {
  const out = [];
  for (const m of manifests) {
    try {
      const { state, version } = await store.readState(m.name);
      checkStateFits(store, m, state, version);
      out.push(dryRunOf(m, state));
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      const view = { name: m.name, applied: "?", status: "invalid-state", desired: m.phase, phases: [] };
      out.push({ ...view, action: "invalid-state", message: err.message });
    }
  }
  return out;
}

// src/engine/pause.ts
var NOT_PAUSABLE = {
  none: "has not started: nothing to pause",
  complete: "is complete: nothing to pause",
  "rolling-back": "is rolling back: a rollback is not paused (the way back is the safe direction)",
  paused: "is paused (its gate): nothing runs until `rollouts resume`"
};
function pauseRefusal(m, s) {
  if (s?.pause) return `${m.name} is paused already (${pauseNote(s.pause)}): \`rollouts resume\` carries on`;
  const status = s?.status ?? "none";
  const why2 = NOT_PAUSABLE[status];
  if (why2) return `${m.name} ${why2}`;
  if (status === "rolled-back" && m.phase === s.applied)
    return `${m.name} is rolled back to ${m.phase}: nothing to pause`;
  return null;
}
function entryOf(deps, s, kind, actor, result) {
  const at = { time: deps.now?.() ?? /* @__PURE__ */ new Date(), rollout: s.name, actor, trigger: deps.trigger };
  return ledgerEntry(at, { kind, phase: s.applied, step: s.step ?? void 0, result });
}
async function carryOnIfFree(deps, m, s, note, onlyPause = false) {
  const later = outcomeOf(m, s, "unchanged", note);
  if (s.lease) return later;
  const pass = (p) => !onlyPause || decide(m, p.state, p.now()).action === "pause" ? carryOut(p) : Promise.resolve(later);
  return await withPass(deps, m, pass) ?? later;
}
async function requestPause(deps, m, actor, reason) {
  try {
    const first = pauseRefusal(m, (await deps.store.readState(m.name)).state);
    if (first) throw new ControlRefused(first);
    const written = await deps.store.update(m.name, (current) => {
      const refused = pauseRefusal(m, current);
      if (refused || !current) throw new ControlRefused(refused ?? `${m.name} has not started: nothing to pause`);
      const at = (deps.now?.() ?? /* @__PURE__ */ new Date()).toISOString();
      const pause = reason ? { by: actor, at, reason } : { by: actor, at };
      const holder = current.lease?.holder;
      return {
        state: { ...current, pause, updatedAt: at },
        ledger: [entryOf(deps, current, "pause", actor, { status: current.status, reason, holder })],
        message: `pause asked by ${actor}`
      };
    });
    const s = written.state;
    deps.reporter.info(`${m.name}: pause of ${s.applied} asked by ${actor}`);
    const by = s.lease ? `the run holding the lease (${s.lease.holder.host}:${s.lease.holder.pid})` : "the next pass";
    return await carryOnIfFree(deps, m, s, `pause asked: ${by} stops before its next batch`, true);
  } catch (err) {
    if (err instanceof StateFileError) return invalidStateOutcome(m, err);
    throw err;
  }
}
async function resumePaused(deps, m, actor) {
  const written = await deps.store.update(m.name, (current) => {
    const p = current?.pause;
    if (!current || !p)
      throw new ControlRefused(`${m.name} is ${current?.status ?? "none"}, not paused: resumed already`);
    const status = current.status === "paused" && p.from ? p.from : current.status;
    const at = (deps.now?.() ?? /* @__PURE__ */ new Date()).toISOString();
    return {
      state: { ...current, pause: null, status, updatedAt: at },
      ledger: [entryOf(deps, current, "resume", actor, { from: current.status, to: status, pause: p })],
      message: `${current.applied}: resume by ${actor}`
    };
  });
  const s = written.state;
  deps.reporter.info(`${m.name}: resume of ${s.applied} by ${actor}`);
  return carryOnIfFree(deps, m, s, "pause withdrawn: the run holding the lease carries on");
}

// src/engine/controls.ts
function controlPlan(control, m, s) {
  const status = s?.status ?? "none";
  const at = `${m.name} is ${status}${s && s.applied !== "none" ? ` at ${s.applied}` : ""}`;
  if (s && phaseIndex(m, m.phase) < phaseIndex(m, s.applied))
    return { refused: `${at}, and its desired phase ${m.phase} is below: \`rollouts apply\` rolls it back` };
  if (control === "resume") {
    if (status === "paused" && s?.gate) return { reopenGate: true };
    const hint2 = status === "failed" ? ": `rollouts retry` re-runs a failed phase" : "";
    return { refused: `${at}, not paused: nothing to resume${hint2}` };
  }
  if (s && failedInSteps(s)) return { reopenGate: false };
  if (s && status === "rolling-back") return { reopenGate: false };
  if (s && status === "failed" && s.gate && !s.failure?.step) return { reopenGate: true };
  const hint = status === "paused" ? ": `rollouts resume` opens a paused gate afresh" : "";
  return { refused: `${at}: nothing failed to retry${hint}` };
}
async function record(pass, control, actor, reopenGate, reason) {
  const s = pass.state;
  const phase = s.gate?.phase ?? s.applied;
  await pass.commit(
    (st) => {
      if (reopenGate) st.failure = null;
      else if (st.failure && stoppedByChecks(st)) delete st.failure.severity;
    },
    [
      pass.entry({
        kind: control,
        phase,
        step: s.failure?.step,
        actor,
        result: { from: s.status, failure: s.failure ?? null, reason }
      })
    ],
    `${phase}: ${control} by ${actor}`
  );
  pass.info(`${pass.manifest.name}: ${control} of ${phase} by ${actor}`);
}
async function operatorControl(deps, m, control, actor, reason) {
  try {
    const read = (await deps.store.readState(m.name)).state;
    if (control === "resume" && read?.pause) return await resumePaused(deps, m, actor);
    const first = controlPlan(control, m, read);
    if ("refused" in first) throw new ControlRefused(first.refused);
    const out = await withPass(deps, m, async (pass) => {
      const plan2 = controlPlan(control, m, pass.state);
      if ("refused" in plan2) throw new ControlRefused(plan2.refused);
      await record(pass, control, actor, plan2.reopenGate, reason);
      if (plan2.reopenGate) await pass.reopenGate(pass.phase(pass.state.applied));
      return carryOut(pass);
    });
    return out ?? busyOutcome(m, null);
  } catch (err) {
    if (err instanceof StateFileError) return invalidStateOutcome(m, err);
    throw err;
  }
}
var SKIPPABLE = /* @__PURE__ */ new Set(["holding", "paused"]);
async function skipHold(deps, m, actor, reason) {
  const refusal = (s) => s && s.applied === m.phase && SKIPPABLE.has(s.status) && s.gate ? null : `${m.name} has no open gate at ${m.phase} to skip (applied ${s?.applied ?? "none"}, status ${s?.status ?? "none"})`;
  const first = refusal((await deps.store.readState(m.name)).state);
  if (first) throw new ControlRefused(first);
  const out = await withPass(deps, m, async (pass) => {
    const again = refusal(pass.state);
    if (again) throw new ControlRefused(again);
    const gate = pass.state.gate;
    const from = pass.state.status;
    const next = m.phases[phaseIndex(m, m.phase) + 1]?.name ?? null;
    const status = next === null ? "complete" : "healthy";
    await pass.commit(
      (s) => {
        s.status = status;
        s.step = null;
        s.failure = null;
      },
      [
        pass.entry({
          kind: "override",
          phase: gate.phase,
          actor,
          result: { skipHold: true, reason, from, status, passesAt: gate.passesAt, samples: gate.samples.length }
        })
      ],
      `${gate.phase}: hold skipped by ${actor}`
    );
    pass.info(`${m.name}: hold of ${gate.phase} skipped by ${actor}: ${reason}`);
    return pass.state;
  });
  return out;
}

// src/engine/status.ts
function currentProgress(s) {
  if (!s.step || !s.progress) return null;
  const key = Object.keys(s.progress).reverse().find((k) => k.startsWith(`${s.applied}/`) && k.endsWith(`/${s.step}`));
  return key ? s.progress[key] : null;
}
function statusView(name, m, s, lastSamples = 10) {
  const p = s ? currentProgress(s) : null;
  return {
    name,
    desired: m?.phase ?? "(manifest removed)",
    applied: s?.applied ?? "none",
    status: s?.status ?? "none",
    step: s?.step ?? null,
    progress: p ? { batches: p.batches, items: p.items, cursor: p.cursor } : null,
    gate: s?.gate ? {
      phase: s.gate.phase,
      samples: s.gate.samples.slice(-lastSamples),
      started: s.gate.startedAt,
      passesAt: s.gate.passesAt,
      baseline: s.gate.baseline
    } : null,
    lease: s?.lease ?? null,
    failure: s?.failure ?? void 0,
    ...s?.pause ? { pause: s.pause } : {},
    updatedAt: s?.updatedAt
  };
}
async function statusOf(store, manifests, name) {
  await store.tip();
  const names = /* @__PURE__ */ new Set([...manifests.map((m) => m.name), ...await store.listRollouts({ fetch: false })]);
  const out = [];
  for (const n of [...names].sort()) {
    if (name && n !== name) continue;
    const m = manifests.find((x) => x.name === n) ?? null;
    let state = null;
    try {
      const read = await store.readState(n, { fetch: false });
      state = read.state;
      if (m) checkStateFits(store, m, state, read.version);
      out.push(statusView(n, m, state));
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      const view = statusView(n, m, state);
      out.push(
        state ? { ...view, error: err.message } : { ...view, applied: "?", status: "invalid-state", error: err.message }
      );
    }
  }
  return out;
}

// src/engine/progress.ts
function rate(items, batches, ms) {
  const s = Math.max(ms, 1) / 1e3;
  return items ? `${Math.round(items / s)} items/s` : `${Math.round(batches / s)} batches/s`;
}
var LIVE_EVERY_MS = 100;
var PLAIN_EVERY_MS = 2e3;
function streamReporter(write, isTTY) {
  let last = -Infinity;
  let live = false;
  const clear = () => {
    if (live) write("\r\x1B[2K");
    live = false;
  };
  return {
    info(line) {
      clear();
      write(`${line}
`);
    },
    batch(label2, batches, items, ms, maxBatches) {
      if (batches !== 1 && ms - last < (isTTY ? LIVE_EVERY_MS : PLAIN_EVERY_MS)) return;
      last = ms;
      const eta = maxBatches && batches < maxBatches ? `, ETA ${Math.ceil((maxBatches - batches) * ms / batches / 1e3)}s` : "";
      const batch = `batch ${batches}${maxBatches ? `/${maxBatches}` : ""}`;
      const text = `${label2}: ${batch}, ${items} items, ${rate(items, batches, ms)}${eta}`;
      if (isTTY) {
        write(`\r\x1B[2K${text}`);
        live = true;
      } else write(`${text}
`);
    },
    done(label2, batches, items, ms) {
      clear();
      last = -Infinity;
      write(
        `${label2}: done, ${batches} batch${batches === 1 ? "" : "es"}, ${items} items in ${(ms / 1e3).toFixed(1)}s
`
      );
    }
  };
}

// src/cli/engine-deps.ts
import { join as join2, relative } from "node:path";
function localEvents(io) {
  return {
    gateHealthy({ manifest, next }) {
      if (next) io.err(`${manifest.name}: promote by setting \`phase: ${next}\` in ${manifest.name}.yaml`);
    },
    rollbackRequested({ manifest, phase, state, reason }) {
      const commit = typeof state.enteredBy === "string" ? state.enteredBy : void 0;
      const undo = commit ? `git revert ${commit.slice(0, 12)}` : `set \`phase:\` below ${phase}`;
      io.err(
        `${manifest.name}: rollback requested for ${phase} (${reason}): ${undo}, then run \`rollouts apply\` (or \`rollouts rollback ${manifest.name}\` now)`
      );
    }
  };
}
async function localEngine(io, opts) {
  const root = await new Git(io.cwd).root();
  const dir = opts.dir;
  const { loaded, dirty } = await loadCommittedRollouts(root, dir);
  if (dirty.length)
    io.err(
      `rollouts: warning: uncommitted changes are not acted on, the manifests at HEAD are: ${dirty.join(", ")} (commit them first)`
    );
  const issues = loaded.flatMap((r) => r.issues);
  if (issues.length) {
    for (const i of issues) io.err(formatIssue({ ...i, file: relative(io.cwd, i.file) }));
    throw new CliFailure(`${issues.length} validation error${issues.length === 1 ? "" : "s"}: nothing was run`);
  }
  const files = new Map(loaded.flatMap((r) => r.manifest ? [[r.manifest.name, relative(root, r.file)]] : []));
  const store = new GitStateStore({ repo: root, branch: opts.stateBranch, remote: opts.remote });
  const runId = io.env.GITHUB_RUN_ID ? `${io.env.GITHUB_RUN_ID}/${io.env.GITHUB_RUN_ATTEMPT ?? "1"}` : void 0;
  const deps = {
    store,
    cwd: root,
    env: io.env,
    me: currentHolder(runId),
    leaseTtlMs: Number(io.env.ROLLOUTS_LEASE_TTL_MS ?? 12e4),
    leaseSkewMs: io.env.ROLLOUTS_LEASE_SKEW_MS ? Number(io.env.ROLLOUTS_LEASE_SKEW_MS) : void 0,
    reporter: io.errRaw ? streamReporter(io.colour ? (text) => io.errRaw(paint(text)) : io.errRaw, io.isTTY) : streamReporter((t) => io.err(t.replace(/\n$/, "")), false),
    checkpoints: {
      maxBatches: Number(io.env.ROLLOUTS_CHECKPOINT_BATCHES ?? DEFAULT_CHECKPOINTS.maxBatches),
      maxMs: Number(io.env.ROLLOUTS_CHECKPOINT_MS ?? DEFAULT_CHECKPOINTS.maxMs)
    },
    events: localEvents(io),
    enteredBy: (m) => phaseCommit(root, files.get(m.name) ?? join2(dir, `${m.name}.yaml`))
  };
  return { root, deps, loaded, files, manifests: loaded.flatMap((r) => r.manifest ? [r.manifest] : []) };
}

// src/cli/outcomes.ts
function exitFor(outcomes) {
  if (outcomes.some((o) => o.outcome === "failed")) return EXIT.failure;
  const busy = outcomes.some((o) => o.outcome === "busy");
  const didSomething = outcomes.some((o) => !["busy", "unchanged", "orphan", "blocked"].includes(o.outcome));
  return busy && !didSomething ? EXIT.lostRace : EXIT.ok;
}
function printOutcomes(io, outcomes, json) {
  if (json) return io.out(JSON.stringify({ rollouts: outcomes }, null, 2));
  for (const o of outcomes)
    io.out(
      `${o.name}: ${o.outcome} \u2014 applied ${o.applied}, status ${o.status}, desired ${o.desired}${o.message ? ` (${o.message})` : ""}`
    );
  summarize2(
    io,
    outcomes.map((o) => o.outcome)
  );
}
function summarize2(io, words) {
  if (words.length <= 1) return;
  const counts = /* @__PURE__ */ new Map();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  io.err(`${words.length} rollouts: ${[...counts].map(([w, n]) => `${n} ${w}`).join(", ")}`);
}
async function raceAware(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LostRaceError)
      throw new CliFailure(`lost the race for the state: ${err.message}; retry`, EXIT.lostRace);
    if (err instanceof LeaseLostError)
      throw new CliFailure(`stopped: ${err.message}; the run that holds it now carries on`, EXIT.lostRace);
    throw err;
  }
}
function findRollout(manifests, name) {
  const m = manifests.find((x) => x.name === name);
  if (!m) throw new UsageError(`no rollout named ${name}${known(manifests)}`);
  return m;
}
function known(manifests) {
  return manifests.length ? ` (have: ${manifests.map((m) => m.name).join(", ")})` : " (no manifests found)";
}

export {
  pauseNote,
  reconcileAll,
  emergencyRollback,
  drill,
  dryRunAll,
  requestPause,
  operatorControl,
  skipHold,
  currentProgress,
  statusOf,
  localEngine,
  exitFor,
  printOutcomes,
  summarize2 as summarize,
  raceAware,
  findRollout,
  known
};
