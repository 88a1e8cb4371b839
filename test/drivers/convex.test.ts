// The convex driver twice over against one local stand-in of a deployment's /api/function: the real convex CLI
// (`via: cli`, `npx convex run` from the devDependency) and the native call must agree on results, errors and
// failure for the seed-000 shapes.
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convexDeployment, convexPath } from '../../src/drivers/convex-http.js';
import { drivers, StepCallError, type StepResult } from '../../src/drivers/index.js';
import { ADMIN_KEY, startStandin } from '../helpers/convex-standin.js';

const FN = 'migrations/byokProviderAgnosticRollout';
let standin: Awaited<ReturnType<typeof startStandin>>;
let project: string;
let env: Record<string, string>;

beforeAll(async () => {
  standin = await startStandin();
  // A project that depends on convex, as `convex run` requires, with the repository's node_modules.
  project = await mkdtemp(join(tmpdir(), 'convex-project-'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'p', dependencies: { convex: '^1.48.0' } }));
  await symlink(resolve('node_modules'), join(project, 'node_modules'));
  env = { CONVEX_SELF_HOSTED_URL: standin.url, CONVEX_SELF_HOSTED_ADMIN_KEY: ADMIN_KEY };
});
afterAll(() => standin.close());

type Outcome = { ok: true; json: unknown } | { ok: false; message: string };

async function call(via: 'cli' | 'http', fn: string, args: Record<string, unknown>, e = env): Promise<Outcome> {
  const config = { function: fn, args, via };
  try {
    const r: StepResult = await drivers.convex.call(
      { config, env: e, idempotencyKey: 'k', signal: AbortSignal.timeout(30_000), cwd: project },
      { judgedByExpect: false },
    );
    return { ok: true, json: r.json };
  } catch (err) {
    if (!(err instanceof StepCallError)) throw err;
    return { ok: false, message: err.message };
  }
}

/** Both paths, side by side; the requests they made must be the same too. */
async function both(fn: string, args: Record<string, unknown>, e = env): Promise<[Outcome, Outcome]> {
  const before = standin.seen.length;
  const cli = await call('cli', fn, args, e);
  const cliSeen = standin.seen.slice(before).map(({ path, args }) => ({ path, args }));
  const mid = standin.seen.length;
  const native = await call('http', fn, args, e);
  expect(standin.seen.slice(mid).map(({ path, args }) => ({ path, args }))).toEqual(cliSeen);
  return [cli, native];
}

describe('convex driver: the native call and the real convex CLI agree', () => {
  it('returns the same result for each seed-000 call: audit, canary dry run and write, paged batches, rollback', async () => {
    const cases: [string, Record<string, unknown>][] = [
      [`${FN}:auditProviderAgnosticSettingsBackfill`, { organizationIds: ['org_1', 'org_2'] }],
      [`${FN}:runProviderAgnosticSettingsBackfillBatch`, { organizationIds: ['org_1', 'org_2'], dryRun: true }],
      [`${FN}:runProviderAgnosticSettingsBackfillBatch`, { organizationIds: ['org_1', 'org_2'], dryRun: false }],
      [`${FN}:runProviderAgnosticSettingsBackfillBatch`, { numItems: 2, dryRun: false }],
      [`${FN}:runProviderAgnosticSettingsBackfillBatch`, { numItems: 2, cursor: '4', dryRun: false }],
      [`${FN}:rollbackProviderAgnosticSettingsBatch`, { numItems: 25, dryRun: false }],
    ];
    for (const [fn, args] of cases) {
      const [cli, native] = await both(fn, args);
      expect(cli.ok, JSON.stringify(cli)).toBe(true);
      expect(native).toEqual(cli);
    }
  });

  it('gives null for a function that returns null (the CLI prints nothing)', async () => {
    const [cli, native] = await both('integrations/aiConnections:testAIConnection', {});
    expect(cli).toEqual({ ok: true, json: null });
    expect(native).toEqual(cli);
  });

  it('fails both ways with the function error message: a thrown error, a ConvexError, a validator, a missing function', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['integrations/aiConnections:throws', {}, 'Uncaught Error: provider timed out'],
      ['integrations/aiConnections:rejects', {}, 'KEY_REVOKED'],
      [`${FN}:runProviderAgnosticSettingsBackfillBatch`, { numItems: 2, cursor: null }, 'Path: .cursor'],
      [`${FN}:runProviderAgnosticSettingsBackfillBatch`, { numItems: 500 }, 'numItems must be between 1 and 100'],
      ['migrations/nope:missing', {}, 'Could not find public function'],
    ];
    for (const [fn, args, text] of cases) {
      const [cli, native] = await both(fn, args);
      expect(cli.ok).toBe(false);
      expect(native.ok).toBe(false);
      expect((cli as { message: string }).message).toContain(text);
      expect((native as { message: string }).message).toContain(text);
    }
  });

  it('fails both ways on a wrong admin key, naming the deployment answer', async () => {
    const wrong = { ...env, CONVEX_SELF_HOSTED_ADMIN_KEY: 'not-the-key' };
    const cli = await call('cli', 'integrations/aiConnections:testAIConnection', {}, wrong);
    const native = await call('http', 'integrations/aiConnections:testAIConnection', {}, wrong);
    expect(cli.ok).toBe(false);
    expect(native.ok).toBe(false);
    expect((cli as { message: string }).message).toContain('BadAdminKey');
    expect((native as { message: string }).message).toContain('BadAdminKey');
  });
});

