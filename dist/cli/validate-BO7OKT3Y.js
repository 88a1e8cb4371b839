#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ManifestDirError,
  formatIssue,
  loadManifestFiles,
  manifestFiles
} from "./chunk-HOJYLCGZ.js";
import "./chunk-G3Q7ZTPS.js";
import {
  defineCommand,
  dirOption,
  jsonOption
} from "./chunk-EWS5QH4S.js";
import {
  EXIT
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/commands/validate.ts
import { stat } from "node:fs/promises";
import { resolve, relative } from "node:path";
async function filesOf(dir, refused) {
  try {
    return await manifestFiles(dir);
  } catch (err) {
    if (!(err instanceof ManifestDirError)) throw err;
    refused.push({
      file: dir,
      manifest: null,
      issues: [{ file: dir, line: 1, col: 1, path: "(root)", message: err.reason }]
    });
    return [];
  }
}
async function expand(io, paths, dir, refused) {
  if (paths.length === 0) return filesOf(resolve(io.cwd, dir), refused);
  const files = [];
  for (const p of paths) {
    const abs = resolve(io.cwd, p);
    const isDir = await stat(abs).then(
      (s) => s.isDirectory(),
      () => false
    );
    files.push(...isDir ? await filesOf(abs, refused) : [abs]);
  }
  return files;
}
async function validate(io, paths, opts) {
  const refused = [];
  const files = await expand(io, paths, opts.dir, refused);
  const found = [...refused.map((r) => r.issues), ...await loadManifestFiles(files, (r) => r.issues)];
  const issues = found.flat().map((i) => ({ ...i, file: relative(io.cwd, i.file) || i.file }));
  if (opts.json) io.out(JSON.stringify({ files: files.length, issues }, null, 2));
  else {
    for (const i of issues) io.err(formatIssue(i));
    const wrong = new Set(issues.map((i) => i.file)).size;
    io.err(
      issues.length ? `${issues.length} error${issues.length === 1 ? "" : "s"} in ${wrong} of ${files.length} manifests` : `${files.length} manifest${files.length === 1 ? "" : "s"} valid`
    );
  }
  if (files.length === 0 && !opts.json) io.err(`no manifests found${paths.length ? "" : ` in ${opts.dir}/`}`);
  return issues.length ? EXIT.failure : EXIT.ok;
}
var validateCommand = defineCommand({
  name: "validate",
  summary: "check manifests: file:line:col: message; exit 1 on any error",
  examples: [
    "rollouts validate                      # every manifest in rollouts/",
    "rollouts validate rollouts/backfill.yaml",
    "rollouts validate --json | jq .issues"
  ],
  configure: (cmd) => cmd.argument("[paths...]", "manifest files or directories (default: the --dir directory)").addOption(jsonOption()).addOption(dirOption()),
  run: ({ io, args, opts }) => validate(io, args, opts)
});
export {
  validateCommand
};
