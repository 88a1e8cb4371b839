#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  GitError
} from "./chunk-WK2IAVHB.js";
import {
  formatMs
} from "./chunk-ODV7476C.js";
import {
  checkKind,
  exactlyOneOf,
  external_exports,
  manifest,
  parseManifest,
  stepDriver,
  templatedStrings,
  templatesIn
} from "./chunk-HOJYLCGZ.js";

// src/sys/git.ts
import { readFile } from "node:fs/promises";

// src/sys/exec.ts
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
var BASE_ENV_NAMES = ["PATH", "HOME", "TMPDIR", "TEMP", "TMP", "LANG", "LC_ALL", "TZ", "SystemRoot"];
function childEnv(given, base = process.env) {
  const env = {};
  for (const name of BASE_ENV_NAMES) {
    const value = base[name];
    if (value !== void 0) env[name] = value;
  }
  return { ...env, ...given };
}
var DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
var ProcessError = class extends Error {
  constructor(message, reason) {
    super(message);
    this.reason = reason;
  }
  reason;
  name = "ProcessError";
};
var groups = process.platform !== "win32";
var FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];
var live = /* @__PURE__ */ new Set();
function killGroup(child, signal) {
  if (child.pid === void 0) return;
  try {
    process.kill(groups ? -child.pid : child.pid, signal);
  } catch {
  }
}
function forward(signal) {
  for (const child of live) killGroup(child, signal);
  if (process.listenerCount(signal) > 1) return;
  for (const s of FORWARDED) process.off(s, forward);
  process.kill(process.pid, signal);
}
function track(child) {
  if (!groups || child.pid === void 0) return;
  if (live.size === 0) for (const s of FORWARDED) process.on(s, forward);
  live.add(child);
  child.once("close", () => {
    live.delete(child);
    if (live.size === 0) for (const s of FORWARDED) process.off(s, forward);
  });
}
function spawnProcess(argv, opts) {
  const [file, ...args] = argv;
  if (!file) throw new ProcessError("empty argv: nothing to run", "spawn");
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: opts.stdio ?? "pipe",
    shell: false,
    detached: groups,
    windowsHide: true
  });
  track(child);
  return child;
}
function spawnFailure(file, cwd, e) {
  if (e.code === "ENOENT" && cwd !== void 0 && !existsSync(cwd))
    return new ProcessError(`${file}: working directory ${cwd} does not exist`, "spawn");
  if (e.code === "ENOENT") return new ProcessError(`${file}: command not found`, "not-found");
  return new ProcessError(`${file}: ${e.message}`, "spawn");
}
function abortFailure(file, signal) {
  const reason = signal.reason;
  const timedOut = reason instanceof Error && reason.name === "TimeoutError";
  return timedOut ? new ProcessError(`${file}: timed out`, "timeout") : new ProcessError(`${file}: aborted`, "aborted");
}
function runProcess(argv, opts) {
  const file = argv[0];
  if (!file) return Promise.reject(new ProcessError("empty argv: nothing to run", "spawn"));
  const { signal, timeoutMs, input } = opts;
  if (signal?.aborted) return Promise.reject(abortFailure(file, signal));
  const maxBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise((resolve, reject) => {
    const stdio = [input === void 0 ? "ignore" : "pipe", "pipe", "pipe"];
    const child = spawnProcess(argv, { env: opts.env, cwd: opts.cwd, stdio });
    const out = [];
    const err = [];
    let size = 0;
    let failure;
    const stop = (why) => {
      failure ??= why;
      killGroup(child, "SIGKILL");
    };
    const onAbort = () => stop(abortFailure(file, signal));
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = timeoutMs === void 0 ? void 0 : setTimeout(
      () => stop(new ProcessError(`${file}: timed out after ${formatMs(timeoutMs)}`, "timeout")),
      timeoutMs
    );
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const collect = (into) => (chunk) => {
      size += chunk.byteLength;
      if (size > maxBytes) stop(new ProcessError(`${file}: more than ${maxBytes} bytes of output`, "output-limit"));
      else into.push(chunk);
    };
    child.stdout?.on("data", collect(out));
    child.stderr?.on("data", collect(err));
    child.on("error", (e) => {
      if (child.pid !== void 0) return;
      done();
      reject(failure ?? spawnFailure(file, opts.cwd, e));
    });
    child.on("close", (code, sig) => {
      done();
      if (failure) return reject(failure);
      resolve({
        exitCode: code,
        signal: sig,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8")
      });
    });
    if (child.stdin) {
      child.stdin.on("error", () => void 0);
      child.stdin.end(input);
    }
  });
}

