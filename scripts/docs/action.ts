// The action's inputs and outputs (docs/action.md), generated from action.yml.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface ActionYml {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string };
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function actionReference(file = 'action.yml'): string {
  const action = parse(readFileSync(file, 'utf8')) as ActionYml;
  return [
    `Runtime: \`${action.runs.using}\`.`,
    '',
    '### Inputs',
    '',
    '| input | meaning | default |',
    '| --- | --- | --- |',
    ...Object.entries(action.inputs).map(
      ([name, i]) => `| \`${name}\` | ${cell(i.description)} | ${i.default ? `\`${cell(i.default)}\`` : ''} |`,
    ),
    '',
    '### Outputs',
    '',
    '| output | meaning |',
    '| --- | --- |',
    ...Object.entries(action.outputs).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`),
  ].join('\n');
}
