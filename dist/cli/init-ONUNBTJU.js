#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  Git,
  manifestJsonSchema
} from "./chunk-RFIB7AKY.js";
import {
  GitError
} from "./chunk-WK2IAVHB.js";
import "./chunk-ODV7476C.js";
import {
  formatIssue,
  loadManifestFile,
  manifest
} from "./chunk-HOJYLCGZ.js";
import "./chunk-G3Q7ZTPS.js";
import {
  defineCommand,
  dirOption
} from "./chunk-EWS5QH4S.js";
import {
  CliFailure,
  EXIT,
  Option,
  UsageError
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/commands/init.ts
import { mkdir, readFile as readFile2, writeFile } from "node:fs/promises";
import { dirname as dirname2, join as join2, relative } from "node:path";

// src/cli/package-files.ts
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
var root;
function packageRoot() {
  if (root) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest2 = join(dir, "package.json");
    if (existsSync(manifest2) && JSON.parse(readFileSync(manifest2, "utf8")).name === "gitops-rollouts")
      return root = dir;
    if (dirname(dir) === dir) throw new Error("the gitops-rollouts package root is not above the CLI");
  }
}
function readPackageFile(path) {
  return readFile(join(packageRoot(), path), "utf8");
}

// src/cli/commands/init.ts
var TEMPLATES = {
  backfill: "a data backfill: canary audit, dry-run, write pass, paged batches, rollback, verify",
  "flag-ramp": "feature flags on one at a time, lowest risk first, each with its gate and its rollback",
  "provider-switch": "a provider switched by traffic share: backup, test, 10/25/50/100 % with rollback triggers",
  "revision-shift": "traffic shifted to a new revision in steps, rollback to the known-good one, drilled RTO"
};
var WORKFLOW = join2(".github", "workflows", "rollouts.yml");
var SCHEMA = join2(".rollouts", "rollouts-v1.json");
var SCHEMA_LINE = /^# yaml-language-server: \$schema=.*$/m;
var exists = (file) => readFile2(file, "utf8").then(
  (text) => text,
  () => void 0
);
async function rootOf(io) {
  try {
    return await new Git(io.cwd).root();
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    io.err(`note: ${io.cwd} is not in a git repository; rollouts reads committed manifests: git init, then commit`);
    return io.cwd;
  }
}
function render(template, from, name, schemaPath) {
  return template.replace(SCHEMA_LINE, `# yaml-language-server: $schema=${schemaPath}`).replace(new RegExp(`^name: ${from}$`, "m"), `name: ${name}`);
}
async function init(io, nameArg, opts) {
  const name = nameArg ?? opts.template;
  if (!manifest.shape.name.safeParse(name).success)
    throw new UsageError(`a rollout's name is lowercase letters, digits and single dashes, not \`${name}\``);
  const root2 = await rootOf(io);
  const shown = (file2) => relative(io.cwd, join2(root2, file2)) || ".";
  const file = join2(opts.dir, `${name}.yaml`);
  for (const taken of [file, join2(opts.dir, `${name}.yml`)])
    if (await exists(join2(root2, taken)) !== void 0)
      throw new CliFailure(`${shown(taken)} exists: init never overwrites a manifest; choose another NAME`);
  const schemaPath = relative(dirname2(join2(root2, file)), join2(root2, SCHEMA)).split("\\").join("/");
  const text = render(await readPackageFile(`templates/${opts.template}.yaml`), opts.template, name, schemaPath);
  await mkdir(join2(root2, opts.dir), { recursive: true });
  await writeFile(join2(root2, file), text, { flag: "wx" });
  io.out(`wrote ${shown(file)} (from the ${opts.template} template)`);
  if (await exists(join2(root2, WORKFLOW)) === void 0) {
    await mkdir(join2(root2, dirname2(WORKFLOW)), { recursive: true });
    await writeFile(join2(root2, WORKFLOW), await readPackageFile("examples/workflows/rollouts.yml"), { flag: "wx" });
    io.out(`wrote ${shown(WORKFLOW)} (plans pull requests, applies merges, samples gates on a schedule)`);
  } else io.out(`kept ${shown(WORKFLOW)} (exists)`);
  const schema = `${JSON.stringify(manifestJsonSchema(), null, 2)}
`;
  const before = await exists(join2(root2, SCHEMA));
  if (before !== schema) {
    await mkdir(join2(root2, dirname2(SCHEMA)), { recursive: true });
    await writeFile(join2(root2, SCHEMA), schema);
  }
  const schemaNote = before === void 0 ? "wrote" : before === schema ? "kept" : "updated";
  io.out(`${schemaNote} ${shown(SCHEMA)} (the manifest's JSON Schema, for the $schema line editors read)`);
  const loaded = await loadManifestFile(join2(root2, file));
  if (!loaded.manifest) {
    for (const i of loaded.issues) io.err(formatIssue({ ...i, file: shown(file) }));
    throw new Error(`the ${opts.template} template does not validate`);
  }
  const first = loaded.manifest.phases[0].name;
  const dirNote = opts.dir === "rollouts" ? "" : `, and set its paths and the action's \`dir\` input to ${opts.dir}`;
  io.out(
    [
      "next:",
      `  1. fill in the TODOs in ${shown(file)}, then \`rollouts validate\``,
      `  2. in ${shown(WORKFLOW)}, pin the action to a release SHA${dirNote}`,
      `  3. add the repository secrets the manifest reads: ${loaded.manifest.env.join(", ") || "none"}`,
      `  4. commit, and open a pull request that sets \`phase: ${first}\``
    ].join("\n")
  );
  return EXIT.ok;
}
var initCommand = defineCommand({
  name: "init",
  summary: "scaffold a manifest from a template, the workflow, and the schema for editors",
  examples: [
    "rollouts init                                   # rollouts/backfill.yaml from the backfill template",
    "rollouts init byok-settings --template backfill",
    "rollouts init chat-provider --template provider-switch"
  ],
  configure: (cmd) => cmd.argument("[name]", "the rollout's name and file name (default: the template's)").addOption(
    new Option("--template <template>", "what the manifest starts from").choices(Object.keys(TEMPLATES)).default("backfill")
  ).addOption(dirOption()).addHelpText(
    "after",
    `
Templates:
${Object.entries(TEMPLATES).map(([t, what]) => `  ${t.padEnd(16)} ${what}`).join("\n")}

Init never overwrites a manifest (exit 1); it keeps an existing workflow.`
  ),
  run: ({ io, args: [name], opts }) => init(io, name, opts)
});
export {
  TEMPLATES,
  initCommand
};