// src/sys/git.ts
var DEFAULT_IDENTITY = { name: "rollouts-bot", email: "rollouts-bot@users.noreply.github.com" };
var REDIRECTING_VARS = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"];
function gitEnv(identity = DEFAULT_IDENTITY, base = process.env) {
  const env = { ...base };
  for (const k of REDIRECTING_VARS) delete env[k];
  return {
    ...env,
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    GIT_TERMINAL_PROMPT: "0",
    GCM_INTERACTIVE: "never",
    // Messages we match on (push rejections, missing paths) must not be translated.
    LC_ALL: "C",
    LANGUAGE: "C"
  };
}
var MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
var Git = class {
  constructor(repo, opts = {}) {
    this.repo = repo;
    this.env = gitEnv(opts.identity, opts.env);
  }
  repo;
  env;
  /** A long-lived git process whose stdio the caller streams (e.g. `cat-file --batch`, `mktree --batch`). */
  spawn(args, stdio = "pipe") {
    return spawnProcess(["git", "-C", this.repo, ...args], { env: this.env, stdio });
  }
  /** Runs git; resolves with the exit code (does not throw on a non-zero exit). */
  async run(args, input) {
    try {
      const r = await runProcess(["git", "-C", this.repo, ...args], {
        env: this.env,
        input,
        maxOutputBytes: MAX_OUTPUT_BYTES
      });
      return { code: r.exitCode ?? 128, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      if (err instanceof ProcessError) throw new GitError(`cannot run git ${args[0] ?? ""}: ${err.message}`);
      throw err;
    }
  }
  /** Runs git and returns stdout; throws GitError on a non-zero exit. */
  async ok(args, input) {
    const r = await this.run(args, input);
    if (r.code !== 0) throw new GitError(`git ${args.join(" ")} failed (exit ${r.code})`, r.stderr);
    return r.stdout;
  }
  /** The top of the work tree this repository path is in. */
  async root() {
    const r = await this.run(["rev-parse", "--show-toplevel"]);
    if (r.code === 0) return r.stdout.trim();
    if (/not a git repository/i.test(r.stderr)) throw new GitError(`${this.repo} is not inside a git repository`);
    throw new GitError(`git rev-parse --show-toplevel failed (exit ${r.code})`, r.stderr);
  }
  /** True when `ref` names a commit here. */
  async isCommit(ref) {
    return (await this.run(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).code === 0;
  }
  /** True in a shallow clone (actions/checkout's default is `fetch-depth: 1`): some commits lack their parents. */
  async isShallow() {
    return (await this.run(["rev-parse", "--is-shallow-repository"])).stdout.trim() === "true";
  }
  /** A shallow clone's boundary: the commits that are here without their parents (none when the history is whole). */
  async shallowBoundary() {
    const r = await this.run(["rev-parse", "--path-format=absolute", "--git-path", "shallow"]);
    const text = r.code === 0 ? await readFile(r.stdout.trim(), "utf8").catch(() => "") : "";
    return new Set(text.split("\n").filter(Boolean));
  }
  /**
   * Fetches more of HEAD's history from `remote` into a shallow clone, in growing steps and at last all of it, until
   * `enough()` holds or the history is whole. Resolves with `enough()`'s last answer; throws GitError when a fetch
   * fails (no such remote, no access), so a caller never takes a boundary commit for the start of the history.
   */
  async deepenUntil(remote, enough) {
    const head = (await this.ok(["rev-parse", "HEAD"])).trim();
    for (const step of [64, 512, 4096, 0]) {
      if (await enough()) return true;
      if (!await this.isShallow()) return false;
      const how = step ? [`--deepen=${step}`] : ["--unshallow"];
      await this.ok(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", ...how, remote, head]);
    }
    return enough();
  }
  /** The branch `remote`'s HEAD names (its default branch), asked of the remote itself; null when it cannot tell. */
  async remoteHead(remote) {
    const r = await this.run(["ls-remote", "--symref", remote, "HEAD"]);
    if (r.code !== 0) return null;
    return /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(r.stdout)?.[1] ?? null;
  }
  /** The file's text at `ref`, or null when it does not exist there. */
  async showFile(ref, path) {
    const r = await this.run(["show", `${ref}:${path}`]);
    return r.code === 0 ? r.stdout : null;
  }
};
function exited(child) {
  return new Promise((resolve, reject) => {
    const err = [];
    child.stderr?.on("data", (c) => err.push(c));
    child.on("error", reject);
    child.on(
      "close",
      (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr: Buffer.concat(err).toString("utf8") })
    );
  });
}
function isMissingObject(stderr) {
  return /does not exist|not a valid object name|invalid object name|exists on disk, but not in|bad revision|Not a valid object/i.test(
    stderr
  );
}

// src/manifest/jsonschema.ts
function manifestJsonSchema() {
  const schema = external_exports.toJSONSchema(manifest, {
    io: "input",
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      const kinds = exactlyOneOf.get(zodSchema);
      if (kinds) jsonSchema.oneOf = kinds.map((k) => ({ required: [k] }));
    }
  });
  return {
    ...schema,
    $id: "https://gitops-rollouts.dev/schema/rollouts-v1.json",
    title: "gitops-rollouts manifest (rollouts/v1)"
  };
}

// src/manifest/committed.ts
import { join } from "node:path";
var MANIFEST = /\.ya?ml$/;
var NOT_REGULAR = "a symbolic link or submodule: a manifest must be a regular file in the repository, not a link";
async function loadCommittedRollouts(root, dir, ref = "HEAD") {
  const git = new Git(root);
  const prefix = dir.replace(/\/+$/, "");
  const [listing, status] = await Promise.all([
    git.run(["ls-tree", "-z", "--full-tree", ref, "--", `${prefix}/`]),
    git.ok(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", prefix])
  ]);
  const entries = (listing.code === 0 ? listing.stdout.split("\0") : []).map((line) => /^(\d+) (\w+) \w+\t(.*)$/s.exec(line)).filter((e) => !!e && MANIFEST.test(e[3]) && e[2] !== "tree").sort((a, b) => a[3] < b[3] ? -1 : 1);
  const loaded = await Promise.all(
    entries.map(async ([, mode, , path]) => {
      const file = join(root, path);
      if (mode !== "100644" && mode !== "100755")
        return { file, manifest: null, issues: [{ file, line: 1, col: 1, path: "(root)", message: NOT_REGULAR }] };
      return parseManifest(file, await git.showFile(ref, path) ?? "");
    })
  );
  const dirty = status.split("\0").filter((line) => line.length > 3).map((line) => line.slice(3)).filter((p) => MANIFEST.test(p)).sort();
  return { loaded, dirty };
}

// src/manifest/env-use.ts
var ENV_PATH = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;
function phaseScope(m, phaseName) {
  const p = m.phases.find((x) => x.name === phaseName);
  if (!p) return { steps: [], checks: [] };
  const gateChecks = (p.gate?.checks ?? []).flatMap((name) => m.checks[name] ?? []);
  return {
    steps: [...p.cohort?.from ? [p.cohort.from] : [], ...p.steps, ...p.rollback ?? m.rollback],
    checks: [...gateChecks, ...m.verify]
  };
}
function rollbackScope(m, phaseNames) {
  const phases = m.phases.filter((p) => phaseNames.includes(p.name));
  return { steps: phases.flatMap((p) => p.rollback ?? m.rollback), checks: [...m.verify] };
}
function envNamesOf(m, scope) {
  const used = /* @__PURE__ */ new Set();
  const add = (value) => {
    for (const [text] of templatedStrings(value))
      for (const ref of templatesIn(text)) {
        const hit = ENV_PATH.exec(ref.path);
        if (hit) used.add(hit[1]);
      }
  };
  for (const s of scope.steps) add(s[stepDriver(s)]);
  for (const c of scope.checks) add(c[checkKind(c)]);
  const listed = m.env.filter((n) => used.has(n));
  return [...listed, ...[...used].filter((n) => !m.env.includes(n)).sort()];
}

export {
  childEnv,
  ProcessError,
  runProcess,
  DEFAULT_IDENTITY,
  Git,
  exited,
  isMissingObject,
  loadCommittedRollouts,
  manifestJsonSchema,
  phaseScope,
  rollbackScope,
  envNamesOf
};
