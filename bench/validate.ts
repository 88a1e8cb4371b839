// Validation cost over 1,000 generated ~120-line manifests, two ways:
// - whole process (what a user waits for): `node dist/cli.js validate DIR` spawned, beside `node -e 0` (the floor) and
//   `node dist/cli.js --version` (cold start), the runs alternating so a busy machine slows each alike;
// - in process: parseManifest over the same texts, warm, beside bare yaml.parse.
// Goals (issue 11): the whole process under 1 s; `--version` at most 1.5x `node -e 0`.
// Run: npm run build && npx tsx bench/validate.ts [--keep] [--runs N]
//   (--keep leaves the generated manifests in the temp dir and prints it; the bench measures dist/ as built)
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseManifest } from '../src/manifest/index.js';
import { generateManifest } from './fixtures/generate.js';
import { childrenCpuMs } from './lib/child.js';
import { median, ms, ratio, table } from './lib/stats.js';

const COUNT = 1000;
const WHOLE_PROCESS_GOAL_MS = 1000;
const COLD_START_GOAL = 1.5;
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'dist', 'cli.js');

function timeOnce(body: () => void): number {
  const start = performance.now();
  body();
  return performance.now() - start;
}

/** Median times of each body; the runs alternate so a busy machine slows all alike. */
function alternate(runs: number, bodies: (() => void)[]): number[] {
  const times = bodies.map((): number[] => []);
  for (let i = 0; i < runs; i++) bodies.forEach((b, j) => times[j]!.push(timeOnce(b)));
  return times.map(median);
}

interface SpawnFigures {
  wallMs: number;
  /** User + system CPU of the process, its threads included: less moved than wall time by a busy machine. */
  cpuMs: number;
}

/** Runs `node ARGS` to its end, each in turn, `runs` times; a failure ends the bench (its figure would mean nothing). */
function alternateSpawns(runs: number, commands: { args: string[]; expectStderr?: RegExp }[]): SpawnFigures[] {
  const wall = commands.map((): number[] => []);
  const cpu = commands.map((): number[] => []);
  for (let i = 0; i < runs; i++)
    commands.forEach(({ args, expectStderr }, j) => {
      const cpuBefore = childrenCpuMs() ?? Number.NaN;
      const start = performance.now();
      const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
      wall[j]!.push(performance.now() - start);
      cpu[j]!.push((childrenCpuMs() ?? Number.NaN) - cpuBefore);
      if (r.status !== 0 || (expectStderr && !expectStderr.test(r.stderr)))
        throw new Error(
          `bench: node ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
        );
    });
  return commands.map((_, j) => ({ wallMs: median(wall[j]!), cpuMs: median(cpu[j]!) }));
}

/** dist/ is what the user runs: say so when it is older than a source file it is built from. */
async function distIsCurrent(): Promise<boolean> {
  const built = (await stat(cli)).mtimeMs;
  const sources = (await readdir(join(root, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts'));
  for (const f of sources) if ((await stat(join(root, 'src', f))).mtimeMs > built) return false;
  return true;
}

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 7;
  const dir = await mkdtemp(join(tmpdir(), 'rollouts-bench-'));
  const files: { file: string; text: string }[] = [];
  try {
    for (let i = 0; i < COUNT; i++) {
      const { name, text } = generateManifest(i);
      const file = join(dir, `${name}.yaml`);
      await writeFile(file, text);
      files.push({ file, text: await readFile(file, 'utf8') });
    }
    const lines = files.reduce((n, f) => n + f.text.split('\n').length, 0) / files.length;

    const invalid = files.map((f) => parseManifest(f.file, f.text)).filter((r) => r.issues.length);
    if (invalid.length) {
      const first = invalid[0]!;
      console.error(
        `bench: ${invalid.length} generated manifests are invalid, e.g. ${first.file}: ${first.issues[0]!.message}`,
      );
      return 1;
    }
    if (!(await distIsCurrent())) console.log('note: dist/ is older than src/: run `npm run build` first');

    const [floor, version, validate] = alternateSpawns(runs, [
      { args: ['-e', '0'] },
      { args: [cli, '--version'] },
      { args: [cli, 'validate', dir], expectStderr: new RegExp(`^${COUNT} manifests valid$`, 'm') },
    ]);

    const validateAll = () => files.forEach((f) => parseManifest(f.file, f.text));
    const yamlAll = () => files.forEach((f) => parseYaml(f.text));
    alternate(2, [validateAll, yamlAll]); // warm-up: JIT, the CEL cache
    const [inProcessMs, yamlMs] = alternate(Math.max(3, Math.ceil(runs / 2)), [validateAll, yamlAll]);

    console.log(`(${COUNT} manifests, ${lines.toFixed(0)} lines on average; medians of ${runs} alternating runs)`);
    const row = (label: string, f: SpawnFigures) => [
      label,
      ms(f.wallMs),
      ratio(f.wallMs / floor!.wallMs),
      ms(f.cpuMs),
      ratio(f.cpuMs / floor!.cpuMs),
    ];
    console.log(
      table(
        ['run', 'wall', 'vs node -e 0', 'cpu', 'vs node -e 0'],
        [
          row('node -e 0', floor!),
          row('node dist/cli.js --version', version!),
          row(`node dist/cli.js validate DIR (${COUNT} files)`, validate!),
          ['in process: parseManifest x 1000 (warm)', ms(inProcessMs!), '-', '-', '-'],
          ['in process: yaml.parse x 1000 (warm)', ms(yamlMs!), '-', '-', '-'],
        ],
      ),
    );
    const wholeMet = validate!.wallMs < WHOLE_PROCESS_GOAL_MS;
    const coldRatio = version!.wallMs / floor!.wallMs;
    console.log(
      `goal whole-process validate < ${WHOLE_PROCESS_GOAL_MS} ms: ${wholeMet ? 'met' : 'MISSED'} (${ms(validate!.wallMs)} wall, ` +
        `${ms(validate!.wallMs - floor!.wallMs)} above node -e 0; in process ${ms(inProcessMs!)})`,
    );
    console.log(
      `goal --version <= ${COLD_START_GOAL}x node -e 0: ${coldRatio <= COLD_START_GOAL ? 'met' : 'MISSED'} (${ratio(coldRatio)})`,
    );
    if (keep) console.log(`manifests kept in ${dir}`);
    return 0;
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
