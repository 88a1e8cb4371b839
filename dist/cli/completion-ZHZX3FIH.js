#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  defineCommand
} from "./chunk-EWS5QH4S.js";
import {
  Argument,
  EXIT
} from "./chunk-Q3SWWA5U.js";
import "./chunk-WNP4D27T.js";

// src/cli/completion/model.ts
function valueOf(placeholder, choices) {
  if (choices?.length) return { kind: "choices", choices: [...choices] };
  if (/^names?$/.test(placeholder)) return { kind: "rollout" };
  if (placeholder === "command") return { kind: "command" };
  if (/^(ref|branch)$/.test(placeholder)) return { kind: "git-ref" };
  if (placeholder === "remote") return { kind: "git-remote" };
  if (/^(dir|directory)$/.test(placeholder)) return { kind: "dir" };
  if (/^(files?|paths?)$/.test(placeholder)) return { kind: "file" };
  return { kind: "none" };
}
function optionModel(o) {
  const placeholder = /[<[](\w+)/.exec(o.flags)?.[1];
  return {
    long: o.long,
    short: o.short,
    description: o.description,
    value: placeholder ? valueOf(placeholder, o.argChoices) : void 0,
    valueName: placeholder
  };
}
function positionalModel(a) {
  return {
    name: a.name(),
    description: a.description,
    variadic: a.variadic,
    value: valueOf(a.name(), a.argChoices)
  };
}
function completionModel(program) {
  const help = program.createHelp();
  const global = help.visibleOptions(program).map(optionModel);
  const commands = help.visibleCommands(program).map((c) => ({
    name: c.name(),
    summary: c.description(),
    options: help.visibleOptions(c).map(optionModel),
    positionals: c.registeredArguments.map(positionalModel)
  }));
  return { program: program.name(), global, commands };
}
function spellings(o) {
  return [o.long, o.short].filter((s) => !!s);
}

// src/cli/completion/bash.ts
var q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
var words = (list) => q(list.join(" "));
function complete(value, commandNames) {
  switch (value.kind) {
    case "rollout":
      return 'mapfile -t COMPREPLY < <(compgen -W "$(_rollouts_names)" -- "$cur")';
    case "command":
      return `mapfile -t COMPREPLY < <(compgen -W ${words(commandNames)} -- "$cur")`;
    case "choices":
      return `mapfile -t COMPREPLY < <(compgen -W ${words(value.choices)} -- "$cur")`;
    case "git-ref":
      return `mapfile -t COMPREPLY < <(compgen -W "$(git for-each-ref --format='%(refname:short)' 2>/dev/null)" -- "$cur")`;
    case "git-remote":
      return 'mapfile -t COMPREPLY < <(compgen -W "$(git remote 2>/dev/null)" -- "$cur")';
    case "dir":
      return 'compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur")';
    case "file":
      return 'compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur")';
    case "none":
      return "COMPREPLY=()";
  }
}
function valued(options) {
  return options.filter((o) => o.value).flatMap(spellings);
}
function commandCase(c, global, commandNames) {
  const options = [...c.options, ...global.filter((g) => !c.options.some((o) => o.long === g.long))];
  const lines = [`    ${q(c.name)})`];
  const withValue = options.filter((o) => o.value);
  if (withValue.length) {
    lines.push("      case $prev in");
    for (const o of withValue)
      lines.push(`        ${spellings(o).map(q).join("|")}) ${complete(o.value, commandNames)}; return ;;`);
    lines.push("      esac");
  }
  lines.push(
    `      if [[ $cur == -* ]]; then mapfile -t COMPREPLY < <(compgen -W ${words(options.flatMap(spellings))} -- "$cur"); return; fi`
  );
  const last = c.positionals.length - 1;
  if (last >= 0) {
    lines.push("      case $npos in");
    c.positionals.forEach((p, i) => {
      const pattern = i === last && p.variadic ? "*" : String(i);
      lines.push(`        ${pattern}) ${complete(p.value, commandNames)} ;;`);
    });
    lines.push("      esac");
  }
  lines.push("      ;;");
  return lines.join("\n");
}
function bashScript(model) {
  const names = model.commands.map((c) => c.name);
  const fn = `_${model.program}`;
  const allValued = [.../* @__PURE__ */ new Set([...valued(model.global), ...model.commands.flatMap((c) => valued(c.options))])];
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
      ${allValued.length ? `${allValued.map(q).join("|")}) ((i++)) ;;` : ""}
      -*) ;;
      *) ((npos++)) ;;
    esac
  done
  case $cmd in
    '')
      mapfile -t COMPREPLY < <(compgen -W ${words([...names, ...model.global.flatMap(spellings)])} -- "$cur")
      ;;
${model.commands.map((c) => commandCase(c, model.global, names)).join("\n")}
  esac
}

