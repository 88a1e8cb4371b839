#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  Git,
  exited,
  isMissingObject
} from "./chunk-RFIB7AKY.js";
import {
  GitError
} from "./chunk-WK2IAVHB.js";
import {
  external_exports,
  formatPath,
  parseManifest,
  readManifestText,
  stepDriver
} from "./chunk-HOJYLCGZ.js";
import {
  secrets
} from "./chunk-G3Q7ZTPS.js";

// src/plan/render.ts
function value(v) {
  if (v === void 0) return "(absent)";
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}\u2026` : text;
}
function renderPlan(p) {
  const lines = [];
  const applied = p.applied !== null ? `, applied ${p.applied}` : "";
  lines.push(
    `${p.name} (${p.file}): ${p.change}; phase ${p.desired.before} -> ${p.desired.after} (${p.direction}${applied})`
  );
  if (p.drift) lines.push(`  \u26A0 drift: ${p.drift}`);
  for (const e of p.errors) lines.push(`  \u2716 ${e}`);
  for (const a of p.actions) {
    const head = a.kind === "verify" ? "verify" : `${a.kind} ${a.phase}`;
    lines.push(`  ${head}${a.cohort ? ` \u2014 cohort: ${a.cohort}` : ""}`);
    for (const s of a.steps) {
      const tags = [s.driver, s.readOnly ? "read-only" : "writes", s.paginated ? "paged" : ""].filter(Boolean).join(", ");
      lines.push(`    - ${s.name} (${tags})`);
    }
    if (a.gate) lines.push(`    gate: ${a.gate}`);
  }
  if (p.fieldChanges.length) {
    lines.push("  changes:");
    for (const c of p.fieldChanges.slice(0, 50)) lines.push(`    ${c.path}: ${value(c.before)} -> ${value(c.after)}`);
    if (p.fieldChanges.length > 50) lines.push(`    \u2026 ${p.fieldChanges.length - 50} more`);
  }
  return lines.join("\n");
}

// src/plan/changes.ts
import { join } from "node:path";

// src/plan/diff.ts
function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function keyed(list) {
  const map = /* @__PURE__ */ new Map();
  for (const item of list) {
    if (!isObject(item) || typeof item.name !== "string" || map.has(item.name)) return null;
    map.set(item.name, item);
  }
  return map;
}
function walk(a, b, path, out) {
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const ka = keyed(a);
    const kb = keyed(b);
    if (ka && kb) {
      const common = (m, other) => [...m.keys()].filter((n) => other.has(n));
      if (common(ka, kb).join("\n") !== common(kb, ka).join("\n"))
        out.push({ path: formatPath(path), before: [...ka.keys()], after: [...kb.keys()] });
      for (const [name, va] of ka) walk(va, kb.get(name), [...path, name], out);
      for (const [name, vb] of kb)
        if (!ka.has(name)) out.push({ path: formatPath([...path, name]), before: void 0, after: vb });
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path: formatPath(path), before: a, after: b });
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of /* @__PURE__ */ new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], [...path, k], out);
    return;
  }
  if (a === void 0 && b === void 0) return;
  out.push({ path: formatPath(path), before: a, after: b });
}
function fieldChanges(before, after) {
  const out = [];
  walk(before ?? void 0, after ?? void 0, [], out);
  return out;
}

// src/plan/plan.ts
function phaseIndex(m, phase) {
  return phase === "none" ? -1 : m.phases.findIndex((p) => p.name === phase);
}
function plannedSteps(steps) {
  return steps.map((s) => ({ name: s.name, driver: stepDriver(s), readOnly: s.readOnly, paginated: !!s.paginate }));
}
function describeCohort(p) {
  const c = p.cohort;
  if (!c) return "everyone";
  if (c.ids) {
    const listed = `${c.ids.slice(0, 5).join(", ")}${c.ids.length > 5 ? ", \u2026" : ""}`;
    return `${c.ids.length} id${c.ids.length === 1 ? "" : "s"} (${listed})`;
  }
  return `${c.percent}% of the ids listed by \`${c.from?.name}\` (salt ${c.salt ?? "the rollout name"})`;
}
function describeGate(p) {
  const g = p.gate;
  if (!g) return "none: healthy once the steps are done";
  const checks = g.checks.length ? `checks ${g.checks.join(", ")} every ${g.every}` : "no checks";
  return `hold ${g.hold}, ${checks}, failureLimit ${g.failureLimit}`;
}
function rollbackSteps(m, p) {
  return p.rollback ?? m.rollback;
}
function actionsBetween(m, from) {
  const a = phaseIndex(m, from);
  const d = phaseIndex(m, m.phase);
  if (d > a) {
    const actions = m.phases.slice(a + 1, d + 1).map((p) => ({
      kind: "apply",
      phase: p.name,
      steps: plannedSteps(p.steps),
      cohort: describeCohort(p),
      gate: describeGate(p)
    }));
    return { direction: "forward", actions };
  }
  if (d < a) {
    const actions = m.phases.slice(d + 1, a + 1).reverse().map((p) => ({
      kind: "rollback",
      phase: p.name,
      steps: plannedSteps(rollbackSteps(m, p)),
      cohort: describeCohort(p)
    }));
    if (m.verify.length)
      actions.push({
        kind: "verify",
        phase: null,
        steps: m.verify.map((v) => ({ name: v.name, driver: "check", readOnly: true, paginated: false }))
      });
    return { direction: "backward", actions };
  }
  return { direction: "none", actions: [] };
}
function planRollout({ file, before, after, applied = null }) {
  const name = after?.name ?? before?.name ?? file;
  const desiredBefore = before?.phase ?? "none";
  const desiredAfter = after?.phase ?? "none";
  const change = !before ? "added" : !after ? "removed" : "modified";
  const errors = [];
  const from = applied ?? desiredBefore;
  if (!after) {
    if (from !== "none")
      errors.push(
        `removing the manifest rolls nothing back: phase \`${from}\` is applied; set \`phase: none\` first and merge that`
      );
    return {
      name,
      file,
      change,
      desired: { before: desiredBefore, after: "none" },
      applied,
      direction: "none",
      actions: [],
      fieldChanges: [],
      errors
    };
  }
  if (from !== "none" && phaseIndex(after, from) < 0) {
    errors.push(
      `phase \`${from}\` is applied but is no longer in the manifest: roll back below it before renaming or removing it`
    );
    return {
      name,
      file,
      change,
      desired: { before: desiredBefore, after: desiredAfter },
      applied,
      direction: "none",
      actions: [],
      fieldChanges: fieldChanges(before, after),
      errors
    };
  }
  const { direction, actions } = actionsBetween(after, from);
  const applies = actions.filter((a) => a.kind === "apply");
  if (applies.length > 1)
    errors.push(
      `\`phase\` moves ${applies.length} phases past \`${from}\`; move one phase at a time (next: \`${applies[0].phase}\`)`
    );
  const diff = fieldChanges(before, after);
  const plan = {
    name,
    file,
    change: diff.length === 0 && change === "modified" ? "unchanged" : change,
    desired: { before: desiredBefore, after: desiredAfter },
    applied,
    direction,
    actions,
    fieldChanges: diff,
    errors
  };
  if (before && applied !== null && applied !== desiredBefore)
    plan.drift = `the state has \`${applied}\` applied while the base says \`${desiredBefore}\` (a pass not run yet, or an emergency rollback): this change moves from \`${applied}\``;
  return plan;
}

// src/plan/changes.ts
async function changedManifests(git, ref, dir) {
  if (!await git.isCommit(ref)) throw new GitError(`${ref} is not a commit in this repository (fetch it first)`);
  const diff = await git.ok(["diff", "--name-only", "--no-renames", ref, "--", dir]);
  const untracked = await git.ok(["ls-files", "--others", "--exclude-standard", "--", dir]);
  const all = `${diff}
${untracked}`.split("\n").filter((p) => /\.ya?ml$/.test(p));
  return [...new Set(all)].sort();
}
async function planChanges(root, base, dir, appliedOf) {
  const git = new Git(root);
  const out = { plans: [], after: /* @__PURE__ */ new Map(), before: /* @__PURE__ */ new Map(), issues: [] };
  for (const file of await changedManifests(git, base, dir)) {
    const beforeText = await git.showFile(base, file);
    const read = await readManifestText(join(root, file));
    if ("issue" in read && read.issue.message !== "no such file") {
      out.issues.push({ ...read.issue, file });
      continue;
    }
    const afterText = "text" in read ? read.text : null;
    const before = beforeText === null ? null : parseManifest(file, beforeText).manifest;
    let after = null;
    if (afterText !== null) {
      const parsed = parseManifest(file, afterText);
      out.issues.push(...parsed.issues);
      if (!parsed.manifest) continue;
      after = parsed.manifest;
    }
    const name = after?.name ?? before?.name;
    const applied = name && appliedOf ? await appliedOf(name) : null;
    const plan = planRollout({ file, before, after, applied });
    out.plans.push(plan);
    if (after) out.after.set(plan.name, after);
    if (before) out.before.set(plan.name, before);
  }
  return out;
}
async function phaseCommit(root, file, env, remote = "origin") {
  const git = new Git(root, { env });
  const log = ["log", "-1", "--format=%H", "-G", "^phase:", "--", file];
  let found;
  const trusted = async () => {
    const r = await git.run(log).catch(() => null);
    found = r?.code === 0 && r.stdout.trim() || void 0;
    return found !== void 0 && !(await git.shallowBoundary()).has(found);
  };
  if (await trusted()) return found;
  if (!await git.isShallow()) return found;
  return await git.deepenUntil(remote, trusted).catch(() => false) ? found : void 0;
}

