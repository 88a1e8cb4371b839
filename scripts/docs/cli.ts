// The CLI reference (docs/cli.md), generated from the commander program itself: each command's usage, summary,
// arguments, options with their defaults, and its examples, as `rollouts help COMMAND` prints them.
import type { Command } from 'commander';
import { loadCommands } from '../../src/cli/commands/index.js';
import { buildProgram } from '../../src/cli/program.js';

/** Every command, loaded (the CLI loads only the one it runs). */
const COMMANDS = await loadCommands();
const quiet = { out: () => {}, err: () => {}, isTTY: false, cwd: process.cwd(), env: {} };
const cell = (text: string) => text.replace(/\|/g, '\\|');

function optionsTable(cmd: Command): string[] {
  const rows = cmd.options
    .filter((o) => !o.hidden)
    .map((o) => {
      const dflt = o.defaultValue !== undefined ? `\`${String(o.defaultValue)}\`` : '';
      const choices = o.argChoices ? ` One of: ${o.argChoices.map((c) => `\`${c}\``).join(', ')}.` : '';
      return `| \`${cell(o.flags)}\` | ${cell(o.description)}${cell(choices)} | ${cell(dflt)} |`;
    });
  return rows.length ? ['| option | meaning | default |', '| --- | --- | --- |', ...rows, ''] : [];
}

function argumentsList(cmd: Command): string[] {
  const args = cmd.registeredArguments.map((a) => {
    const name = `${a.name()}${a.variadic ? '...' : ''}`;
    const choices = a.argChoices ? ` (one of: ${a.argChoices.join(', ')})` : '';
    return `- \`${a.required ? name : `[${name}]`}\`: ${a.description}${choices}`;
  });
  return args.length ? ['Arguments:', '', ...args, ''] : [];
}

export function cliReference(): string {
  const program = buildProgram(quiet, COMMANDS);
  const lines: string[] = [
    '| command | what it does |',
    '| --- | --- |',
    ...program.commands.map((c) => `| [\`${c.name()}\`](#rollouts-${c.name()}) | ${cell(c.description())} |`),
    '',
    'Every command also takes `-h, --help`; `rollouts --debug COMMAND` prints the stack trace of an internal error.',
    '',
  ];
  for (const cmd of program.commands) {
    const spec = COMMANDS.find((c) => c.name === cmd.name());
    lines.push(`## rollouts ${cmd.name()}`, '', '```text', `rollouts ${cmd.name()} ${cmd.usage()}`, '```', '');
    lines.push(`${cmd.description()}.`.replace(/\.\.$/, '.'), '');
    lines.push(...argumentsList(cmd), ...optionsTable(cmd));
    if (spec?.examples.length) lines.push('Examples:', '', '```text', ...spec.examples, '```', '');
  }
  return lines.join('\n').trimEnd();
}
