// `rollouts init`: a manifest from a template, the workflow to run it, and the schema editors check it with.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Option } from 'commander';
import { Git, GitError } from '../../sys/git.js';
import { formatIssue, loadManifestFile, manifest, manifestJsonSchema } from '../../manifest/index.js';
import { defineCommand, dirOption } from '../command.js';
import { CliFailure, EXIT, UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { readPackageFile } from '../package-files.js';

/** templates/<name>.yaml in the package: each a valid manifest named after its file. */
export const TEMPLATES = {
  backfill: 'a data backfill: canary audit, dry-run, write pass, paged batches, rollback, verify',
  'flag-ramp': 'feature flags on one at a time, lowest risk first, each with its gate and its rollback',
  'provider-switch': 'a provider switched by traffic share: backup, test, 10/25/50/100 % with rollback triggers',
  'revision-shift': 'traffic shifted to a new revision in steps, rollback to the known-good one, drilled RTO',
} as const;
type Template = keyof typeof TEMPLATES;

const WORKFLOW = join('.github', 'workflows', 'rollouts.yml');
// A copy in the repository, not node_modules/gitops-rollouts/schema: the action's users never install the package,
// and the copy resolves for everyone who clones, offline, at the version that wrote the manifest.
const SCHEMA = join('.rollouts', 'rollouts-v1.json');
const SCHEMA_LINE = /^# yaml-language-server: \$schema=.*$/m;

interface InitOptions {
  template: Template;
  dir: string;
}

const exists = (file: string) =>
  readFile(file, 'utf8').then(
    (text) => text,
    () => undefined,
  );

/** The repository's root, or the working directory (with a note) outside a git repository. */
async function rootOf(io: CliIO): Promise<string> {
  try {
    return await new Git(io.cwd).root();
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    io.err(`note: ${io.cwd} is not in a git repository; rollouts reads committed manifests: git init, then commit`);
    return io.cwd;
  }
}

function render(template: string, from: Template, name: string, schemaPath: string): string {
  return template
    .replace(SCHEMA_LINE, `# yaml-language-server: $schema=${schemaPath}`)
    .replace(new RegExp(`^name: ${from}$`, 'm'), `name: ${name}`);
}

async function init(io: CliIO, nameArg: string | undefined, opts: InitOptions): Promise<number> {
  const name = nameArg ?? opts.template;
  if (!manifest.shape.name.safeParse(name).success)
    throw new UsageError(`a rollout's name is lowercase letters, digits and single dashes, not \`${name}\``);
  const root = await rootOf(io);
  const shown = (file: string) => relative(io.cwd, join(root, file)) || '.';
  const file = join(opts.dir, `${name}.yaml`);
  for (const taken of [file, join(opts.dir, `${name}.yml`)])
    if ((await exists(join(root, taken))) !== undefined)
      throw new CliFailure(`${shown(taken)} exists: init never overwrites a manifest; choose another NAME`);

  const schemaPath = relative(dirname(join(root, file)), join(root, SCHEMA))
    .split('\\')
    .join('/');
  const text = render(await readPackageFile(`templates/${opts.template}.yaml`), opts.template, name, schemaPath);
  await mkdir(join(root, opts.dir), { recursive: true });
  await writeFile(join(root, file), text, { flag: 'wx' });
  io.out(`wrote ${shown(file)} (from the ${opts.template} template)`);

  if ((await exists(join(root, WORKFLOW))) === undefined) {
    await mkdir(join(root, dirname(WORKFLOW)), { recursive: true });
    await writeFile(join(root, WORKFLOW), await readPackageFile('examples/workflows/rollouts.yml'), { flag: 'wx' });
    io.out(`wrote ${shown(WORKFLOW)} (plans pull requests, applies merges, samples gates on a schedule)`);
  } else io.out(`kept ${shown(WORKFLOW)} (exists)`);

  const schema = `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
  const before = await exists(join(root, SCHEMA));
  if (before !== schema) {
    await mkdir(join(root, dirname(SCHEMA)), { recursive: true });
    await writeFile(join(root, SCHEMA), schema);
  }
  const schemaNote = before === undefined ? 'wrote' : before === schema ? 'kept' : 'updated';
  io.out(`${schemaNote} ${shown(SCHEMA)} (the manifest's JSON Schema, for the $schema line editors read)`);

  // What was written must validate: it is the user's first contact with the manifest format.
  const loaded = await loadManifestFile(join(root, file));
  if (!loaded.manifest) {
    for (const i of loaded.issues) io.err(formatIssue({ ...i, file: shown(file) }));
    throw new Error(`the ${opts.template} template does not validate`);
  }
  const first = loaded.manifest.phases[0]!.name;
  const dirNote = opts.dir === 'rollouts' ? '' : `, and set its paths and the action's \`dir\` input to ${opts.dir}`;
  io.out(
    [
      'next:',
      `  1. fill in the TODOs in ${shown(file)}, then \`rollouts validate\``,
      `  2. in ${shown(WORKFLOW)}, pin the action to a release SHA${dirNote}`,
      `  3. add the repository secrets the manifest reads: ${loaded.manifest.env.join(', ') || 'none'}`,
      `  4. commit, and open a pull request that sets \`phase: ${first}\``,
    ].join('\n'),
  );
  return EXIT.ok;
}

export const initCommand = defineCommand<InitOptions>({
  name: 'init',
  summary: 'scaffold a manifest from a template, the workflow, and the schema for editors',
  examples: [
    'rollouts init                                   # rollouts/backfill.yaml from the backfill template',
    'rollouts init byok-settings --template backfill',
    'rollouts init chat-provider --template provider-switch',
  ],
  configure: (cmd) =>
    cmd
      .argument('[name]', "the rollout's name and file name (default: the template's)")
      .addOption(
        new Option('--template <template>', 'what the manifest starts from')
          .choices(Object.keys(TEMPLATES))
          .default('backfill'),
      )
      .addOption(dirOption())
      .addHelpText(
        'after',
        `\nTemplates:\n${Object.entries(TEMPLATES)
          .map(([t, what]) => `  ${t.padEnd(16)} ${what}`)
          .join('\n')}\n\nInit never overwrites a manifest (exit 1); it keeps an existing workflow.`,
      ),
  run: ({ io, args: [name], opts }) => init(io, name, opts),
});