// src/plan/drift.ts
import { join as join2 } from "node:path";
function driftPlan(file, m, s) {
  if (s.applied === m.phase) return null;
  const plan = planRollout({ file, before: m, after: m, applied: s.applied });
  const drift = s.heldDesired === m.phase ? `an emergency rollback left \`${s.applied}\` applied and holds \`${m.phase}\` back: set \`phase: ${s.applied}\` to match the state, then move forward again by a PR` : `the state has \`${s.applied}\` applied (${s.status}) while the manifest says \`${m.phase}\`: the next pass does what follows`;
  return { ...plan, actions: s.heldDesired === m.phase ? [] : plan.actions, drift };
}
async function driftPlans(root, dir, skip, stateOf) {
  const files = (await new Git(root).ok(["ls-files", "--", dir])).split("\n").filter((f) => /\.ya?ml$/.test(f));
  const out = [];
  for (const file of files.filter((f) => !skip.has(f)).sort()) {
    const read = await readManifestText(join2(root, file));
    if (!("text" in read)) continue;
    const m = parseManifest(file, read.text).manifest;
    const s = m ? await stateOf(m.name) : null;
    const plan = m && s ? driftPlan(file, m, s) : null;
    if (plan) out.push(plan);
  }
  return out;
}

// src/state/errors.ts
var LostRaceError = class extends Error {
  constructor(message, rollout, options) {
    super(message, options);
    this.rollout = rollout;
  }
  rollout;
  name = "LostRaceError";
};
var StateStoreError = class extends Error {
  constructor(message, stderr = "") {
    super(stderr ? `${message}: ${stderr.trim()}` : message);
    this.stderr = stderr;
  }
  stderr;
  name = "StateStoreError";
};
var LeaseLostError = class extends Error {
  constructor(message, rollout) {
    super(message);
    this.rollout = rollout;
  }
  rollout;
  name = "LeaseLostError";
};
var StateFileError = class extends Error {
  constructor(at, field, problem, otherRepair) {
    const file = `${at.rollout}/state.json`;
    const where = `${file} on branch ${at.branch}${at.remote ? ` of ${at.remote}` : ""} (commit ${at.commit.slice(0, 12)})`;
    const fix = `look at the file with \`git show ${at.ref}:${file}\` (earlier versions: \`git log -p ${at.ref} -- ${file}\`), fix ${field ? `\`${field}\`` : "it"}, and commit the fixed file to ${at.branch}` + (at.remote ? ` and push it to ${at.remote}` : "");
    const repair = otherRepair ? `${otherRepair}; or ${fix}` : fix;
    super(
      `${where}: ${field ? `field \`${field}\`: ` : ""}${problem}. Nothing runs for ${at.rollout} until it is repaired: ${repair}.`
    );
    this.at = at;
    this.field = field;
    this.problem = problem;
  }
  at;
  field;
  problem;
  name = "StateFileError";
};

// src/state/store.ts
import { setTimeout as sleep2 } from "node:timers/promises";

// src/state/store-types.ts
var DEFAULT_STATE_BRANCH = "rollouts-state";
var STATE_FILE = "state.json";
function assertRolloutName(name) {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(name) || name.endsWith(".lock")) {
    throw new StateStoreError(`invalid rollout name for the state branch: ${JSON.stringify(name)}`);
  }
}
function assertBranchName(branch) {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(branch) || /\.\.|\/\/|\/$|\.lock$|\/\./.test(branch)) {
    throw new StateStoreError(`invalid state branch name: ${JSON.stringify(branch)}`);
  }
}

// src/state/blobs.ts
var CatFileBatch = class {
  child;
  done;
  pending = [];
  buf = Buffer.alloc(0);
  constructor(git) {
    this.child = git.spawn(["cat-file", "--batch"], ["pipe", "pipe", "pipe"]);
    this.done = exited(this.child);
    this.child.stdin?.on("error", () => void 0);
    this.child.stdout?.on("data", (c) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, c]) : c;
      this.drain();
    });
    void this.done.then(
      (r) => this.failAll(new StateStoreError("git cat-file --batch ended", r.stderr)),
      (e) => this.failAll(e)
    );
  }
  /** The object `spec` names (`<oid>`, `<commit>:<path>`, `<commit>^{tree}`), or null when it does not exist. */
  read(spec) {
    if (/[\n\r]/.test(spec)) return Promise.reject(new StateStoreError(`bad object name ${JSON.stringify(spec)}`));
    return new Promise((resolve, reject) => {
      this.pending.push({ spec, resolve, reject });
      this.child.stdin?.write(`${spec}
`);
    });
  }
  async close() {
    this.child.stdin?.end();
    await this.done;
  }
  drain() {
    for (; ; ) {
      const head = this.pending[0];
      const nl = this.buf.indexOf(10);
      if (!head || nl < 0) return;
      const header = this.buf.subarray(0, nl).toString("utf8");
      if (/ (missing|ambiguous)$/.test(header)) {
        this.buf = this.buf.subarray(nl + 1);
        this.pending.shift();
        head.resolve(null);
        continue;
      }
      const [oid, type, size] = header.split(" ");
      const n = Number(size);
      if (!oid || !type || !Number.isInteger(n)) {
        this.failAll(new StateStoreError(`unexpected git cat-file --batch header: ${header.slice(0, 200)}`));
        this.child.kill();
        return;
      }
      if (this.buf.length < nl + 1 + n + 1) return;
      const body = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + n));
      this.buf = this.buf.subarray(nl + 1 + n + 1);
      this.pending.shift();
      head.resolve({ oid, type, body });
    }
  }
  failAll(e) {
    for (const p of this.pending.splice(0)) p.reject(e);
  }
};
function parseTreeBody(body, oidHexLength) {
  const raw = oidHexLength / 2;
  const out = [];
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(32, i);
    const nul = body.indexOf(0, sp + 1);
    if (sp < 0 || nul < 0 || nul + 1 + raw > body.length) throw new StateStoreError("corrupt tree object");
    const mode = body.subarray(i, sp).toString("utf8");
    out.push({
      mode,
      name: body.subarray(sp + 1, nul).toString("utf8"),
      oid: body.subarray(nul + 1, nul + 1 + raw).toString("hex")
    });
    i = nul + 1 + raw;
  }
  return out;
}
async function readStateFiles(git, tip) {
  const batch = new CatFileBatch(git);
  try {
    const root = await batch.read(`${tip}^{tree}`);
    if (!root) throw new StateStoreError(`cannot read the tree of state commit ${tip}`);
    const dirs = parseTreeBody(root.body, root.oid.length).filter((e) => e.mode === "40000");
    const files = await Promise.all(dirs.map((d) => batch.read(`${d.oid}:${STATE_FILE}`)));
    return new Map(dirs.map((d, i) => [d.name, files[i]?.type === "blob" ? files[i].body.toString("utf8") : null]));
  } finally {
    await batch.close();
  }
}

// src/state/branch.ts
import { setTimeout as sleep } from "node:timers/promises";

// src/sys/git-pipe.ts
var DEFAULT_IDLE_MS = 1e4;
var Running = class {
  constructor(child) {
    this.child = child;
    child.stdin?.on("error", () => void 0);
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk) => this.take(chunk));
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk) => {
      if (this.stderr.length < 64 * 1024) this.stderr += chunk;
    });
    this.ended = new Promise((resolve) => {
      child.once("error", (e) => resolve(e.message));
      child.once("close", () => resolve(this.stderr));
    });
    this.hold(false);
  }
  child;
  waiting = [];
  ended;
  buf = "";
  stderr = "";
  /** References the process's handles (a request waits) or not (idle: node may exit). */
  hold(on) {
    const streams = [this.child.stdin, this.child.stdout, this.child.stderr];
    if (on) this.child.ref();
    else this.child.unref();
    for (const s of streams) (on ? s?.ref : s?.unref)?.call(s);
  }
  take(chunk) {
    this.buf += chunk;
    for (let nl = this.buf.indexOf("\n"); nl >= 0; nl = this.buf.indexOf("\n")) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const head = this.waiting[0];
      if (!head) continue;
      head.got.push(line);
      if (head.got.length < head.lines) continue;
      this.waiting.shift();
      head.resolve(head.got);
    }
    if (!this.waiting.length) this.hold(false);
  }
};
var GitPipe = class {
  constructor(git, args, idleMs = DEFAULT_IDLE_MS) {
    this.git = git;
    this.args = args;
    this.idleMs = idleMs;
  }
  git;
  args;
  idleMs;
  running = null;
  idle = null;
  /**
   * Writes `input` and resolves with the next `lines` lines of output. Requests are answered in the order they were
   * made. When the process ends first (it refused the request: `update-ref` dies on a lost compare-and-swap), every
   * request still waiting is rejected with a GitError carrying its stderr, and the next request starts a new process.
   */
  request(input, lines = 1) {
    const alive = this.running && this.running.child.exitCode === null && this.running.child.signalCode === null;
    const run = alive ? this.running : this.start();
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    return new Promise((resolve, reject) => {
      run.waiting.push({ lines, got: [], resolve, reject });
      run.hold(true);
      run.child.stdin?.write(input);
    }).finally(() => this.settle(run));
  }
  /** Ends the process (after the requests waiting) and waits for it. */
  async close() {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const run = this.running;
    this.running = null;
    if (!run) return;
    run.hold(true);
    run.child.stdin?.end();
    await run.ended;
  }
  start() {
    const run = new Running(this.git.spawn(this.args, ["pipe", "pipe", "pipe"]));
    this.running = run;
    void run.ended.then((stderr) => {
      if (this.running === run) this.running = null;
      const what = `git ${this.args[0] ?? ""} ended`;
      for (const w of run.waiting.splice(0)) w.reject(new GitError(what, stderr));
    });
    return run;
  }
  settle(run) {
    if (run !== this.running || run.waiting.length) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = null;
      if (this.running === run && !run.waiting.length) void this.close();
    }, this.idleMs);
    this.idle.unref();
  }
};

// src/state/branch.ts
function isLocalCasFailure(stderr) {
  return /cannot lock ref|but expected|already exists|File exists|unable to resolve reference/i.test(stderr);
}
function isPushRace(stdout, stderr) {
  const text = `${stdout}
${stderr}`;
  return /\[rejected\]|non-fast-forward|fetch first|stale info|failed to update ref|failed to lock|cannot lock ref|incorrect old value|atomic push failed/i.test(
    text
  );
}
function casLine(ref, commit, old) {
  return old ? `update ${ref} ${commit} ${old}
` : `create ${ref} ${commit}
`;
}
var REFLOG_MESSAGE = "rollouts: state commit";
var BranchRefs = class {
  constructor(git, branch, remote, fetchDepth) {
    this.git = git;
    this.branch = branch;
    this.remote = remote;
    this.fetchDepth = fetchDepth;
    this.updates = new GitPipe(git, ["update-ref", "-m", REFLOG_MESSAGE, "--stdin"]);
  }
  git;
  branch;
  remote;
  fetchDepth;
  updates;
  /** Ends the `update-ref` process. */
  close() {
    return this.updates.close();
  }
  /** Applies `lines` (update/create commands) all or none; rejects with git's words when it refuses them. */
  async transaction(lines) {
    try {
      await this.updates.request(`start
${lines}prepare
commit
`, 3);
      return { ok: true };
    } catch (e) {
      if (e instanceof GitError) return { ok: false, stderr: e.stderr };
      throw e;
    }
  }
  /** The ref reads are made from: the local branch, or the remote-tracking ref with a remote. */
  get ref() {
    return this.remote ? `refs/remotes/${this.remote}/${this.branch}` : `refs/heads/${this.branch}`;
  }
  async publish(p) {
    const head = `refs/heads/${this.branch}`;
    if (!this.remote) {
      const input = casLine(head, p.commit, p.base) + (p.also ? casLine(p.also.ref, p.also.commit, p.also.old) : "");
      const r2 = await this.transaction(input);
      if (r2.ok) return;
      if (isLocalCasFailure(r2.stderr)) throw new LostRaceError(`state branch ${this.branch} moved: ${r2.stderr.trim()}`);
      throw new StateStoreError(`git update-ref ${head} failed`, r2.stderr);
    }
    const r = await this.git.run([
      "push",
      "--porcelain",
      "--no-verify",
      ...p.also ? ["--atomic", `--force-with-lease=${p.also.ref}:${p.also.old ?? ""}`] : [],
      // A fresh root is not a fast-forward: the lease on the old tip keeps it a compare-and-swap.
      ...p.fresh && p.base ? [`--force-with-lease=${head}:${p.base}`] : [],
      this.remote,
      `${p.commit}:${head}`,
      ...p.also ? [`${p.also.commit}:${p.also.ref}`] : []
    ]);
    if (r.code !== 0) {
      if (isPushRace(r.stdout, r.stderr)) {
        const why = `${r.stdout}
${r.stderr}`.split("\n").find((l) => l.startsWith("!")) ?? r.stderr.trim();
        throw new LostRaceError(`push to ${this.remote}/${this.branch} was rejected: ${why.replace(/\s+/g, " ")}`);
      }
      throw new StateStoreError(`git push ${this.remote} ${this.branch} failed`, `${r.stdout}
${r.stderr}`);
    }
    const also = p.also ? `update ${p.also.local} ${p.also.commit}
` : "";
    await this.transaction(`update ${this.ref} ${p.commit}
update ${head} ${p.commit}
${also}`);
  }
  async fetch() {
    const refspec = `+refs/heads/${this.branch}:${this.ref}`;
    const depth = this.fetchDepth ? [`--depth=${this.fetchDepth}`] : [];
    const found = await fetchRef(this.git, this.remote ?? "", refspec, depth, `${this.branch}`);
    if (!found) await this.git.run(["update-ref", "-d", this.ref]);
  }
};
async function fetchRef(git, remote, refspec, extra, what) {
  for (let attempt = 1; ; attempt++) {
    const r = await git.run(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", ...extra, remote, refspec]);
    if (r.code === 0) return true;
    if (/couldn't find remote ref/i.test(r.stderr)) return false;
    if (attempt < 4 && /cannot lock ref|unable to update local ref|File exists/i.test(r.stderr)) {
      await sleep(10 + Math.random() * 40);
      continue;
    }
    throw new StateStoreError(`git fetch ${remote} ${what} failed`, r.stderr);
  }
}

// src/state/archive.ts
var ARCHIVE_ENTRY = "ledger-archive";
var SEGMENT = /^(\d+)\.jsonl$/;
var WHOLE_HISTORY = "--depth=2147483647";
function segmentFile(n) {
  return `${String(n).padStart(6, "0")}.jsonl`;
}
function segmentNumber(file) {
  const m = SEGMENT.exec(file);
  return m ? Number(m[1]) : Number.NaN;
}
var LedgerArchive = class {
  constructor(git, branch, remote) {
    this.git = git;
    this.branch = branch;
    this.remote = remote;
  }
  git;
  branch;
  remote;
  /** Archive commits this store made, with their segment numbers: extending one lists nothing back from git. */
  made = /* @__PURE__ */ new Map();
  /** The archive ref of a rollout, on the remote (or here without a remote). */
  ref(name) {
    return `refs/rollouts/${this.branch}/ledger/${name}`;
  }
  /** Where this clone keeps its copy of the remote's archive ref. */
  localRef(name) {
    return this.remote ? `refs/rollouts/${this.branch}/remotes/${this.remote}/ledger/${name}` : this.ref(name);
  }
  /**
   * Commits the segment blobs (oldest first; a blob still being written is awaited when its turn comes) onto the
   * archive ending at `prev`; returns the new archive tip. Its trees and commits are written by the store's `objects`.
   */
  async extend(name, prev, segments, objects) {
    let n = 0;
    if (prev) {
      let last = this.made.get(prev) ?? await this.segmentOf(prev);
      if (last === null && this.remote) {
        await this.fetch(name, await this.git.isShallow() ? ["--depth=1"] : []);
        last = await this.segmentOf(prev);
      }
      if (last === null && this.remote) {
        const tip2 = await this.git.run(["rev-parse", "--verify", "--quiet", this.localRef(name)]);
        if (tip2.code === 0 && tip2.stdout.trim() !== prev)
          throw new LostRaceError(`the ledger archive of ${name} moved on (another run sealed a segment)`, name);
      }
      if (last === null) throw new StateStoreError(`ledger archive commit ${prev} of ${name} is missing here`);
      n = last;
    }
    let tip = prev;
    for (const segment of segments) {
      const blob = await segment;
      n++;
      const tree = await objects.tree([{ mode: "100644", type: "blob", oid: blob, name: segmentFile(n) }]);
      const message = `${name}: ledger segment ${n}

Rollouts-Segment: ${n}`;
      tip = await objects.commit({ tree, parents: tip ? [tip] : [], message });
    }
    if (!tip) throw new StateStoreError(`no ledger segment to archive for ${name}`);
    if (this.made.size >= 1e3) this.made.clear();
    this.made.set(tip, n);
    return tip;
  }
  /** The archived segment blobs up to `commit`, oldest first, fetching the archive from the remote when needed. */
  async segments(name, commit) {
    let blobs = await this.walk(commit);
    if (!blobs && this.remote) {
      await this.fetch(name, await this.git.isShallow() ? [WHOLE_HISTORY] : []);
      blobs = await this.walk(commit);
    }
    if (!blobs) {
      const where = this.remote ? ` (fetched ${this.ref(name)} from ${this.remote})` : "";
      throw new StateStoreError(`the ledger archive of ${name} at ${commit} is incomplete${where}`);
    }
    return blobs;
  }
  /** The segment number of an archive commit; null when the commit is not here. */
  async segmentOf(commit) {
    const r = await this.git.run(["ls-tree", "--name-only", commit]);
    if (r.code !== 0) return null;
    const n = segmentNumber(r.stdout.trim());
    if (Number.isNaN(n)) throw new StateStoreError(`${commit} is not a ledger archive commit`);
    return n;
  }
  /** Walks the chain from `commit` to its root through one cat-file process; null when a link is missing here. */
  async walk(commit) {
    const batch = new CatFileBatch(this.git);
    const blobs = [];
    try {
      let at = commit;
      let expect = null;
      while (at) {
        const c = await batch.read(at);
        if (!c) return null;
        if (c.type !== "commit") throw new StateStoreError(`${at} is not a ledger archive commit`);
        const text = c.body.toString("utf8");
        const tree = await batch.read(/^tree (\S+)$/m.exec(text)?.[1] ?? "");
        if (!tree) return null;
        const [entry, ...rest] = parseTreeBody(tree.body, tree.oid.length);
        const n = entry ? segmentNumber(entry.name) : Number.NaN;
        if (!entry || rest.length || Number.isNaN(n) || expect !== null && n !== expect)
          throw new StateStoreError(`${at} is not a ledger archive commit of the expected shape`);
        blobs.push(entry.oid);
        expect = n - 1;
        at = /^parent (\S+)$/m.exec(text)?.[1] ?? null;
      }
      if (expect !== 0) return null;
      return blobs.reverse();
    } finally {
      await batch.close();
    }
  }
  async fetch(name, depth) {
    const found = await fetchRef(
      this.git,
      this.remote ?? "",
      `+${this.ref(name)}:${this.localRef(name)}`,
      depth,
      this.ref(name)
    );
    if (!found) throw new StateStoreError(`${this.remote} has no ledger archive ${this.ref(name)}`);
  }
};

// src/state/compact.ts
var DEFAULT_COMPACT_AFTER = 50;
var DEFAULT_COMPACT_BYTES = 256 * 1024;
var DEPTH_TRAILER = /^Rollouts-Depth: (\d+)$/m;
var WRITTEN_TRAILER = /^Rollouts-Written: (\d+)$/m;
function trailerDepth(commitText) {
  const commits = DEPTH_TRAILER.exec(commitText)?.[1];
  const bytes = WRITTEN_TRAILER.exec(commitText)?.[1];
  return { commits: commits === void 0 ? void 0 : Number(commits), bytes: bytes ? Number(bytes) : 0 };
}
function startsFreshRoot(depth, written, limits) {
  return depth.commits >= limits.compactAfter || depth.bytes + written > limits.compactBytes;
}
function framing(subject, base, depth, written, limits) {
  if (base && startsFreshRoot(depth, written, limits)) {
    const note = `History compacted: a fresh root with the tree of ${base} plus this change.`;
    return { message: `${subject}

${note}

Rollouts-Depth: 1
Rollouts-Written: ${written}`, fresh: true };
  }
  const trailers = `Rollouts-Depth: ${depth.commits + 1}
Rollouts-Written: ${depth.bytes + written}`;
  return { message: `${subject}

${trailers}`, fresh: false };
}

// src/state/objects.ts
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join3 } from "node:path";

// src/state/tree.ts
function parseLsTree(out) {
  const entries = [];
  for (const rec of out.split("\0")) {
    if (!rec) continue;
    const tab = rec.indexOf("	");
    const [mode, type, oid, size] = rec.slice(0, tab).split(" ").filter(Boolean);
    if (!mode || !type || !oid || tab < 0) throw new Error(`unexpected ls-tree record: ${rec}`);
    const entry = { mode, type, oid, name: rec.slice(tab + 1) };
    if (size !== void 0 && size !== "-") entry.size = Number(size);
    entries.push(entry);
  }
  return entries;
}
async function listTree(git, treeish) {
  return parseLsTree(await git.ok(["ls-tree", "-z", treeish]));
}
async function listTreeIfAny(git, treeish, long = false) {
  const r = await git.run(["ls-tree", "-z", ...long ? ["-l"] : [], treeish]);
  if (r.code === 0) return parseLsTree(r.stdout);
  if (isMissingObject(r.stderr)) return null;
  throw new StateStoreError(`git ls-tree ${treeish} failed`, r.stderr);
}
async function writeTree(git, entries) {
  const input = entries.map((e) => `${e.mode} ${e.type} ${e.oid}	${e.name}\0`).join("");
  return (await git.ok(["mktree", "-z"], input)).trim();
}
function withEntry(entries, entry) {
  return [...entries.filter((e) => e.name !== entry.name), entry];
}

// src/state/objects.ts
function temporaryPrefix() {
  const prefix = join3(tmpdir(), `rollouts-object-${process.pid}-${randomBytes(6).toString("hex")}-`);
  if (/[\n"]/.test(prefix)) throw new StateStoreError(`cannot use the temporary directory ${JSON.stringify(tmpdir())}`);
  return prefix;
}
function zone(d) {
  const offset = -d.getTimezoneOffset();
  const abs = Math.abs(offset);
  const hhmm = String(Math.floor(abs / 60) * 100 + abs % 60).padStart(4, "0");
  return `${offset < 0 ? "-" : "+"}${hhmm}`;
}
var ObjectWriter = class {
  constructor(git) {
    this.git = git;
    this.blobs = new GitPipe(git, ["hash-object", "-w", "--no-filters", "--stdin-paths"]);
    this.commits = new GitPipe(git, ["hash-object", "-w", "-t", "commit", "--no-filters", "--stdin-paths"]);
    this.trees = new GitPipe(git, ["mktree", "-z", "--batch"]);
  }
  git;
  blobs;
  commits;
  trees;
  prefix = null;
  seq = 0;
  idents = null;
  /** Writes a blob; returns its id. */
  blob(text) {
    return this.hashed(this.blobs, text);
  }
  /** Writes a tree from entries (mktree sorts them); returns its id. */
  async tree(entries) {
    if (entries.length === 0) return writeTree(this.git, entries);
    const records = entries.map((e) => `${e.mode} ${e.type} ${e.oid}	${e.name}\0`).join("");
    const [oid] = await this.trees.request(`${records}\0`).catch((e) => {
      throw new StateStoreError(`git mktree --batch failed: ${e.message}`);
    });
    return oid.trim();
  }
  /**
   * Writes the commit `git commit-tree --no-gpg-sign -m MESSAGE -p PARENT... TREE` would: the same identity and
   * dates (git's own, from `git var`, asked once), the message ending in a newline. Returns its id.
   */
  async commit(spec) {
    const [author, committer] = await this.identities();
    const now = /* @__PURE__ */ new Date();
    const date = (i) => i.fixedDate ?? `${Math.floor(now.getTime() / 1e3)} ${zone(now)}`;
    const message = spec.message.endsWith("\n") ? spec.message : `${spec.message}
`;
    const text = `tree ${spec.tree}
` + spec.parents.map((p) => `parent ${p}
`).join("") + `author ${author.who} ${date(author)}
committer ${committer.who} ${date(committer)}

${message}`;
    return this.hashed(this.commits, text);
  }
  /** Ends the processes. */
  async close() {
    await Promise.all([this.blobs.close(), this.commits.close(), this.trees.close()]);
  }
  async hashed(pipe, text) {
    this.prefix ??= temporaryPrefix();
    const path = `${this.prefix}${++this.seq}`;
    await writeFile(path, text, { flag: "wx", mode: 384 });
    try {
      const [oid] = await pipe.request(`${path}
`);
      return oid.trim();
    } catch (e) {
      throw new StateStoreError(`git hash-object failed: ${e.message}`);
    } finally {
      void rm(path, { force: true });
    }
  }
  identities() {
    this.idents ??= Promise.all([this.ident("AUTHOR"), this.ident("COMMITTER")]);
    this.idents.catch(() => {
      this.idents = null;
    });
    return this.idents;
  }
  async ident(kind) {
    const line = (await this.git.ok(["var", `GIT_${kind}_IDENT`])).trim();
    const m = /^(.*>) (\d+ [+-]\d{4})$/.exec(line);
    if (!m) throw new StateStoreError(`unexpected git var GIT_${kind}_IDENT: ${line}`);
    return { who: m[1], fixedDate: this.git.env[`GIT_${kind}_DATE`] ? m[2] : null };
  }
};

// src/state/ledger.ts
var LEDGER_FILE = "ledger.jsonl";
var SEALED_DIR = "ledger";
var DEFAULT_SEGMENT_BYTES = 64 * 1024;
var LedgerLines = class {
  constructor(masker) {
    this.masker = masker;
  }
  masker;
  lines = /* @__PURE__ */ new WeakMap();
  prepare(entry) {
    this.lines.set(entry, { line: this.lineOf(entry), generation: this.masker.generation });
  }
  /** The lines of `entries`, each its JSON and a newline, masked. */
  text(entries) {
    let out = "";
    for (const e of entries) {
      const made = this.lines.get(e);
      out += made && made.generation === this.masker.generation ? made.line : this.lineOf(e);
    }
    return out;
  }
  lineOf(entry) {
    return this.masker.maskedJson(entry, (e) => `${JSON.stringify(e)}
`);
  }
};
function blobEntry(name, oid, size) {
  return { mode: "100644", type: "blob", oid, name, size };
}
function splitTail(text, max) {
  const buf = Buffer.from(text, "utf8");
  if (buf.length <= max) return { head: "", tail: text };
  const end = buf[buf.length - 1] === 10 ? buf.length - 1 : buf.length;
  let start = buf.indexOf(10, buf.length - max - 1) + 1;
  if (start === 0 || start > end) start = buf.lastIndexOf(10, end - 1) + 1;
  return { head: buf.toString("utf8", 0, start), tail: buf.toString("utf8", start) };
}
async function appendLedger(git, objects, dir, text, archive, segmentBytes = DEFAULT_SEGMENT_BYTES, liveText) {
  const live = dir.find((e) => e.name === LEDGER_FILE && e.type === "blob");
  const liveSize = live?.size ?? 0;
  const size = Buffer.byteLength(text);
  const fits = liveSize + size <= segmentBytes;
  const { head, tail } = fits ? { head: "", tail: text } : splitTail(text, segmentBytes);
  if (fits || !head && liveSize === 0) {
    const blob = !live ? await objects.blob(text) : liveText === void 0 ? await appendBlob(git, live.oid, text) : await objects.blob(liveText + text);
    const written2 = liveSize + size;
    return { entries: withEntry(dir, blobEntry(LEDGER_FILE, blob, written2)), written: written2 };
  }
  const sealedDir = dir.find((e) => e.name === SEALED_DIR && e.type === "tree");
  const sealing = async () => {
    const older = sealedDir ? await listTree(git, sealedDir.oid) : [];
    const legacy = older.filter((e) => e.type === "blob" && !Number.isNaN(segmentNumber(e.name))).sort((a, b) => segmentNumber(a.name) - segmentNumber(b.name)).map((e) => e.oid);
    const headBlob = head ? [objects.blob(head)] : [];
    headBlob[0]?.catch(() => void 0);
    return archive([...legacy, ...live && liveSize > 0 ? [live.oid] : [], ...headBlob]);
  };
  const [fresh, archived] = await Promise.all([objects.blob(tail), sealing()]);
  const written = Buffer.byteLength(tail);
  const entries = withEntry(
    dir.filter((e) => e.name !== SEALED_DIR),
    blobEntry(LEDGER_FILE, fresh, written)
  );
  return { entries, archived, written, liveText: tail };
}
async function appendBlob(git, oldBlob, text) {
  const hash = git.spawn(["hash-object", "-w", "--stdin"], ["pipe", "pipe", "pipe"]);
  const out = [];
  hash.stdout?.on("data", (c) => out.push(c));
  const hashDone = exited(hash);
  const stdin = hash.stdin;
  if (!stdin) throw new StateStoreError("git hash-object has no stdin");
  stdin.on("error", () => void 0);
  const cat = git.spawn(["cat-file", "blob", oldBlob], ["ignore", stdin, "pipe"]);
  const read = await exited(cat);
  if (read.code !== 0) {
    hash.kill();
    await hashDone;
    throw new StateStoreError(`git cat-file blob ${oldBlob} failed`, read.stderr);
  }
  stdin.end(text);
  const r = await hashDone;
  if (r.code !== 0) throw new StateStoreError("git hash-object -w --stdin failed", r.stderr);
  return Buffer.concat(out).toString("utf8").trim();
}

// src/state/ledger-reader.ts
async function ledgerParts(git, archive, name, commit) {
  const dir = await listTreeIfAny(git, `${commit}:${name}`);
  if (!dir) return null;
  const pointer = dir.find((e) => e.name === ARCHIVE_ENTRY && e.type === "commit");
  const sealedDir = dir.find((e) => e.name === SEALED_DIR && e.type === "tree");
  const older = async () => {
    const [archived, legacy] = await Promise.all([
      pointer ? archive.segments(name, pointer.oid) : Promise.resolve([]),
      sealedDir ? git.ok(["ls-tree", "-z", sealedDir.oid]).then(parseLsTree) : Promise.resolve([])
    ]);
    const left = legacy.filter((e) => e.type === "blob" && !Number.isNaN(segmentNumber(e.name))).sort((a, b) => segmentNumber(a.name) - segmentNumber(b.name));
    return [...archived, ...left.map((e) => e.oid)];
  };
  return { older, live: dir.find((e) => e.name === LEDGER_FILE && e.type === "blob")?.oid ?? null };
}
async function allSegments(parts) {
  if (!parts) return [];
  return [...await parts.older(), ...parts.live ? [parts.live] : []];
}
function parseLine(line, where) {
  try {
    return JSON.parse(line);
  } catch {
    throw new StateStoreError(`corrupt ledger line in blob ${where}: ${line.slice(0, 200)}`);
  }
}
async function* streamLedger(git, blobs) {
  if (blobs.length === 0) return;
  const batch = new CatFileBatch(git);
  try {
    const ahead = (blob) => {
      const p = batch.read(blob);
      p.catch(() => void 0);
      return p;
    };
    let next = ahead(blobs[0]);
    for (let i = 0; i < blobs.length; i++) {
      const blob = blobs[i];
      const obj = await next;
      if (i + 1 < blobs.length) next = ahead(blobs[i + 1]);
      if (!obj || obj.type !== "blob") throw new StateStoreError(`ledger segment ${blob} is missing`);
      for (const line of obj.body.toString("utf8").split("\n")) if (line) yield parseLine(line, blob);
    }
  } finally {
    await batch.close();
  }
}
function countNewlines(buf) {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
async function tailBlob(git, blob, n) {
  const cat = git.spawn(["cat-file", "blob", blob], ["ignore", "pipe", "pipe"]);
  const done = exited(cat);
  const chunks = [];
  let newlines = 0;
  for await (const chunk of cat.stdout ?? []) {
    const c = { buf: chunk, newlines: countNewlines(chunk) };
    chunks.push(c);
    newlines += c.newlines;
    while (chunks.length > 1 && newlines - (chunks[0]?.newlines ?? 0) >= n + 1)
      newlines -= chunks.shift()?.newlines ?? 0;
  }
  const r = await done;
  if (r.code !== 0 && !isMissingObject(r.stderr))
    throw new StateStoreError(`git cat-file blob ${blob} failed`, r.stderr);
  const text = Buffer.concat(chunks.map((c) => c.buf)).toString("utf8");
  return text.split("\n").filter((l) => l.length > 0).slice(-n);
}
async function tailLedger(git, parts, n) {
  if (!parts || n <= 0) return [];
  const out = [];
  let have = 0;
  const take = async (blob) => {
    const lines = await tailBlob(git, blob, n - have);
    out.unshift(lines.map((l) => parseLine(l, blob)));
    have += lines.length;
  };
  if (parts.live) await take(parts.live);
  if (have >= n) return out.flat();
  const older = await parts.older();
  for (let i = older.length - 1; i >= 0 && have < n; i--) await take(older[i]);
  return out.flat();
}

// src/state/types.ts
var isoTime = external_exports.iso.datetime({ offset: true, error: "expected an ISO time like 2026-01-01T00:00:00.000Z" });
var count = external_exports.number().int().nonnegative();
var phaseName = external_exports.string().min(1);
var ROLLOUT_STATUSES = [
  "none",
  "applying",
  "holding",
  "healthy",
  "failed",
  "paused",
  "rolling-back",
  "rolled-back",
  "complete"
];
var leaseHolder = external_exports.strictObject({
  host: external_exports.string().min(1),
  pid: external_exports.number().int().positive(),
  runId: external_exports.string().optional().describe("The workflow run (`run_id/attempt`) when the holder runs in Actions."),
  startedAt: isoTime
});
var lease = external_exports.strictObject({
  holder: leaseHolder,
  expiresAt: isoTime.describe("Renewed by every commit of the holder; past it another run may take over.")
});
var stepProgress = external_exports.strictObject({
  done: external_exports.boolean(),
  batches: count,
  items: count,
  cursor: external_exports.unknown().describe("The cursor of the next batch of a paged step (null before the first)."),
  size: count.min(1).optional().describe("The `{{ page.size }}` of the next batch of a step with paginate.batchTime (sent with the cursor)."),
  startedAt: isoTime.optional(),
  finishedAt: isoTime.optional()
});
var gateSample = external_exports.strictObject({
  check: external_exports.string(),
  at: isoTime.describe("When the measurement started."),
  outcome: external_exports.enum(["pass", "fail", "inconclusive", "error"]),
  value: external_exports.number().nullable(),
  severity: external_exports.enum(["critical", "high", "medium", "low"]),
  durationMs: external_exports.number().nonnegative(),
  error: external_exports.string().optional(),
  reason: external_exports.string().optional(),
  detail: external_exports.unknown().optional()
});
var checkTally = external_exports.strictObject({
  samples: count,
  lastAt: isoTime,
  counted: count,
  streakStart: isoTime.nullable(),
  pending: count,
  errors: count,
  errorRun: count,
  inconclusive: count,
  passes: count
});
var gateState = external_exports.strictObject({
  phase: phaseName.describe("The phase whose gate this is: always the applied phase."),
  startedAt: isoTime,
  passesAt: isoTime.describe("startedAt + hold."),
  samples: external_exports.array(gateSample).describe("Per check, its most recent samples (every sample is in the ledger)."),
  tally: external_exports.record(external_exports.string(), checkTally).optional().describe("Per check: the tally of its older samples, folded in when they left `samples`."),
  baseline: external_exports.record(external_exports.string(), external_exports.number()).optional().describe("Per check: its value when the gate opened."),
  resolvedAlerts: external_exports.record(external_exports.string(), isoTime).optional().describe(
    "Per Alertmanager fingerprint of an alert the gate watches: when it was resolved (its endsAt), so a firing notification delivered after it does not fail the gate."
  )
});
var cohortState = external_exports.strictObject({
  ids: external_exports.array(external_exports.string()).nullable().describe("null: everyone."),
  added: external_exports.array(external_exports.string()).nullable().describe("Ids new in this phase; null: all of them."),
  percent: external_exports.number().optional()
});
var hold = external_exports.strictObject({
  desired: phaseName.describe("The desired phase when an emergency rollback ran: not re-applied while it stays."),
  reason: external_exports.string()
});
var failure = external_exports.strictObject({
  phase: external_exports.string(),
  step: external_exports.string().optional().describe("Set when a step failed (the next pass resumes there); absent for a gate."),
  severity: external_exports.enum(["critical", "high", "medium", "low"]).optional(),
  reason: external_exports.string(),
  at: isoTime
});
var pauseRequest = external_exports.strictObject({
  by: external_exports.string().min(1).describe("Who asked: the actor, as the ledger records it."),
  at: isoTime.describe("When they asked."),
  reason: external_exports.string().optional().describe("Their --reason; default none."),
  from: external_exports.enum(ROLLOUT_STATUSES).optional().describe(
    "The status a pass left when it honoured the request (status became paused); resume restores it. Absent until honoured."
  )
});
var KEPT_DRILLS = 10;
var drillRecord = external_exports.strictObject({
  time: isoTime.describe("When the drill finished: its ledger entry's time."),
  rtoMs: count.describe("How long its rollback steps took."),
  ok: external_exports.boolean(),
  drillable: count.describe("The rollback steps it ran; a drill that ran none is no evidence.")
});
var rolloutState = external_exports.strictObject({
  name: external_exports.string().min(1),
  applied: phaseName.describe("The applied phase, or 'none'."),
  status: external_exports.enum(ROLLOUT_STATUSES),
  enteredBy: external_exports.string().optional().describe("Commit of the manifest change that entered `applied` (a revert reverts it)."),
  step: external_exports.string().nullable().optional().describe("The step running now."),
  progress: external_exports.record(external_exports.string(), stepProgress).optional().describe("Keyed `${phase}/${stepKind}/${step}`, e.g. 'full/apply/backfill'."),
  gate: gateState.nullable().optional(),
  cohorts: external_exports.record(external_exports.string(), cohortState).optional().describe("Per applied phase: the cohort it was applied to."),
  generation: external_exports.record(external_exports.string(), count).optional().describe("Per phase: how many times it was entered."),
  failure: failure.nullable().optional(),
  hold: hold.nullable().optional(),
  rollbackTo: phaseName.nullable().optional().describe("The target of the rollback in progress."),
  pause: pauseRequest.nullable().optional().describe(
    "A pause an operator asked for: no batch is sent, no gate sampled and no phase started until `rollouts resume` clears it (a rollback still runs). Default: none."
  ),
  drills: external_exports.array(drillRecord).max(KEPT_DRILLS).optional().describe(
    `The last ${KEPT_DRILLS} rollback drills (\`rollouts drill\`), oldest first: what a \`drill\` check reads, instead of the whole ledger. Absent: none recorded by this version yet (the ledger is read).`
  ),
  lease: lease.nullable().optional(),
  epoch: count.optional().describe("The lease epoch: the fencing token every takeover or new claim increments (kept after a release)."),
  updatedAt: isoTime
});

