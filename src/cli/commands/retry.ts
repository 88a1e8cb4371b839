import { operatorControl } from '../../engine/index.js';
import { controlCommand } from '../control-command.js';

export const retryCommand = controlCommand({
  name: 'retry',
  summary: 'retry a failed phase from its failed step, or reopen a failed gate; recorded',
  examples: [
    'rollouts retry byok-backfill           # a failed step: resumes at its checkpoint, never re-sends a batch',
    'rollouts retry byok-backfill           # a failed gate whose cause you fixed: a new hold starts',
  ],
  control: (deps, m, actor) => operatorControl(deps, m, 'retry', actor),
});
