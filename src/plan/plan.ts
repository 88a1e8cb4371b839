// What a change of manifests would do: desired before and after vs applied -> a Plan. Pure.
import { stepDriver, type Manifest, type Phase, type Step } from '../manifest/index.js';
import { fieldChanges, type FieldChange } from './diff.js';

export type Direction = 'forward' | 'backward' | 'none';

export interface PlannedStep {
  name: string;
  driver: string;
  readOnly: boolean;
  paginated: boolean;
}

export interface PlannedAction {
  kind: 'apply' | 'rollback' | 'verify';
  phase: string | null;
  steps: PlannedStep[];
  cohort?: string;
  gate?: string;
}

export interface RolloutPlan {
  name: string;
  file: string;
  change: 'added' | 'modified' | 'removed' | 'unchanged';
  desired: { before: string; after: string };
  /** The applied phase from the state, when known. */
  applied: string | null;
  direction: Direction;
  actions: PlannedAction[];
  fieldChanges: FieldChange[];
  /** Reasons the change must not merge (they fail the PR check). */
  errors: string[];
  /** Set where the applied phase is not the one the base desires: what disagrees, and what to do or what happens. */
  drift?: string;
}

export function phaseIndex(m: Manifest, phase: string): number {
  return phase === 'none' ? -1 : m.phases.findIndex((p) => p.name === phase);
}

function plannedSteps(steps: Step[]): PlannedStep[] {
  return steps.map((s) => ({ name: s.name, driver: stepDriver(s), readOnly: s.readOnly, paginated: !!s.paginate }));
}

export function describeCohort(p: Phase): string {
  const c = p.cohort;
  if (!c) return 'everyone';
  if (c.ids) {
    const listed = `${c.ids.slice(0, 5).join(', ')}${c.ids.length > 5 ? ', …' : ''}`;
    return `${c.ids.length} id${c.ids.length === 1 ? '' : 's'} (${listed})`;
  }
  return `${c.percent}% of the ids listed by \`${c.from?.name}\` (salt ${c.salt ?? 'the rollout name'})`;
}

export function describeGate(p: Phase): string {
  const g = p.gate;
  if (!g) return 'none: healthy once the steps are done';
  const checks = g.checks.length ? `checks ${g.checks.join(', ')} every ${g.every}` : 'no checks';
  return `hold ${g.hold}, ${checks}, failureLimit ${g.failureLimit}`;
}

export function rollbackSteps(m: Manifest, p: Phase): Step[] {
  return p.rollback ?? m.rollback;
}

/** The actions that move a rollout from phase `from` to the desired phase of `m`. */
function actionsBetween(m: Manifest, from: string): { direction: Direction; actions: PlannedAction[] } {
  const a = phaseIndex(m, from);
  const d = phaseIndex(m, m.phase);
  if (d > a) {
    const actions = m.phases.slice(a + 1, d + 1).map((p) => ({
      kind: 'apply' as const,
      phase: p.name,
      steps: plannedSteps(p.steps),
      cohort: describeCohort(p),
      gate: describeGate(p),
    }));
    return { direction: 'forward', actions };
  }
  if (d < a) {
    const actions: PlannedAction[] = m.phases
      .slice(d + 1, a + 1)
      .reverse()
      .map((p) => ({
        kind: 'rollback',
        phase: p.name,
        steps: plannedSteps(rollbackSteps(m, p)),
        cohort: describeCohort(p),
      }));
    if (m.verify.length)
      actions.push({
        kind: 'verify',
        phase: null,
        steps: m.verify.map((v) => ({ name: v.name, driver: 'check', readOnly: true, paginated: false })),
      });
    return { direction: 'backward', actions };
  }
  return { direction: 'none', actions: [] };
}

export interface PlanInput {
  file: string;
  before: Manifest | null;
  after: Manifest | null;
  applied?: string | null;
}

export function planRollout({ file, before, after, applied = null }: PlanInput): RolloutPlan {
  const name = after?.name ?? before?.name ?? file;
  const desiredBefore = before?.phase ?? 'none';
  const desiredAfter = after?.phase ?? 'none';
  const change = !before ? 'added' : !after ? 'removed' : 'modified';
  const errors: string[] = [];
  // Without the state, the phase desired at the base is taken as applied.
  const from = applied ?? desiredBefore;
  if (!after) {
    if (from !== 'none')
      errors.push(
        `removing the manifest rolls nothing back: phase \`${from}\` is applied; set \`phase: none\` first and merge that`,
      );
    return {
      name,
      file,
      change,
      desired: { before: desiredBefore, after: 'none' },
      applied,
      direction: 'none',
      actions: [],
      fieldChanges: [],
      errors,
    };
  }
  if (from !== 'none' && phaseIndex(after, from) < 0) {
    errors.push(
      `phase \`${from}\` is applied but is no longer in the manifest: roll back below it before renaming or removing it`,
    );
    return {
      name,
      file,
      change,
      desired: { before: desiredBefore, after: desiredAfter },
      applied,
      direction: 'none',
      actions: [],
      fieldChanges: fieldChanges(before, after),
      errors,
    };
  }
  const { direction, actions } = actionsBetween(after, from);
  const applies = actions.filter((a) => a.kind === 'apply');
  if (applies.length > 1)
    errors.push(
      `\`phase\` moves ${applies.length} phases past \`${from}\`; move one phase at a time (next: \`${applies[0]!.phase}\`)`,
    );
  const diff = fieldChanges(before, after);
  const plan: RolloutPlan = {
    name,
    file,
    change: diff.length === 0 && change === 'modified' ? 'unchanged' : change,
    desired: { before: desiredBefore, after: desiredAfter },
    applied,
    direction,
    actions,
    fieldChanges: diff,
    errors,
  };
  // A reviewer reads "before -> after" as the move; when the state is elsewhere, the move starts from the state.
  if (before && applied !== null && applied !== desiredBefore)
    plan.drift =
      `the state has \`${applied}\` applied while the base says \`${desiredBefore}\` ` +
      `(a pass not run yet, or an emergency rollback): this change moves from \`${applied}\``;
  return plan;
}
