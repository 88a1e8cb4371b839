// The zsh completion script: save it as `_rollouts` in a directory of $fpath, or `source <(rollouts completion zsh)`
// after compinit. Generated from the completion model.
import { spellings, type CommandModel, type CompletionModel, type OptionModel, type ValueKind } from './model.js';

/** Single-quoted for the shell. In an _arguments spec a `[explanation]` escapes its brackets, a message its colons. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const explanation = (s: string) => s.replace(/\\/g, '\\\\').replace(/([[\]])/g, '\\$1');
const message = (s: string) => s.replace(/\\/g, '\\\\').replace(/:/g, '\\:');

function action(value: ValueKind, fn: string): string {
  switch (value.kind) {
    case 'rollout':
      return `${fn}_names`;
    case 'command':
      return `${fn}_commands`;
    case 'choices':
      return `(${value.choices.join(' ')})`;
    case 'git-ref':
      return `${fn}_refs`;
    case 'git-remote':
      return `${fn}_remotes`;
    case 'dir':
      return '_files -/';
    case 'file':
      return '_files';
    case 'none':
      return ' ';
  }
}

function optionSpecs(o: OptionModel, fn: string): string[] {
  const names = spellings(o);
  const exclusive = names.length > 1 ? `(${names.join(' ')})` : '';
  const value = o.value ? `:${message(o.valueName ?? 'value')}:${action(o.value, fn)}` : '';
  return names.map((n) => q(`${exclusive}${n}[${explanation(o.description)}]${value}`));
}

function commandCase(c: CommandModel, global: OptionModel[], fn: string): string {
  const options = [...c.options, ...global.filter((g) => !c.options.some((o) => o.long === g.long))];
  const specs = [
    ...options.flatMap((o) => optionSpecs(o, fn)),
    ...c.positionals.map((p, i) =>
      q(`${p.variadic ? '*' : String(i + 1)}:${message(p.description || p.name)}:${action(p.value, fn)}`),
    ),
  ];
  return `        ${q(c.name)}) _arguments -s ${specs.join(' \\\n            ')} ;;`;
}

export function zshScript(model: CompletionModel): string {
  const fn = `_${model.program}`;
  const described = model.commands.map((c) => q(`${c.name}:${c.summary}`));
  return `#compdef ${model.program}
# ${model.program} completion for zsh. Save it as _${model.program} in a directory of $fpath, or, after compinit:
#   source <(${model.program} completion zsh)

# The rollouts' names: the stems of <dir>/*.yaml at the repository's root, <dir> from --dir (default: rollouts).
${fn}_names() {
  local dir=\${opt_args[--dir]:-rollouts} root
  root=$(git rev-parse --show-toplevel 2>/dev/null) || root=.
  [[ $dir == /* ]] && root=
  local -a names=( "\${root:+$root/}$dir"/*.yaml(N:t:r) )
  _describe -t rollouts 'rollout' names
}

${fn}_refs() {
  local -a refs=( \${(f)"$(git for-each-ref --format='%(refname:short)' 2>/dev/null)"} )
  _describe -t refs 'ref' refs
}

${fn}_remotes() {
  local -a remotes=( \${(f)"$(git remote 2>/dev/null)"} )
  _describe -t remotes 'remote' remotes
}

${fn}_commands() {
  local -a commands=( ${described.join(' ')} )
  _describe -t commands 'command' commands
}

${fn}() {
  local curcontext=$curcontext state line
  typeset -A opt_args
  _arguments -C ${model.global.flatMap((o) => optionSpecs(o, fn)).join(' ')} ': :${fn}_commands' '*:: :->args' && return
  case $state in
    args)
      curcontext=\${curcontext%:*:*}:${model.program}-$words[1]:
      case $words[1] in
${model.commands.map((c) => commandCase(c, model.global, fn)).join('\n')}
      esac
      ;;
  esac
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${model.program}
fi
`;
}
