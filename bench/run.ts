// `npm run bench`: every bench file in bench/ in turn, each as its own process (`node --import tsx bench/<file>.ts`),
// with its output printed as it comes. Files whose name starts with `_` are scratch files and are skipped.
// Run: node --import tsx bench/run.ts [NAME...]   (e.g. `npm run bench -- paging` runs only bench/paging.ts)
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

function runBench(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('bench', file)], { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  const names = process.argv.slice(2);
  const all = (await readdir(here)).filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_')).sort();
  const chosen = names.length ? all.filter((f) => names.includes(f.replace(/\.ts$/, ''))) : all;
  const unknown = names.filter((n) => !all.includes(`${n}.ts`));
  if (unknown.length) {
    process.stderr.write(
      `bench: no bench named ${unknown.join(', ')} (have ${all.map((f) => f.replace(/\.ts$/, '')).join(', ')})\n`,
    );
    return 2;
  }
  const failed: string[] = [];
  for (const file of chosen) {
    process.stdout.write(`\n== bench/${file}\n`);
    const started = performance.now();
    const code = await runBench(file);
    process.stdout.write(
      `== bench/${file}: ${code === 0 ? 'done' : `exit ${code}`} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
    if (code !== 0) failed.push(file);
  }
  if (failed.length) process.stderr.write(`bench: failed: ${failed.join(', ')}\n`);
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