// src/state/state-file.ts
function fieldPath(path) {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
function excerpt(value2) {
  const text = value2 === void 0 ? "nothing" : JSON.stringify(value2) ?? String(value2);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
function valueAt(root, path) {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== "object") return void 0;
    v = v[key];
  }
  return v;
}
function describeIssue(root, issue) {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => fieldPath([...issue.path, k]));
    return {
      field: keys[0] ?? null,
      problem: `unknown field${keys.length > 1 ? `s ${keys.join(", ")}` : ""} (written by a newer version of rollouts, or edited by hand)`
    };
  }
  const field = issue.path.length ? fieldPath(issue.path) : null;
  const found = valueAt(root, issue.path);
  const text = issue.code === "invalid_type" ? issue.message.replace(/^Invalid input: /, "") : issue.message;
  const message = text.charAt(0).toLowerCase() + text.slice(1);
  return { field, problem: `${message}; found ${excerpt(found)}` };
}
function parseStateFile(text, at) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(at, null, `is not valid JSON (${err.message})`);
  }
  const parsed = rolloutState.safeParse(json);
  if (!parsed.success) {
    const { field, problem } = describeIssue(json, parsed.error.issues[0]);
    throw new StateFileError(at, field, problem);
  }
  if (parsed.data.name !== at.rollout)
    throw new StateFileError(at, "name", `names rollout ${excerpt(parsed.data.name)}, but the file is ${at.rollout}'s`);
  return parsed.data;
}
var WITH_A_PHASE = /* @__PURE__ */ new Set(["applying", "holding", "healthy", "paused", "complete"]);
function checkPhases(state, phases, at) {
  const known = /* @__PURE__ */ new Set(["none", ...phases]);
  const have = ["none", ...phases].join(", ");
  if (!known.has(state.applied))
    throw new StateFileError(
      at,
      "applied",
      `${excerpt(state.applied)} is not a phase of the manifest of ${at.rollout} (its phases: ${have}): the phase was renamed or removed, or the state was edited`,
      "give the phase its old name again in the manifest (rename a phase only while it is not applied)"
    );
  const stepFailed = state.status === "failed" && !!state.failure?.step && !state.gate;
  const pausedAtNone = state.status === "paused" && !!state.pause?.from;
  if (state.applied === "none" && (WITH_A_PHASE.has(state.status) && !pausedAtNone || stepFailed))
    throw new StateFileError(at, "applied", `is "none", but status ${excerpt(state.status)} is of an applied phase`);
  if (state.status === "holding" && !state.gate)
    throw new StateFileError(at, "gate", 'status is "holding", but no gate is open');
  if (state.rollbackTo != null && !known.has(state.rollbackTo))
    throw new StateFileError(
      at,
      "rollbackTo",
      `${excerpt(state.rollbackTo)} is not a phase of the manifest of ${at.rollout} (its phases: ${have})`
    );
  if (state.gate && state.gate.phase !== state.applied)
    throw new StateFileError(
      at,
      "gate.phase",
      `the open gate is of ${excerpt(state.gate.phase)}, but the applied phase is ${excerpt(state.applied)}`
    );
}

