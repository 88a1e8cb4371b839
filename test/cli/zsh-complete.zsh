# Prints what an interactive zsh shows after typing LINE and TAB, with the completion script SCRIPT loaded by compinit.
# usage: zsh -f zsh-complete.zsh SCRIPT LINE   (the output is the terminal's: the test strips escape sequences)
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; autoload -Uz compinit; compinit -u -D; source ${(q)1}; zstyle ':completion:*' list-prompt ''"
zpty -w z "print __READY__"
zpty -r z _ '*__READY__*__READY__*'
zpty -w -n z "$2"$'\t'
# Read until the terminal has been quiet for a second: the completion has been listed or inserted.
integer quiet=0
local out= chunk
while (( quiet < 10 )); do
  if zpty -r -t z chunk; then out+=$chunk; quiet=0; else sleep 0.1; (( quiet++ )); fi
done
zpty -d z
print -r -- "$out"
