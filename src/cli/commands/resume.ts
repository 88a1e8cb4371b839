import { operatorControl } from '../../engine/index.js';
import { controlCommand } from '../control-command.js';

export const resumeCommand = controlCommand({
  name: 'resume',
  summary: 'carry on after a pause: a gate opens afresh, a step at its cursor',
  examples: [
    'rollouts resume byok-backfill          # a paused gate: a new hold starts, sampled at once',
    'rollouts resume byok-backfill          # after `rollouts pause`: the step goes on from its checkpoint',
    'ROLLOUTS_ACTOR=alice rollouts resume byok-backfill --json',
  ],
  control: (deps, m, actor) => operatorControl(deps, m, 'resume', actor),
});
