// Item 1 of the hardening: secrets leave the process masked, everywhere. A target that echoes its API key (one with
// `"`, `\` and URL-special characters in it) into every answer: the key goes into step results, gate samples, the
// revert PR, deployment statuses, the job summary, the webhooks and the logs. The pushed state branch (every commit,
// every blob), every body the GitHub emulator received, every webhook body and everything the action printed hold
// zero occurrences of it, raw, JSON-escaped or percent-encoded.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionHarness, describeRun, ensureActionBuilt, ROOT, type JobRun } from '../helpers/action.js';
import { git, isolateGitConfig } from '../helpers/git-repo.js';

const NAME = 'leaky';
const FILE = `rollouts/${NAME}.yaml`;
const KEY = 'k"e\\y&dryRun=false?#%2F/+ x=1';

const manifest = (phase: string) => `apiVersion: rollouts/v1
kind: Rollout
name: ${NAME}
phase: ${phase}
env: [LEAK_URL, LEAK_KEY, HOOK_URL]
notify:
  - webhook: { urlEnv: HOOK_URL }
    on: [failure, rollback-start, rollback-done]
checks:
  probe:
    http: { url: "{{ env.LEAK_URL }}/status", headers: { x-api-key: "{{ env.LEAK_KEY }}" } }
    pass: "result.json.ok == true"
    severity: critical
phases:
  - name: canary
    steps:
      - name: write
        http:
          method: POST
          url: "{{ env.LEAK_URL }}/write"
          headers: { x-api-key: "{{ env.LEAK_KEY }}" }
          json: { key: "{{ env.LEAK_KEY }}" }
    gate: { hold: 1h, every: 15m, checks: [probe] }
    rollback:
      - name: undo
        http: { method: POST, url: "{{ env.LEAK_URL }}/undo", headers: { x-api-key: "{{ env.LEAK_KEY }}" } }
`;

/** The target and the webhook receiver in one: every answer echoes the key it was sent; webhook bodies are kept. */
async function startLeakyTarget(): Promise<{ url: string; hooks: string[]; close: () => Promise<void> }> {
  const hooks: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/hook') hooks.push(body);
      const key = String(req.headers['x-api-key'] ?? '');
      const ok = req.url !== '/status';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok, echo: key, message: `key ${key} ${ok ? 'accepted' : 'rejected'}`, failed: 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hooks, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const FORMS = [KEY, JSON.stringify(KEY).slice(1, -1), encodeURIComponent(KEY), 'e\\y&dryRun', 'e\\\\y&dryRun'];

function occurrences(where: string, text: string): string[] {
  return FORMS.filter((f) => text.includes(f)).map((f) => `${where} holds ${JSON.stringify(f)}`);
}

const withoutAddMask = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

describe('a secret the target echoes back', () => {
  let h: ActionHarness;
  let target: Awaited<ReturnType<typeof startLeakyTarget>>;
  const bodies: string[] = [];
  const runs: JobRun[] = [];

  afterAll(async () => {
    await h?.close();
    await target?.close();
  });

  it('appears nowhere: not on the state branch, in GitHub bodies, webhooks, summaries or logs', async () => {
    await isolateGitConfig();
    await ensureActionBuilt();
    target = await startLeakyTarget();
    h = await ActionHarness.start({
      files: {
        [FILE]: manifest('none'),
        '.github/workflows/rollouts.yml': await readFile(join(ROOT, 'examples/workflows/rollouts.yml'), 'utf8'),
      },
      stepEnv: { LEAK_URL: target.url, LEAK_KEY: KEY, HOOK_URL: `${target.url}/hook` },
    });
    h.emulator.intercept((req) => {
      if (req.body !== undefined) bodies.push(`${req.method} ${req.path} ${JSON.stringify(req.body)}`);
      return undefined;
    });
    const before = await h.mainSha();
    await h.commitOnBranch('canary', { [FILE]: manifest('canary') }, `${NAME}: canary`);
    await h.merge((await h.openPull('canary', 'Canary', 'Runbook 000.')).number);
    const applied = await h.pushJob(before);
    runs.push(applied);
    expect(applied.code, describeRun(applied)).not.toBe(0);
    for (const d of h.emulator.dispatches) runs.push(await h.dispatchedJob(d));

    // The scenario reached every sink: a revert PR, webhooks, a step result and a failing sample on the state branch.
    const pulls = await h.emulator.listPulls(h.owner, h.repo);
    expect(pulls.some((p) => p.title.startsWith(`rollouts: revert ${NAME}`))).toBe(true);
    expect(target.hooks.length).toBeGreaterThan(0);
    const state = await git(h.remote, 'log', '-p', '--format=%H%n%B', 'rollouts-state');
    expect(state).toContain('"kind":"sample"');
    expect(state).toContain('***');

    const leaks = [
      ...occurrences('the state branch', state),
      ...bodies.flatMap((b) => occurrences('a GitHub request', b)),
      ...target.hooks.flatMap((b) => occurrences('a webhook', b)),
      // The runner's own `::add-mask::` commands are how it learns the secret: the one place it must be.
      ...runs.flatMap((r, i) => occurrences(`job ${i}'s output and summary`, withoutAddMask(r.everything()))),
    ];
    expect(leaks).toEqual([]);
    h.assertContractAndClear();
  }, 180_000);
});
