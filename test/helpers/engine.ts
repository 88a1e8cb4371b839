// The engine in the test process, on a temp repository, with the same deps the CLI builds (src/cli/engine-deps.ts)
// but the progress lines and messages captured. Each call re-reads the manifests at HEAD, as a new CLI run would.
import { localEngine, type LocalEngine } from '../../src/cli/engine-deps.js';
import type { CliIO } from '../../src/cli/io.js';
import type { EngineOptions } from '../../src/cli/command.js';
import {
  drill,
  emergencyRollback,
  failGatesForAlerts,
  type AlertmanagerAlert,
  operatorControl,
  reconcileAll,
  requestPause,
  statusOf,
  streamReporter,
  type DrillResult,
  type RolloutOutcome,
  type RolloutStatusView,
} from '../../src/engine/index.js';
import type { Manifest } from '../../src/manifest/index.js';
import { cliEnv } from './cli.js';

export interface EngineRun<T> {
  result: T;
  /** Reporter lines and the CLI's messages (stderr), in order. */
  lines: string[];
  out: string[];
}

export class InProcessEngine {
  /** Called after every batch of a paged step (label `phase/step`, batches of this run): a hook to inject faults at. */
  onBatch: ((label: string, batches: number) => void) | undefined;

  constructor(
    readonly cwd: string,
    private readonly env: Record<string, string | undefined> = {},
  ) {}

  private async open(lines: string[], out: string[]): Promise<LocalEngine> {
    const io: CliIO = {
      out: (l) => out.push(l),
      err: (l) => lines.push(l),
      isTTY: false,
      cwd: this.cwd,
      env: cliEnv(this.env),
    };
    const opts: EngineOptions = { json: false, dir: 'rollouts', stateBranch: 'rollouts-state' };
    const engine = await localEngine(io, opts);
    let partial = '';
    const plain = streamReporter((text) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop()!;
      lines.push(...parts);
    }, false);
    engine.deps.reporter = {
      info: (line) => plain.info(line),
      batch: (label, batches, items, ms, max) => {
        this.onBatch?.(label.trim(), batches);
        plain.batch(label, batches, items, ms, max);
      },
      done: (label, batches, items, ms) => plain.done(label, batches, items, ms),
    };
    return engine;
  }

  private async run<T>(fn: (e: LocalEngine) => Promise<T>): Promise<EngineRun<T>> {
    const lines: string[] = [];
    const out: string[] = [];
    const result = await fn(await this.open(lines, out));
    return { result, lines, out };
  }

  private static manifest(e: LocalEngine, name: string): Manifest {
    const m = e.manifests.find((x) => x.name === name);
    if (!m) throw new Error(`no manifest ${name}`);
    return m;
  }

  /** One reconcile pass (`rollouts apply [NAME...]`). */
  apply(...names: string[]): Promise<EngineRun<RolloutOutcome[]>> {
    return this.run((e) => reconcileAll(e.deps, e.loaded, names));
  }

  /** One pass over one rollout; its outcome. */
  async applyOne(name: string): Promise<EngineRun<RolloutOutcome>> {
    const r = await this.apply(name);
    return { ...r, result: r.result[0]! };
  }

  /** A relayed Alertmanager webhook's alerts (the action's rollouts-alert route). */
  alerts(alerts: AlertmanagerAlert[]): Promise<EngineRun<RolloutOutcome[]>> {
    return this.run((e) => failGatesForAlerts(e.deps, e.manifests, alerts));
  }

  rollback(name: string, to?: string): Promise<EngineRun<RolloutOutcome>> {
    return this.run((e) => emergencyRollback(e.deps, InProcessEngine.manifest(e, name), to));
  }

  drill(name: string): Promise<EngineRun<DrillResult | null>> {
    return this.run((e) => drill(e.deps, InProcessEngine.manifest(e, name)));
  }

  /** `rollouts pause NAME [--reason]` by `actor`. */
  pause(name: string, actor: string, reason?: string): Promise<EngineRun<RolloutOutcome>> {
    return this.run((e) => requestPause(e.deps, InProcessEngine.manifest(e, name), actor, reason));
  }

  /** `rollouts resume NAME` by `actor`. */
  resume(name: string, actor: string): Promise<EngineRun<RolloutOutcome>> {
    return this.run((e) => operatorControl(e.deps, InProcessEngine.manifest(e, name), 'resume', actor));
  }

  async status(name: string): Promise<RolloutStatusView> {
    const r = await this.run((e) => statusOf(e.deps.store, e.manifests, name));
    return r.result[0]!;
  }
}
