import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { colourEnabled, paint } from '../../src/cli/colour.js';
import { ensureActionBuilt, ROOT } from '../helpers/action-run.js';

const run = promisify(execFile);

describe('colour', () => {
  it('is on at a terminal, off in a pipe, in CI, with NO_COLOR and on a dumb terminal; FORCE_COLOR wins', () => {
    expect(colourEnabled({}, true)).toBe(true);
    expect(colourEnabled({}, false)).toBe(false);
    expect(colourEnabled({ CI: 'true' }, true)).toBe(false);
    expect(colourEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colourEnabled({ NO_COLOR: '' }, true)).toBe(true); // no-color.org: only a non-empty value
    expect(colourEnabled({ TERM: 'dumb' }, true)).toBe(false);
    expect(colourEnabled({ FORCE_COLOR: '1', CI: 'true' }, false)).toBe(true);
    expect(colourEnabled({ FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true);
    expect(colourEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
  });

  it('colours status words and marks, and leaves JSON as it is', () => {
    expect(paint('demo: ✖ write failed')).toBe('demo: \x1b[31m✖\x1b[39m write \x1b[31mfailed\x1b[39m');
    expect(paint('demo: canary is healthy')).toBe('demo: canary is \x1b[32mhealthy\x1b[39m');
    expect(paint('  canary/turn-on: ok (169 ms)')).toBe('  canary/turn-on: \x1b[32mok\x1b[39m (169 ms)');
    expect(paint('demo: holding until 12:00; passes at 12:00')).toBe(
      'demo: \x1b[33mholding\x1b[39m until 12:00; passes at 12:00',
    );
    expect(paint('{ "status": "failed" }')).toBe('{ "status": "failed" }');
  });
});

describe('the bin', () => {
  beforeAll(() => ensureActionBuilt(), 300_000);
  const validate = (env: NodeJS.ProcessEnv) =>
    run(process.execPath, [`${ROOT}/dist/cli.js`, 'validate', 'rollouts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
    });

  it('colours with FORCE_COLOR, and writes plain text to a pipe, in CI and with NO_COLOR', async () => {
    expect((await validate({ FORCE_COLOR: '1' })).stderr).toContain('manifests \x1b[32mvalid\x1b[39m');
    for (const env of [{}, { CI: 'true' }, { NO_COLOR: '1' }])
      expect((await validate(env)).stderr).toMatch(/^\d+ manifests valid\n$/);
  });
});