// src/state/store.ts
var KEPT_LIVE_TEXT = 1024 * 1024;
var MAX_REBASES = 10;
var GitStateStore = class {
  repo;
  branch;
  remote;
  git;
  refs;
  archive;
  objects;
  attempts;
  backoffMs;
  segmentBytes;
  limits;
  /** Commits this store has read or made, so it need not check they are present before building on them. */
  known = /* @__PURE__ */ new Set();
  /**
   * The last commit this store published, as it wrote it: its root's entries, its depth, and the rollout directory it
   * wrote (with the live ledger file's text when it is small). A commit never changes, so a next commit built on it
   * (a session's checkpoints are) lists nothing back from git: each spawn of git blocks this thread for milliseconds.
   */
  made = null;
  /** Ledger lines masked ahead of their commit (prepareLedger). */
  lines = new LedgerLines(secrets);
  /** Every state file of the last tip read, read at once (a pass reads them all). */
  snapshot = null;
  constructor(opts) {
    this.repo = opts.repo;
    this.branch = opts.branch ?? DEFAULT_STATE_BRANCH;
    assertBranchName(this.branch);
    this.remote = opts.remote;
    this.git = new Git(opts.repo, { identity: opts.identity, env: opts.env });
    this.refs = new BranchRefs(this.git, this.branch, this.remote, opts.fetchDepth);
    this.archive = new LedgerArchive(this.git, this.branch, this.remote);
    this.objects = new ObjectWriter(this.git);
    this.attempts = opts.attempts ?? 5;
    this.backoffMs = opts.backoffMs ?? 25;
    this.segmentBytes = opts.ledgerSegmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.limits = {
      compactAfter: opts.compactAfter ?? DEFAULT_COMPACT_AFTER,
      compactBytes: opts.compactBytes ?? DEFAULT_COMPACT_BYTES
    };
  }
  /** The ref reads are made from: the local branch, or the remote-tracking ref with a remote. */
  get ref() {
    return this.refs.ref;
  }
  /** The archive ref holding a rollout's sealed ledger segments (on the remote, or here without one). */
  archiveRef(name) {
    assertRolloutName(name);
    return this.archive.ref(name);
  }
  /** The commit at the tip of the state branch, or null when it does not exist yet. */
  async tip(opts = {}) {
    if (this.remote && opts.fetch !== false) await this.refs.fetch();
    const r = await this.git.run(["rev-parse", "--verify", "--quiet", `${this.ref}^{commit}`]);
    if (r.code === 0) return this.remember(r.stdout.trim());
    if (r.code === 1) return null;
    throw new StateStoreError(`cannot resolve ${this.ref} in ${this.repo}`, r.stderr);
  }
  /** Where `<name>/state.json` at `commit` lives, for errors a person acts on. */
  stateFile(name, commit) {
    const ref = this.remote ? `${this.remote}/${this.branch}` : this.branch;
    return { rollout: name, branch: this.branch, ref, remote: this.remote, commit };
  }
  /** The rollout's state.json at the tip (checked against the schema: throws StateFileError), and that version. */
  async readState(name, opts = {}) {
    assertRolloutName(name);
    const tip = await this.tip(opts);
    if (!tip) return { state: null, version: null };
    const files = await this.stateFiles(tip);
    const text = files.get(name);
    if (text === void 0) return { state: null, version: null };
    if (text === null) return { state: null, version: tip };
    return { state: parseStateFile(text, this.stateFile(name, tip)), version: tip };
  }
  /** Names of the rollouts that have a state file. */
  async listRollouts(opts = {}) {
    const tip = await this.tip(opts);
    if (!tip) return [];
    const files = await this.stateFiles(tip);
    return [...files.keys()].filter((n) => files.get(n) !== null).sort();
  }
  /**
   * Streams the ledger entries of a rollout, oldest first (at `version`, default the current tip). Sealed segments
   * come from the rollout's ledger archive, fetched from the remote when this clone does not have them.
   */
  async *readLedger(name, opts = {}) {
    assertRolloutName(name);
    const at = opts.version ?? await this.tip(opts);
    if (!at) return;
    yield* streamLedger(this.git, await allSegments(await ledgerParts(this.git, this.archive, name, at)));
  }
  /** The last `n` ledger entries of a rollout, oldest first. */
  async tailLedger(name, n, opts = {}) {
    assertRolloutName(name);
    if (n <= 0) return [];
    const at = opts.version ?? await this.tip(opts);
    if (!at) return [];
    return tailLedger(this.git, await ledgerParts(this.git, this.archive, name, at), n);
  }
  /**
   * Serialises and masks a ledger entry now, for the commit that will write it: a caller that buffers entries (a
   * paged step's checkpoints) does it while it waits anyway, and the commit then only joins their lines. An entry
   * must not change once prepared.
   */
  prepareLedger(entry) {
    this.lines.prepare(entry);
  }
  /**
   * Writes one commit: the rollout's new state and/or ledger entries. A compare-and-swap against `expected`: throws
   * LostRaceError when the rollout changed since. A tip that moved only because of other rollouts is not a conflict:
   * the commit is rebuilt on it. Returns the new version.
   */
  async commit(change) {
    const { name } = change;
    assertRolloutName(name);
    if (change.state && change.state.name !== name) {
      throw new StateStoreError(`state.name ${JSON.stringify(change.state.name)} does not match rollout ${name}`);
    }
    const entries = change.ledger ?? [];
    if (!change.state && entries.length === 0) {
      if (change.expected) return change.expected;
      throw new StateStoreError(`nothing to commit for new rollout ${name}`);
    }
    return this.commitWith(change, entries);
  }
  /**
   * Ends the store's long-lived git processes. Optional: idle, they end themselves and never keep node running; a
   * store used after close starts them again.
   */
  async close() {
    await Promise.all([this.objects.close(), this.refs.close()]);
  }
  async commitWith(unmasked, entries) {
    const change = { ...unmasked, message: unmasked.message && secrets.mask(unmasked.message) };
    const { name } = change;
    const base = change.expected ?? await this.tip({ fetch: false });
    if (base && this.remote && !this.known.has(base) && !await this.git.isCommit(base)) {
      await this.refs.fetch();
      if (!await this.git.isCommit(base)) throw new StateStoreError(`unknown state version ${base}`);
    }
    const stateText = change.state ? secrets.maskedJson(change.state, (s) => `${JSON.stringify(s, null, 2)}
`) : null;
    const stateBlob = stateText === null ? null : this.objects.blob(stateText);
    stateBlob?.catch(() => void 0);
    const text = entries.length > 0 ? this.lines.text(entries) : null;
    const made = base && this.made?.commit === base ? this.made : null;
    const madeDir = made?.name === name ? made : null;
    const [root, dir, depth] = await Promise.all([
      made ? made.root : base ? listTree(this.git, base) : Promise.resolve([]),
      madeDir ? madeDir.dir : base ? listTreeIfAny(this.git, `${base}:${name}`, true) : Promise.resolve(null),
      made ? made.depth : base ? this.depthOf(base) : { commits: 0, bytes: 0 }
    ]);
    const baseDir = root.find((e) => e.name === name && e.type === "tree")?.oid ?? null;
    if (change.expected === null && baseDir)
      throw new LostRaceError(`rollout ${name} was created by another run`, name);
    let entriesOfDir = dir ?? [];
    let written = 0;
    let archive;
    let liveText = entriesOfDir.some((e) => e.name === LEDGER_FILE) ? madeDir?.liveText : "";
    const prev = entriesOfDir.find((e) => e.name === ARCHIVE_ENTRY && e.type === "commit")?.oid ?? null;
    const extend = (sealed) => this.archive.extend(name, prev, sealed, this.objects);
    const [stateOid, appended] = await Promise.all([
      stateBlob,
      text === null ? null : appendLedger(this.git, this.objects, entriesOfDir, text, extend, this.segmentBytes, liveText)
    ]);
    if (appended && text !== null) {
      liveText = appended.archived ? appended.liveText : liveText === void 0 ? void 0 : liveText + text;
      entriesOfDir = appended.entries;
      written += appended.written;
      if (appended.archived) {
        archive = {
          ref: this.archive.ref(name),
          local: this.archive.localRef(name),
          commit: appended.archived,
          old: prev
        };
        const pointer = { mode: "160000", type: "commit", oid: appended.archived, name: ARCHIVE_ENTRY };
        entriesOfDir = withEntry(entriesOfDir, pointer);
      }
    }
    if (stateOid && stateText !== null) {
      const size = Buffer.byteLength(stateText);
      written += size;
      entriesOfDir = withEntry(entriesOfDir, {
        mode: "100644",
        type: "blob",
        oid: stateOid,
        name: STATE_FILE,
        size
      });
    }
    const newDir = await this.objects.tree(entriesOfDir);
    const subject = `${name}: ${change.message ?? (change.state ? `status ${change.state.status}` : "ledger")}`;
    const dirMade = {
      name,
      dir: entriesOfDir,
      liveText: liveText && liveText.length <= KEPT_LIVE_TEXT ? liveText : void 0
    };
    const c = { name, newDir, baseDir, written, archive, subject };
    return this.publishRebasing(c, { base, root, depth }, dirMade);
  }
  /** Commits the rollout directory `newDir` on `base` and publishes it, rebuilding on tips moved by other rollouts. */
  async publishRebasing(c, first, dirMade) {
    let { base, root, depth } = first;
    let stuck = 0;
    for (let rebase = 0; ; rebase++) {
      const { message, fresh } = framing(c.subject, base, depth, c.written, this.limits);
      const newRoot = withEntry(root, { mode: "040000", type: "tree", oid: c.newDir, name: c.name });
      const tree = await this.objects.tree(newRoot);
      const commit = await this.objects.commit({ tree, parents: base && !fresh ? [base] : [], message });
      let lost;
      try {
        this.made = null;
        await this.refs.publish({ commit, base, fresh, also: c.archive });
        const { commits, bytes } = trailerDepth(message);
        this.made = { commit, root: newRoot, depth: { commits, bytes }, ...dirMade };
        return this.remember(commit);
      } catch (e) {
        if (!(e instanceof LostRaceError) || rebase >= MAX_REBASES) throw e;
        lost = e;
      }
      const tip = await this.tip({ fetch: true });
      root = tip ? await listTree(this.git, tip) : [];
      const tipDir = root.find((e) => e.name === c.name && e.type === "tree")?.oid ?? null;
      if (tipDir !== c.baseDir)
        throw new LostRaceError(`rollout ${c.name} was changed by another run`, c.name, { cause: lost });
      if (tip === base) {
        if (++stuck >= 3) throw new StateStoreError(`cannot publish the state commit of ${c.name}: ${lost.message}`);
        await sleep2(5 + Math.random() * 20);
      }
      if (tip !== base) depth = tip ? await this.depthOf(tip) : { commits: 0, bytes: 0 };
      base = tip;
    }
  }
  /**
   * Read, plan, compare-and-swap; on a lost race re-read and re-plan (jittered backoff), up to `attempts` times, then
   * throw LostRaceError.
   */
  async update(name, plan, opts = {}) {
    const attempts = opts.attempts ?? this.attempts;
    for (let attempt = 1; ; attempt++) {
      const current = await this.readState(name);
      const change = await plan(current.state, { version: current.version, attempt });
      if (!change) return { ...current, committed: false, attempts: attempt };
      try {
        const version = await this.commit({ name, expected: current.version, ...change });
        return { state: change.state ?? current.state, version, committed: true, attempts: attempt };
      } catch (e) {
        if (!(e instanceof LostRaceError)) throw e;
        if (attempt >= attempts) {
          throw new LostRaceError(`lost the race for rollout ${name} ${attempts} times: ${e.message}`, name);
        }
      }
      const delay = Math.min(2e3, this.backoffMs * 2 ** (attempt - 1)) * (0.5 + Math.random());
      await sleep2(delay);
    }
  }
  stateFiles(tip) {
    if (this.snapshot?.tip !== tip) {
      const files = readStateFiles(this.git, tip);
      this.snapshot = { tip, files };
      files.catch(() => {
        if (this.snapshot?.files === files) this.snapshot = null;
      });
    }
    return this.snapshot.files;
  }
  /** Where `commit` stands since its root: its trailers; for a commit without them (made by hand), counted. */
  async depthOf(commit) {
    const { commits, bytes } = trailerDepth(await this.git.ok(["cat-file", "commit", commit]));
    if (commits !== void 0) return { commits, bytes };
    const count2 = (await this.git.ok(["rev-list", "--count", "--first-parent", commit])).trim();
    return { commits: Number(count2), bytes };
  }
  remember(commit) {
    if (this.known.size > 1e3) this.known.clear();
    this.known.add(commit);
    return commit;
  }
};

