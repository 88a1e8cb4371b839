// Writes the generated parts of docs/: each between `<!-- generated: NAME -->` and `<!-- end generated -->` in its
// file, so the prose around it is written by hand and the reference never drifts from the code. `npm run docs`
// writes them (npm run build does too); test/docs/generated.test.ts fails when a committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { actionReference } from './docs/action.js';
import { cliReference } from './docs/cli.js';
import { manifestReference } from './docs/manifest.js';

export const GENERATED: { file: string; block: string; text: () => string }[] = [
  { file: 'docs/manifest.md', block: 'manifest', text: manifestReference },
  { file: 'docs/cli.md', block: 'cli', text: cliReference },
  { file: 'docs/action.md', block: 'action', text: actionReference },
];

/** The file's text with its block replaced by `text`. */
export function withBlock(doc: string, block: string, text: string): string {
  const start = `<!-- generated: ${block} (npm run docs) -->`;
  const end = '<!-- end generated -->';
  const from = doc.indexOf(start);
  const to = doc.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`no "${start}" ... "${end}" block`);
  return `${doc.slice(0, from + start.length)}\n\n${text}\n\n${doc.slice(to)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { file, block, text } of GENERATED) {
    const before = readFileSync(file, 'utf8');
    const after = withBlock(before, block, text());
    if (after !== before) writeFileSync(file, after);
    console.error(`${file}: ${after === before ? 'fresh' : 'written'}`);
  }
}