describe('convex driver: the native call', () => {
  it('sends the request convex run sends, over one kept-alive connection', async () => {
    const before = standin.sockets();
    const from = standin.seen.length;
    for (let i = 0; i < 5; i++) await call('http', `${FN}:runProviderAgnosticSettingsBackfillBatch`, { numItems: 1 });
    expect(standin.sockets() - before).toBeLessThanOrEqual(1);
    const h = standin.seen[from]!.headers;
    expect([h.authorization, h['convex-client'], h['content-type']]).toEqual([
      `Convex ${ADMIN_KEY}`,
      'npm-1.48.0',
      'application/json',
    ]);
  });

  it('keeps the function log lines and marks a ConvexError or a validator error as not retryable', async () => {
    const r = await drivers.convex.call(
      {
        config: { function: `${FN}:runProviderAgnosticSettingsBackfillBatch`, args: { numItems: 1 } },
        env,
        idempotencyKey: 'k',
        signal: AbortSignal.timeout(5000),
        cwd: project,
      },
      { judgedByExpect: false },
    );
    expect(r.logLines).toEqual([`[LOG] 'batch of 1 with key ${ADMIN_KEY}'`]);
    const fail = (fn: string, args = {}) =>
      drivers.convex
        .call(
          { config: { function: fn, args }, env, idempotencyKey: 'k', signal: AbortSignal.timeout(5000), cwd: project },
          { judgedByExpect: false },
        )
        .catch((e: unknown) => e as StepCallError);
    const convexError = (await fail('integrations/aiConnections:rejects')) as StepCallError;
    expect([convexError.retryable, convexError.result?.logLines, convexError.result?.json]).toEqual([
      false,
      ["[ERROR] 'revoked'"],
      { errorData: { code: 'KEY_REVOKED' } },
    ]);
    expect(
      ((await fail(`${FN}:runProviderAgnosticSettingsBackfillBatch`, { cursor: null })) as StepCallError).retryable,
    ).toBe(false);
    expect(((await fail('integrations/aiConnections:throws')) as StepCallError).retryable).toBe(true);
  });

  it('finds the deployment as the convex CLI does, and says which names to set when none is there', () => {
    expect(convexDeployment({ CONVEX_SELF_HOSTED_URL: 'http://h', CONVEX_SELF_HOSTED_ADMIN_KEY: 'k' })).toEqual({
      url: 'http://h',
      adminKey: 'k',
    });
    expect(
      convexDeployment({
        CONVEX_DEPLOY_KEY: 'prod:happy-otter-123|abc',
        CONVEX_URL: 'https://happy-otter-123.convex.cloud',
      }),
    ).toEqual({ url: 'https://happy-otter-123.convex.cloud', adminKey: 'prod:happy-otter-123|abc' });
    expect(() => convexDeployment({ CONVEX_DEPLOY_KEY: 'prod:x|abc' })).toThrow(/CONVEX_URL/);
    expect(() => convexDeployment({ CONVEX_DEPLOY_KEY: 'project:team:proj|abc', CONVEX_URL: 'https://x' })).toThrow(
      /via: cli/,
    );
    expect(() =>
      convexDeployment({
        CONVEX_SELF_HOSTED_URL: 'http://h',
        CONVEX_SELF_HOSTED_ADMIN_KEY: 'k',
        CONVEX_DEPLOYMENT: 'dev:x',
      }),
    ).toThrow(/must not be set/);
    expect(() => convexDeployment({ CONVEX_SELF_HOSTED_URL: '' })).toThrow(/CONVEX_SELF_HOSTED_ADMIN_KEY/);
  });

  it('names functions as convex run does', () => {
    expect(convexPath('migrations/byok:audit', '/nonexistent')).toBe('migrations/byok:audit');
    expect(convexPath('migrations/byok', '/nonexistent')).toBe('migrations/byok:default');
    expect(convexPath('api.migrations.byok.audit', '/nonexistent')).toBe('migrations/byok:audit');
    expect(convexPath('convex/migrations/byok.ts:audit', '/nonexistent')).toBe('migrations/byok:audit');
  });
});
