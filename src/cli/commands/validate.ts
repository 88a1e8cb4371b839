import { stat } from 'node:fs/promises';
import { resolve, relative } from 'node:path';
// From the modules themselves, not the manifest barrel: validate loads neither git nor the process runner.
import { formatIssue, type LoadResult } from '../../manifest/issue.js';
import { loadManifestFiles } from '../../manifest/load.js';
import { ManifestDirError, manifestFiles } from '../../manifest/read.js';
import { defineCommand, dirOption, jsonOption } from '../command.js';
import { EXIT } from '../errors.js';
import type { CliIO } from '../io.js';

/** A directory's manifests; one that is a link or not a directory is an issue of its own. */
async function filesOf(dir: string, refused: LoadResult[]): Promise<string[]> {
  try {
    return await manifestFiles(dir);
  } catch (err) {
    if (!(err instanceof ManifestDirError)) throw err;
    refused.push({
      file: dir,
      manifest: null,
      issues: [{ file: dir, line: 1, col: 1, path: '(root)', message: err.reason }],
    });
    return [];
  }
}

async function expand(io: CliIO, paths: string[], dir: string, refused: LoadResult[]): Promise<string[]> {
  if (paths.length === 0) return filesOf(resolve(io.cwd, dir), refused);
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(io.cwd, p);
    const isDir = await stat(abs).then(
      (s) => s.isDirectory(),
      () => false,
    );
    files.push(...(isDir ? await filesOf(abs, refused) : [abs]));
  }
  return files;
}

async function validate(io: CliIO, paths: string[], opts: { dir: string; json: boolean }): Promise<number> {
  const refused: LoadResult[] = [];
  const files = await expand(io, paths, opts.dir, refused);
  // Only the issues are kept: 1,000 manifests' parsed trees held to the end would be old-generation garbage to mark.
  const found = [...refused.map((r) => r.issues), ...(await loadManifestFiles(files, (r) => r.issues))];
  const issues = found.flat().map((i) => ({ ...i, file: relative(io.cwd, i.file) || i.file }));
  if (opts.json) io.out(JSON.stringify({ files: files.length, issues }, null, 2));
  else {
    for (const i of issues) io.err(formatIssue(i));
    const wrong = new Set(issues.map((i) => i.file)).size;
    io.err(
      issues.length
        ? `${issues.length} error${issues.length === 1 ? '' : 's'} in ${wrong} of ${files.length} manifests`
        : `${files.length} manifest${files.length === 1 ? '' : 's'} valid`,
    );
  }
  if (files.length === 0 && !opts.json) io.err(`no manifests found${paths.length ? '' : ` in ${opts.dir}/`}`);
  return issues.length ? EXIT.failure : EXIT.ok;
}

export const validateCommand = defineCommand<{ dir: string; json: boolean }>({
  name: 'validate',
  summary: 'check manifests: file:line:col: message; exit 1 on any error',
  examples: [
    'rollouts validate                      # every manifest in rollouts/',
    'rollouts validate rollouts/backfill.yaml',
    'rollouts validate --json | jq .issues',
  ],
  configure: (cmd) =>
    cmd
      .argument('[paths...]', 'manifest files or directories (default: the --dir directory)')
      .addOption(jsonOption())
      .addOption(dirOption()),
  run: ({ io, args, opts }) => validate(io, args, opts),
});
