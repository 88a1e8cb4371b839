// What every transition of a pass works with: the engine's deps, the session holding the rollout's lease, the run
// context (allowed env, masker, dry run) and the manifest. RolloutPass (pass.ts) is this plus the transitions.
import type { Manifest, Phase, Step } from '../manifest/index.js';
import type { CohortState, LedgerEntry, RolloutState } from '../state/index.js';
import { checkEnv } from './check-env.js';
import type { RunContext, StepKind } from './context.js';
import type { EngineDeps } from './deps.js';
import { announce, type NotifyEvent } from './notify.js';
import type { EntryInput, RolloutSession } from './session.js';
import { runSteps } from './steps.js';

/** A phase's position in the manifest; `none` (and a name it does not have) is -1. */
export function phaseIndex(m: Manifest, name: string): number {
  return name === 'none' ? -1 : m.phases.findIndex((p) => p.name === name);
}

export function generationOf(s: RolloutState, phase: string): number {
  return s.generation?.[phase] ?? 0;
}

export class PassScope {
  constructor(
    readonly deps: EngineDeps,
    readonly session: RolloutSession,
    readonly rc: RunContext,
    readonly manifest: Manifest,
  ) {}

  /** The state as last committed. */
  get state(): RolloutState {
    return this.session.state;
  }

  now(): Date {
    return this.session.now();
  }

  entry(input: EntryInput): LedgerEntry {
    return this.session.entry(input);
  }

  commit(
    mutate: ((s: RolloutState) => void) | null,
    ledger: readonly LedgerEntry[],
    message: string,
  ): Promise<RolloutState> {
    return this.session.commit(mutate, ledger, message);
  }

  info(line: string): void {
    this.deps.reporter.info(line);
  }

  announce(event: NotifyEvent, text: string): Promise<void> {
    return announce(this.deps, this.rc, this.manifest, event, text);
  }

  /** The phase named `name`; the state was checked against the manifest when the pass opened. */
  phase(name: string): Phase {
    const p = this.manifest.phases[phaseIndex(this.manifest, name)];
    if (!p) throw new Error(`${this.manifest.name}: no phase ${name}`);
    return p;
  }

  /** How many times `phase` was entered (part of every batch key). */
  generation(phase: string): number {
    return generationOf(this.state, phase);
  }

  /** Runs `steps` of `phase`, resuming from their checkpoints. */
  runSteps(phase: string, kind: StepKind, cohort: CohortState | null, steps: Step[]): Promise<void> {
    const { reporter, checkpoints } = this.deps;
    const run = { session: this.session, rc: this.rc, reporter, checkpoints, phase, kind, cohort };
    return runSteps({ ...run, generation: this.generation(phase), checkEnv: () => checkEnv(this, phase) }, steps);
  }
}
