// The bash completion script: `source <(rollouts completion bash)` or save it as
// ~/.local/share/bash-completion/completions/rollouts. Generated from the completion model; needs bash 4.
import { spellings, type CommandModel, type CompletionModel, type OptionModel, type ValueKind } from './model.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const words = (list: string[]) => q(list.join(' '));

function complete(value: ValueKind, commandNames: string[]): string {
  switch (value.kind) {
    case 'rollout':
      return 'mapfile -t COMPREPLY < <(compgen -W "$(_rollouts_names)" -- "$cur")';
    case 'command':
      return `mapfile -t COMPREPLY < <(compgen -W ${words(commandNames)} -- "$cur")`;
    case 'choices':
      return `mapfile -t COMPREPLY < <(compgen -W ${words(value.choices)} -- "$cur")`;
    case 'git-ref':
      return `mapfile -t COMPREPLY < <(compgen -W "$(git for-each-ref --format='%(refname:short)' 2>/dev/null)" -- "$cur")`;
    case 'git-remote':
      return 'mapfile -t COMPREPLY < <(compgen -W "$(git remote 2>/dev/null)" -- "$cur")';
    case 'dir':
      return 'compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur")';
    case 'file':
      return 'compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur")';
    case 'none':
      return 'COMPREPLY=()';
  }
}

function valued(options: OptionModel[]): string[] {
  return options.filter((o) => o.value).flatMap(spellings);
}

function commandCase(c: CommandModel, global: OptionModel[], commandNames: string[]): string {
  const options = [...c.options, ...global.filter((g) => !c.options.some((o) => o.long === g.long))];
  const lines = [`    ${q(c.name)})`];
  const withValue = options.filter((o) => o.value);
  if (withValue.length) {
    lines.push('      case $prev in');
    for (const o of withValue)
      lines.push(`        ${spellings(o).map(q).join('|')}) ${complete(o.value!, commandNames)}; return ;;`);
    lines.push('      esac');
  }
  lines.push(
    `      if [[ $cur == -* ]]; then mapfile -t COMPREPLY < <(compgen -W ${words(options.flatMap(spellings))} -- "$cur"); return; fi`,
  );
  const last = c.positionals.length - 1;
  if (last >= 0) {
    lines.push('      case $npos in');
    c.positionals.forEach((p, i) => {
      const pattern = i === last && p.variadic ? '*' : String(i);
      lines.push(`        ${pattern}) ${complete(p.value, commandNames)} ;;`);
    });
    lines.push('      esac');
  }
  lines.push('      ;;');
  return lines.join('\n');
}

export function bashScript(model: CompletionModel): string {
  const names = model.commands.map((c) => c.name);
  const fn = `_${model.program}`;
  const allValued = [...new Set([...valued(model.global), ...model.commands.flatMap((c) => valued(c.options))])];
  return `# ${model.program} completion for bash (4 or later). Load it with
#   source <(${model.program} completion bash)
# or save it as ~/.local/share/bash-completion/completions/${model.program}

# The rollouts' names: the stems of <dir>/*.yaml at the repository's root, <dir> from --dir (default: rollouts).
${fn}_names() {
  local dir=rollouts root f i
  for ((i = 1; i < \${#COMP_WORDS[@]} - 1; i++)); do
    [[ \${COMP_WORDS[i]} == --dir ]] && dir=\${COMP_WORDS[i + 1]}
  done
  root=$(git rev-parse --show-toplevel 2>/dev/null) || root=.
  [[ $dir == /* ]] && root=
  for f in "\${root:+$root/}$dir"/*.yaml; do
    [[ -e $f ]] || continue
    f=\${f##*/}
    printf '%s\\n' "\${f%.yaml}"
  done
}

${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD - 1]} cmd= npos=0 i w
  COMPREPLY=()
  # The command is the first word that is not an option; count the positional words after it.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ -z $cmd ]]; then
      [[ $w == -* ]] || cmd=$w
      continue
    fi
    case $w in
      ${allValued.length ? `${allValued.map(q).join('|')}) ((i++)) ;;` : ''}
      -*) ;;
      *) ((npos++)) ;;
    esac
  done
  case $cmd in
    '')
      mapfile -t COMPREPLY < <(compgen -W ${words([...names, ...model.global.flatMap(spellings)])} -- "$cur")
      ;;
${model.commands.map((c) => commandCase(c, model.global, names)).join('\n')}
  esac
}

complete -F ${fn} ${model.program}
`;
}
