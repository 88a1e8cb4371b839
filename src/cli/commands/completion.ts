import { Argument } from 'commander';
import { defineCommand } from '../command.js';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { completionModel } from '../completion/model.js';
import { zshScript } from '../completion/zsh.js';
import { EXIT } from '../errors.js';

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript };

export const completionCommand = defineCommand({
  name: 'completion',
  summary: 'print the shell completion script for bash, zsh or fish',
  examples: [
    'source <(rollouts completion bash)      # in ~/.bashrc',
    'rollouts completion zsh > "${fpath[1]}/_rollouts"',
    'rollouts completion fish > ~/.config/fish/completions/rollouts.fish',
  ],
  configure: (cmd) => cmd.addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(SCRIPTS))),
  run({ io, args: [shell], program }) {
    io.out(SCRIPTS[shell as keyof typeof SCRIPTS](completionModel(program)).replace(/\n$/, ''));
    return EXIT.ok;
  },
});
