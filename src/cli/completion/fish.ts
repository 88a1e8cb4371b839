// The fish completion script: save it as ~/.config/fish/completions/rollouts.fish, or
// `rollouts completion fish | source`. Generated from the completion model.
import type { CompletionModel, OptionModel, ValueKind } from './model.js';

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function values(value: ValueKind, fn: string): string {
  switch (value.kind) {
    case 'rollout':
      return `-f -a '(${fn}_names)'`;
    case 'command':
      return `-f -a '(${fn}_commands)'`;
    case 'choices':
      return `-f -a ${q(value.choices.join(' '))}`;
    case 'git-ref':
      return `-f -a "(git for-each-ref --format='%(refname:short)' 2>/dev/null)"`;
    case 'git-remote':
      return `-f -a '(git remote 2>/dev/null)'`;
    case 'dir':
      return `-f -a '(__fish_complete_directories)'`;
    case 'file':
      return '-F';
    case 'none':
      return '-f';
  }
}

function option(program: string, condition: string, o: OptionModel, fn: string): string {
  const names = [o.long ? `-l ${o.long.slice(2)}` : '', o.short ? `-s ${o.short.slice(1)}` : ''].filter(Boolean);
  const value = o.value ? ` -r ${values(o.value, fn)}` : '';
  return `complete -c ${program} -n ${q(condition)} ${names.join(' ')} -d ${q(o.description)}${value}`;
}

export function fishScript(model: CompletionModel): string {
  const p = model.program;
  const fn = `__${p}`;
  const lines: string[] = [];
  for (const o of model.global) lines.push(option(p, 'true', o, fn));
  for (const c of model.commands) {
    const seen = `__fish_seen_subcommand_from ${c.name}`;
    lines.push(`complete -c ${p} -n __fish_use_subcommand -f -a ${q(c.name)} -d ${q(c.summary)}`);
    for (const o of c.options.filter((o) => !model.global.some((g) => g.long === o.long)))
      lines.push(option(p, seen, o, fn));
    // fish has no notion of a positional's index: offer what the first positional takes.
    const first = c.positionals[0];
    if (first) lines.push(`complete -c ${p} -n ${q(seen)} ${values(first.value, fn)}`);
  }
  return `# ${p} completion for fish. Save it as ~/.config/fish/completions/${p}.fish, or:
#   ${p} completion fish | source

# The rollouts' names: the stems of <dir>/*.yaml at the repository's root, <dir> from --dir (default: rollouts).
function ${fn}_names
    set -l tokens (commandline -opc)
    set -l dir rollouts
    set -l i (contains -i -- --dir $tokens); and set dir $tokens[(math $i + 1)]
    set -l root (git rev-parse --show-toplevel 2>/dev/null); or set root .
    string match -q '/*' -- $dir; and set root ''
    for f in $root/$dir/*.yaml
        string replace -r '\\.yaml$' '' -- (basename $f)
    end
end

function ${fn}_commands
${model.commands.map((c) => `    printf '%s\\t%s\\n' ${q(c.name)} ${q(c.summary)}`).join('\n')}
end

complete -c ${p} -f
${lines.join('\n')}
`;
}
