// Validation cost: parseManifest over 1,000 generated ~100-line manifests vs bare yaml.parse of the same texts.
// Run: npx tsx bench/validate.ts [--keep]   (--keep leaves the generated manifests in the temp dir and prints it)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';
import { parseManifest } from '../src/manifest/index.js';
import { generateManifest } from './fixtures/generate.js';

const COUNT = 1000;
const RUNS = 5;
const TARGET_MS = 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeOnce(body: () => void): number {
  const start = performance.now();
  body();
  return performance.now() - start;
}

/** Median times of both passes; the runs alternate so a busy machine slows both alike. */
function compare(runs: number, a: () => void, b: () => void): [number, number] {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    ta.push(timeOnce(a));
    tb.push(timeOnce(b));
  }
  return [median(ta), median(tb)];
}

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
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

    const validateAll = () => files.forEach((f) => parseManifest(f.file, f.text));
    const yamlAll = () => files.forEach((f) => parseYaml(f.text));
    compare(2, validateAll, yamlAll); // warm-up: JIT, the CEL cache
    const [validateMs, yamlMs] = compare(RUNS, validateAll, yamlAll);

    console.log(`(${COUNT} manifests, ${lines.toFixed(0)} lines on average, median of ${RUNS} runs)`);
    console.log(
      `validate: ${validateMs.toFixed(0)} ms for ${COUNT} manifests; yaml.parse: ${yamlMs.toFixed(0)} ms; ratio ${(validateMs / yamlMs).toFixed(2)}`,
    );
    if (validateMs > TARGET_MS) console.log(`note: above the ${TARGET_MS} ms target`);
    if (keep) console.log(`manifests kept in ${dir}`);
    return 0;
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
