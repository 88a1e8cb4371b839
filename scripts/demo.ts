// `npm start`: the whole story in under a minute, against the example target, in a throwaway git repository.
// canary (audit, dry-run, write) -> hold -> healthy -> promote -> full paged backfill -> fault -> failed gate ->
// revert commit -> rollback -> verify. Every command shown is the real CLI (dist/cli.js) on a real repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnTarget } from '../examples/target/spawn.js';

const here = resolve(import.meta.dirname, '..');
const cli = join(here, 'dist', 'cli.js');
const bold = (t: string) => (process.stdout.isTTY ? `\x1b[1m${t}\x1b[0m` : t);

function banner(text: string): void {
  process.stdout.write(`\n${bold(`── ${text}`)}\n`);
}

function run(repo: string, env: NodeJS.ProcessEnv, ...args: string[]): number {
  process.stdout.write(`$ rollouts ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repo, env, stdio: 'inherit' });
  return r.status ?? 1;
}

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'you',
      GIT_AUTHOR_EMAIL: 'you@example.com',
      GIT_COMMITTER_NAME: 'you',
      GIT_COMMITTER_EMAIL: 'you@example.com',
    },
  });
}

function setPhase(file: string, phase: string): void {
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^phase: .*$/m, `phase: ${phase}`));
}

async function main(): Promise<void> {
  banner('The five example rollouts (one per runbook in the seeds) validate');
  spawnSync(process.execPath, [cli, 'validate'], { cwd: here, stdio: 'inherit' });

  const work = mkdtempSync(join(tmpdir(), 'rollouts-demo-'));
  const repo = join(work, 'repo');
  mkdirSync(join(repo, 'rollouts'), { recursive: true });
  const target = await spawnTarget({ dbPath: join(work, 'target.db'), orgs: 1500 });
  const env = { ...process.env, TARGET_URL: target.url, ROLLOUTS_CHECKPOINT_MS: '500' };
  const integrity = async () => JSON.stringify(await (await fetch(`${target.url}/integrity`)).json());
  try {
    banner(`Example target at ${target.url}: 1,500 organizations in SQLite, seed 000's migration endpoints`);
    console.log(`integrity: ${await integrity()}`);
    const manifest = join(repo, 'rollouts', 'byok-demo.yaml');
    git(work, 'init', '-q', '-b', 'main', repo);
    copyFileSync(join(here, 'examples', 'demo', 'byok-demo.yaml'), manifest);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'Add the byok-demo rollout (phase: none)');

    banner('A pull request sets phase: canary — the plan');
    setPhase(manifest, 'canary');
    run(repo, env, 'plan', '--base', 'HEAD');
    git(repo, 'commit', '-qam', 'byok-demo: canary');

    banner('Merged: apply the canary (audit, dry-run, write pass on 3 orgs), then its gate holds');
    run(repo, env, 'apply');
    await sleep(2200);
    banner('The scheduled pass: the hold has elapsed and the probe passes -> healthy');
    run(repo, env, 'apply');

    banner('Promotion: phase: full — paged backfill of everyone with checkpoints');
    setPhase(manifest, 'full');
    git(repo, 'commit', '-qam', 'byok-demo: promote to full');
    run(repo, env, 'apply');
    console.log(`integrity: ${await integrity()}`);
    run(repo, env, 'status');

    banner('A fault: the provider goes offline; the next gate sample fails');
    await fetch(`${target.url}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'offline' }),
    });
    await sleep(1100);
    run(repo, env, 'apply');

    banner('The revert of the promotion is merged: roll back full, then verify');
    await fetch(`${target.url}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'none' }),
    });
    git(repo, 'revert', '--no-edit', 'HEAD');
    run(repo, env, 'apply');
    console.log(`integrity: ${await integrity()}`);

    banner('A rollback drill of what is still applied (writes disabled): the RTO is recorded');
    run(repo, env, 'drill', 'byok-demo');

    banner('The audit trail: the state branch');
    console.log(git(repo, 'log', '--oneline', '-8', 'rollouts-state'));
    const ledger = git(repo, 'show', 'rollouts-state:byok-demo/ledger.jsonl').trim().split('\n');
    console.log(`${ledger.length} ledger entries; the last:\n${ledger.slice(-2).join('\n')}`);
  } finally {
    await target.stop();
    if (!process.env.ROLLOUTS_DEMO_KEEP) rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

await main();