complete -F ${fn} ${model.program}
`;
}

// src/cli/completion/fish.ts
var q2 = (s) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
function values(value, fn) {
  switch (value.kind) {
    case "rollout":
      return `-f -a '(${fn}_names)'`;
    case "command":
      return `-f -a '(${fn}_commands)'`;
    case "choices":
      return `-f -a ${q2(value.choices.join(" "))}`;
    case "git-ref":
      return `-f -a "(git for-each-ref --format='%(refname:short)' 2>/dev/null)"`;
    case "git-remote":
      return `-f -a '(git remote 2>/dev/null)'`;
    case "dir":
      return `-f -a '(__fish_complete_directories)'`;
    case "file":
      return "-F";
    case "none":
      return "-f";
  }
}
function option(program, condition, o, fn) {
  const names = [o.long ? `-l ${o.long.slice(2)}` : "", o.short ? `-s ${o.short.slice(1)}` : ""].filter(Boolean);
  const value = o.value ? ` -r ${values(o.value, fn)}` : "";
  return `complete -c ${program} -n ${q2(condition)} ${names.join(" ")} -d ${q2(o.description)}${value}`;
}
function fishScript(model) {
  const p = model.program;
  const fn = `__${p}`;
  const lines = [];
  for (const o of model.global) lines.push(option(p, "true", o, fn));
  for (const c of model.commands) {
    const seen = `__fish_seen_subcommand_from ${c.name}`;
    lines.push(`complete -c ${p} -n __fish_use_subcommand -f -a ${q2(c.name)} -d ${q2(c.summary)}`);
    for (const o of c.options.filter((o2) => !model.global.some((g) => g.long === o2.long)))
      lines.push(option(p, seen, o, fn));
    const first = c.positionals[0];
    if (first) lines.push(`complete -c ${p} -n ${q2(seen)} ${values(first.value, fn)}`);
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
${model.commands.map((c) => `    printf '%s\\t%s\\n' ${q2(c.name)} ${q2(c.summary)}`).join("\n")}
end

complete -c ${p} -f
${lines.join("\n")}
`;
}

// src/cli/completion/zsh.ts
var q3 = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
var explanation = (s) => s.replace(/\\/g, "\\\\").replace(/([[\]])/g, "\\$1");
var message = (s) => s.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
function action(value, fn) {
  switch (value.kind) {
    case "rollout":
      return `${fn}_names`;
    case "command":
      return `${fn}_commands`;
    case "choices":
      return `(${value.choices.join(" ")})`;
    case "git-ref":
      return `${fn}_refs`;
    case "git-remote":
      return `${fn}_remotes`;
    case "dir":
      return "_files -/";
    case "file":
      return "_files";
    case "none":
      return " ";
  }
}
function optionSpecs(o, fn) {
  const names = spellings(o);
  const exclusive = names.length > 1 ? `(${names.join(" ")})` : "";
  const value = o.value ? `:${message(o.valueName ?? "value")}:${action(o.value, fn)}` : "";
  return names.map((n) => q3(`${exclusive}${n}[${explanation(o.description)}]${value}`));
}
function commandCase2(c, global, fn) {
  const options = [...c.options, ...global.filter((g) => !c.options.some((o) => o.long === g.long))];
  const specs = [
    ...options.flatMap((o) => optionSpecs(o, fn)),
    ...c.positionals.map(
      (p, i) => q3(`${p.variadic ? "*" : String(i + 1)}:${message(p.description || p.name)}:${action(p.value, fn)}`)
    )
  ];
  return `        ${q3(c.name)}) _arguments -s ${specs.join(" \\\n            ")} ;;`;
}
function zshScript(model) {
  const fn = `_${model.program}`;
  const described = model.commands.map((c) => q3(`${c.name}:${c.summary}`));
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
  local -a commands=( ${described.join(" ")} )
  _describe -t commands 'command' commands
}

${fn}() {
  local curcontext=$curcontext state line
  typeset -A opt_args
  _arguments -C ${model.global.flatMap((o) => optionSpecs(o, fn)).join(" ")} ': :${fn}_commands' '*:: :->args' && return
  case $state in
    args)
      curcontext=\${curcontext%:*:*}:${model.program}-$words[1]:
      case $words[1] in
${model.commands.map((c) => commandCase2(c, model.global, fn)).join("\n")}
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

// src/cli/commands/completion.ts
var SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript };
var completionCommand = defineCommand({
  name: "completion",
  summary: "print the shell completion script for bash, zsh or fish",
  examples: [
    "source <(rollouts completion bash)      # in ~/.bashrc",
    'rollouts completion zsh > "${fpath[1]}/_rollouts"',
    "rollouts completion fish > ~/.config/fish/completions/rollouts.fish"
  ],
  configure: (cmd) => cmd.addArgument(new Argument("<shell>", "the shell").choices(Object.keys(SCRIPTS))),
  run({ io, args: [shell], program }) {
    io.out(SCRIPTS[shell](completionModel(program)).replace(/\n$/, ""));
    return EXIT.ok;
  }
});
export {
  completionCommand
};