// src/state/lease.ts
import { hostname } from "node:os";
var DEFAULT_LEASE_SKEW_MS = 3e4;
function isPidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code !== "ESRCH";
  }
}
function currentHolder(runId, now = /* @__PURE__ */ new Date()) {
  const holder = { host: hostname(), pid: process.pid, startedAt: now.toISOString() };
  if (runId) holder.runId = runId;
  return holder;
}
function isSameHolder(a, b) {
  return !!a && a.host === b.host && a.pid === b.pid && (a.runId ?? null) === (b.runId ?? null);
}
function holderLabel(h) {
  return `${h.host}:${h.pid}${h.runId ? `/run ${h.runId}` : ""}`;
}
function leaseVerdict(lease2, me, now, pidAlive = isPidAlive, opts = {}) {
  if (!lease2) return "free";
  if (isSameHolder(lease2.holder, me)) return "mine";
  if (lease2.holder.host === me.host && !pidAlive(lease2.holder.pid)) return "dead-holder";
  if (opts.isRunFinished?.(lease2.holder)) return "dead-holder";
  if (Date.parse(lease2.expiresAt) + (opts.skewMs ?? DEFAULT_LEASE_SKEW_MS) < now.getTime()) return "expired";
  return "held";
}
function withLease(state, me, ttlMs, now) {
  return {
    ...state,
    lease: { holder: me, expiresAt: new Date(now.getTime() + ttlMs).toISOString() },
    updatedAt: now.toISOString()
  };
}
function withRenewedLease(state, me, ttlMs, now) {
  const lease2 = state.lease;
  if (!lease2 || !isSameHolder(lease2.holder, me)) {
    const by = lease2 ? ` (held by ${holderLabel(lease2.holder)})` : "";
    throw new LeaseLostError(`lease of rollout ${state.name} lost${by}`, state.name);
  }
  return { ...state, lease: { holder: lease2.holder, expiresAt: new Date(now.getTime() + ttlMs).toISOString() } };
}
function initialRolloutState(name, now) {
  return { name, applied: "none", status: "none", step: null, lease: null, updatedAt: now.toISOString() };
}
async function claimLease(store, name, me, ttlMs, opts = {}) {
  let verdict = "free";
  const result = await store.update(name, async (current, ctx) => {
    opts.check?.(current, ctx.version);
    const now = opts.now?.() ?? /* @__PURE__ */ new Date();
    const lease2 = current?.lease ?? null;
    let runFinished = false;
    const other = lease2 && !isSameHolder(lease2.holder, me) && lease2.holder.host !== me.host;
    const skew = opts.skewMs ?? DEFAULT_LEASE_SKEW_MS;
    if (other && opts.isRunFinished && lease2.holder.runId && Date.parse(lease2.expiresAt) + skew >= now.getTime()) {
      runFinished = await opts.isRunFinished(lease2.holder);
    }
    verdict = leaseVerdict(lease2, me, now, opts.isPidAlive ?? isPidAlive, {
      isRunFinished: () => runFinished,
      skewMs: opts.skewMs
    });
    if (verdict === "held") return null;
    const state = withLease(current ?? initialRolloutState(name, now), me, ttlMs, now);
    if (verdict !== "mine") state.epoch = (current?.epoch ?? 0) + 1;
    const ledger = [];
    if (lease2 && (verdict === "dead-holder" || verdict === "expired")) {
      ledger.push({
        time: now.toISOString(),
        actor: holderLabel(me),
        rollout: name,
        kind: "lease-takeover",
        result: { verdict, previous: lease2, epoch: state.epoch }
      });
    }
    return { state, ledger, message: `lease ${verdict === "mine" ? "renewed" : "claimed"} by ${holderLabel(me)}` };
  });
  if (!result.committed || !result.state || !result.version || verdict === "held") return null;
  return { state: result.state, version: result.version, verdict };
}
async function releaseLease(store, name, me, opts = {}) {
  const result = await store.update(name, (current) => {
    if (!current?.lease || !isSameHolder(current.lease.holder, me)) return null;
    const now = opts.now?.() ?? /* @__PURE__ */ new Date();
    return {
      state: { ...current, lease: null, updatedAt: now.toISOString() },
      message: `lease released by ${holderLabel(me)}`
    };
  });
  return result.version;
}

export {
  describeCohort,
  describeGate,
  rollbackSteps,
  renderPlan,
  planChanges,
  phaseCommit,
  driftPlans,
  KEPT_DRILLS,
  drillRecord,
  LostRaceError,
  LeaseLostError,
  StateFileError,
  checkPhases,
  GitStateStore,
  currentHolder,
  isSameHolder,
  holderLabel,
  withRenewedLease,
  claimLease,
  releaseLease
};
