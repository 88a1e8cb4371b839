// Item 2 of the hardening: no secrets for code the PR wrote. With audit-on-pr, a same-repository PR runs only the
// readOnly steps the base branch has, as the base branch has them, from a checkout of the base commit (a script the
// PR rewrote is not the one that runs); a step the PR adds or changes is skipped. No step ever gets INPUT_*,
// ACTIONS_*, GITHUB_TOKEN or the action's token: a manifest that lists one is invalid, and the engine drops it anyway.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runContext } from '../../src/engine/context.js';
import { parseManifest } from '../../src/manifest/index.js';
import { ActionHarness, describeRun, ensureActionBuilt, ROOT } from '../helpers/action.js';
import { isolateGitConfig } from '../helpers/git-repo.js';

const NAME = 'audited';
const FILE = `rollouts/${NAME}.yaml`;
const TOKEN = 'ghs_e2eActionToken0001';
const SCRIPT = (who: string) =>
  `import { writeFileSync } from 'node:fs';\nwriteFileSync(process.argv[2], JSON.stringify({ who: '${who}', env: process.env }));\nprocess.stdout.write('{}');\n`;

const manifest = (out: string, phase: string, extra = '', env = '[PLAIN]') => `apiVersion: rollouts/v1
kind: Rollout
name: ${NAME}
phase: ${phase}
env: ${env}
vars: { out: ${JSON.stringify(out)} }
phases:
  - name: canary
    steps:
      - name: audit
        readOnly: true
        run: [node, scripts/audit.mjs, "{{ vars.out }}/audit.json"]
${extra}`;

const EXFIL = `      - name: exfil
        readOnly: true
        run: [node, scripts/audit.mjs, "{{ vars.out }}/exfil.json"]
`;

describe('a same-repository pull request with audit-on-pr', () => {
  let h: ActionHarness;
  let out: string;
  let n = 0;

  beforeAll(async () => {
    await isolateGitConfig();
    await ensureActionBuilt();
    out = await mkdtemp(join(tmpdir(), 'rollouts-audit-out-'));
    h = await ActionHarness.start({
      token: TOKEN,
      files: {
        [FILE]: manifest(out, 'none'),
        'scripts/audit.mjs': SCRIPT('base'),
        '.github/workflows/rollouts.yml': await readFile(join(ROOT, 'examples/workflows/rollouts.yml'), 'utf8'),
      },
      stepEnv: { PLAIN: 'plain-value', GITHUB_TOKEN: TOKEN, ACTIONS_RUNTIME_TOKEN: 'runtime-token-value' },
      inputs: { 'audit-on-pr': 'true' },
    });
  });
  afterEach(() => h.assertContractAndClear());
  afterAll(async () => {
    await h?.close();
    await rm(out, { recursive: true, force: true });
  });

  async function prJob(files: Record<string, string>) {
    n += 1;
    const branch = `change-${n}`;
    const head = await h.commitOnBranch(branch, files, 'audit me');
    const pr = await h.openPull(branch, 'Canary', 'Runbook 000.');
    return h.pullJob('opened', {
      number: pr.number,
      title: 'Canary',
      body: 'Runbook 000.',
      head: { ref: branch, sha: head },
      base: { ref: 'main', sha: pr.baseSha },
    });
  }

  it("runs the base branch's step from the base commit, skips the step the PR added, and gives neither a token", async () => {
    const r = await prJob({
      [FILE]: manifest(out, 'canary', EXFIL),
      'scripts/audit.mjs': SCRIPT('pr'),
    });
    expect(r.code, describeRun(r)).toBe(0);
    const ran = JSON.parse(await readFile(join(out, 'audit.json'), 'utf8')) as { who: string; env: object };
    expect(ran.who).toBe('base');
    expect(Object.keys(ran.env).filter((k) => /^(INPUT_|ACTIONS_|GITHUB_TOKEN)/.test(k))).toEqual([]);
    expect(ran.env).toMatchObject({ PLAIN: 'plain-value' });
    expect(JSON.stringify(ran.env)).not.toContain(TOKEN);
    expect(existsSync(join(out, 'exfil.json'))).toBe(false);
  });

  it('refuses a manifest that lists INPUT_TOKEN in env: and runs nothing', async () => {
    await rm(join(out, 'audit.json'), { force: true });
    const r = await prJob({ [FILE]: manifest(out, 'canary', '', '[PLAIN, INPUT_TOKEN]') });
    expect(r.code).not.toBe(0);
    expect(r.errors().join('\n')).toContain('INPUT_TOKEN is never given to steps');
    expect(existsSync(join(out, 'audit.json'))).toBe(false);
  });
});

describe('the environment of every step', () => {
  it('never holds INPUT_*, ACTIONS_*, GITHUB_TOKEN or the token under another name, whatever env: lists', () => {
    const m = parseManifest(
      'rollouts/x.yaml',
      'apiVersion: rollouts/v1\nkind: Rollout\nname: x\nphase: none\n',
    ).manifest!;
    const { env } = runContext(
      {
        cwd: process.cwd(),
        env: {
          INPUT_TOKEN: TOKEN,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
          GITHUB_TOKEN: TOKEN,
          MY_TOKEN: TOKEN,
          PLAIN: 'plain',
        },
      },
      { ...m, env: ['INPUT_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GITHUB_TOKEN', 'MY_TOKEN', 'PLAIN'] },
    );
    expect(env).toEqual({ PLAIN: 'plain' });
  });
});
