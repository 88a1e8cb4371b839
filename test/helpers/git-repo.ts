// A user's repository in a temp dir with manifests under rollouts/, and reads of its state branch.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitStateStore, type LedgerEntry, type RolloutState } from '../../src/state/index.js';

const execFileP = promisify(execFile);

/** As in a fresh CI container: no global or system git config. Call once per test file, before anything runs git. */
export async function isolateGitConfig(): Promise<void> {
  if (process.env.ROLLOUTS_TEST_GIT_ISOLATED) return;
  const dir = await mkdtemp(join(tmpdir(), 'rollouts-gitconfig-'));
  const file = join(dir, 'gitconfig');
  await writeFile(file, '');
  process.env.GIT_CONFIG_GLOBAL = file;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  process.env.ROLLOUTS_TEST_GIT_ISOLATED = '1';
}

const IDENTITY = ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', '-c', 'commit.gpgsign=false'];

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileP('git', [...IDENTITY, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Temp directories removed by `cleanup()` (call it in afterEach/afterAll). */
export class TempDirs {
  private readonly dirs: string[] = [];

  async make(prefix: string): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), `rollouts-${prefix}-`));
    this.dirs.push(d);
    return d;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }
}

export class TempRepo {
  readonly store: GitStateStore;

  private constructor(readonly dir: string) {
    this.store = new GitStateStore({ repo: dir });
  }

  /** A repository on branch main whose first commit holds `manifests` (file stem -> YAML text) under rollouts/. */
  static async create(dirs: TempDirs, manifests: Record<string, string> = {}): Promise<TempRepo> {
    const repo = new TempRepo(await dirs.make('repo'));
    await git(repo.dir, 'init', '-q', '-b', 'main');
    await mkdir(join(repo.dir, 'rollouts'), { recursive: true });
    await writeFile(join(repo.dir, 'README.md'), 'rollouts under test\n');
    for (const [name, text] of Object.entries(manifests)) await repo.write(name, text);
    await repo.commit('initial');
    return repo;
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  manifestPath(name: string): string {
    return this.path('rollouts', `${name}.yaml`);
  }

  async write(name: string, yaml: string): Promise<void> {
    await writeFile(this.manifestPath(name), yaml);
  }

  /** Commits everything; returns the new HEAD sha. */
  async commit(message: string): Promise<string> {
    await git(this.dir, 'add', '-A');
    await git(this.dir, 'commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  async head(): Promise<string> {
    return (await git(this.dir, 'rev-parse', 'HEAD')).trim();
  }

  /** Rewrites the manifest's `phase:` line and commits it, as a merged PR would; returns the commit. */
  async setPhase(name: string, phase: string): Promise<string> {
    const file = this.manifestPath(name);
    const text = await readFile(file, 'utf8');
    if (!/^phase: .*$/m.test(text)) throw new Error(`${file} has no phase: line`);
    await writeFile(file, text.replace(/^phase: .*$/m, `phase: ${phase}`));
    return this.commit(`${name}: phase ${phase}`);
  }

  /** `git revert` of a commit (a merged revert PR); returns the new HEAD. */
  async revert(sha: string): Promise<string> {
    await git(this.dir, 'revert', '--no-edit', sha);
    return this.head();
  }

  async stateBranchExists(): Promise<boolean> {
    return (await this.store.tip()) !== null;
  }

  async state(name: string): Promise<RolloutState | null> {
    return (await this.store.readState(name)).state;
  }

  async ledger(name: string): Promise<LedgerEntry[]> {
    const out: LedgerEntry[] = [];
    for await (const e of this.store.readLedger(name)) out.push(e);
    return out;
  }
}

/** Ledger entries of the given kinds as compact `kind phase/step` labels, in order. */
export function ledgerTrail(entries: LedgerEntry[], kinds: string[]): string[] {
  return entries
    .filter((e) => kinds.includes(e.kind))
    .map((e) => [e.kind, [e.phase, e.step].filter(Boolean).join('/')].filter(Boolean).join(' '));
}
