// The health gate between phases (DESIGN §3, §4 step 3): opened when a phase's steps are done, the due checks
// sampled each pass, and the rollout moved on by the verdict of the pure gate logic (checks/gate.ts decideGate).
// The contract, in short (the whole of it heads checks/gate.ts): healthy only on evidence: the hold has elapsed,
// every blocking check was sampled afresh in the deciding pass, its latest sample is `pass`, and it has at least
// `minSamples` pass samples in the gate; all-error or all-inconclusive samples hold, and pause past their limits;
// a check is sampled no more often than `every`, except that final look.
import { durationMs, type Manifest, type Phase } from '../manifest/index.js';
import { decideGate } from '../checks/gate.js';
import { foldSamples } from '../checks/gate-tally.js';
import { measureBaseline, sampleCheck } from '../checks/sample.js';
import { needsBaseline } from '../checks/conditions.js';
import type { GateSample, GateState } from '../state/index.js';
import type { Sample, Severity } from '../checks/types.js';
import { checkEnv } from './check-env.js';
import type { OutcomeKind } from './outcome.js';
import type { PassScope } from './scope.js';

/**
 * How many samples of each check state.json keeps in an open gate; older ones are folded into `gate.tally` (the
 * ledger keeps them all), so the file every commit rewrites stays the same size however long the gate holds.
 */
export const GATE_SAMPLES_KEPT = 24;

const byTime = (a: GateSample, b: GateSample) => Date.parse(a.at) - Date.parse(b.at);

/** Appends `samples` to the open gate, folding each check's samples past its last GATE_SAMPLES_KEPT into the tally. */
export function appendSamples(m: Manifest, gs: GateState, samples: readonly GateSample[]): void {
  const all = [...gs.samples, ...samples];
  const gate = m.phases.find((p) => p.name === gs.phase)?.gate;
  const perCheck = new Map<string, GateSample[]>();
  for (const s of all) perCheck.set(s.check, [...(perCheck.get(s.check) ?? []), s]);
  const older = [...perCheck.values()].flatMap((list) => list.sort(byTime).slice(0, -GATE_SAMPLES_KEPT));
  if (!gate || older.length === 0) {
    gs.samples = all;
    return;
  }
  const dropped = new Set(older);
  gs.tally = foldSamples(gate, m.checks, gs.startedAt, older, gs.tally);
  gs.samples = all.filter((s) => !dropped.has(s));
}

/** What sampling a gate did; `reason` says why it failed or paused. */
export interface GateResult {
  outcome: Extract<OutcomeKind, 'sampled' | 'healthy' | 'complete' | 'failed' | 'paused'>;
  reason?: string;
}

async function markHealthy(pass: PassScope, p: Phase): Promise<'healthy' | 'complete'> {
  const { manifest: m } = pass;
  const next = m.phases[m.phases.indexOf(p) + 1]?.name ?? null;
  const status = next === null ? 'complete' : 'healthy';
  await pass.commit(
    (s) => {
      s.status = status;
      s.step = null;
    },
    [pass.entry({ kind: 'transition', phase: p.name, result: { status, next } })],
    `${p.name}: ${status}`,
  );
  const then = next ? `; next: ${next}` : '';
  await pass.announce(status === 'complete' ? 'complete' : 'promotion', `${m.name}: ${p.name} is ${status}${then}`);
  const promotion = next ? `; promotion to ${next} is ${p.promote === 'manual' ? 'manual' : 'next'}` : '';
  pass.info(`${m.name}: ${p.name} is ${status}${promotion}`);
  await pass.deps.events.gateHealthy?.({ manifest: m, phase: p.name, next, state: pass.state });
  return status;
}

/** After a phase's steps: open its gate (measuring baselines), or mark it healthy when it has none. */
export async function openGate(pass: PassScope, p: Phase): Promise<void> {
  const { manifest: m } = pass;
  if (!p.gate) {
    await markHealthy(pass, p);
    return;
  }
  const env = checkEnv(pass, p.name);
  const baseline: Record<string, number> = {};
  for (const name of p.gate.checks) {
    const check = m.checks[name]!;
    if (!needsBaseline(check)) continue;
    const v = await measureBaseline(check, env);
    if (v !== null) baseline[name] = v;
  }
  const now = pass.now();
  const gate: GateState = {
    phase: p.name,
    startedAt: now.toISOString(),
    passesAt: new Date(now.getTime() + durationMs(p.gate.hold)).toISOString(),
    samples: [],
    baseline,
  };
  await pass.commit(
    (s) => {
      s.status = 'holding';
      s.step = null;
      s.gate = gate;
    },
    [
      pass.entry({
        kind: 'gate-open',
        phase: p.name,
        result: { hold: p.gate.hold, every: p.gate.every, checks: p.gate.checks, baseline, passesAt: gate.passesAt },
      }),
    ],
    `${p.name}: gate open`,
  );
  const checks = p.gate.checks.length ? ` (checks: ${p.gate.checks.join(', ')})` : '';
  pass.info(`${m.name}: ${p.name} holding until ${gate.passesAt}${checks}`);
}

/** Checks failed a phase: its gate, or (with `step`) a paged step's `paginate.throttle` between batches. */
export interface ChecksFailure {
  phase: string;
  severity: Severity;
  reason: string;
  failing: Sample[];
  /** The paged step a throttle check stopped; absent for a gate. */
  step?: string;
}

/**
 * The phase fails by its checks and a rollback is requested, whether its gate or a step's throttle decided it: one
 * failure, recorded with its severity (which, with `step`, keeps the next pass from resuming the step: phases.ts
 * stoppedByChecks), announced, and handed to `rollbackRequested` (a revert PR in the action).
 */
export async function failByChecks(pass: PassScope, f: ChecksFailure): Promise<void> {
  const { manifest: m } = pass;
  const { phase, severity, reason, failing, step } = f;
  const what = step ? `throttle of ${phase}/${step}` : `gate of ${phase}`;
  await pass.commit(
    (s) => {
      s.status = 'failed';
      s.failure = { phase, ...(step ? { step } : {}), severity, reason, at: pass.now().toISOString() };
    },
    [
      pass.entry({
        kind: step ? 'throttle-failed' : 'gate-failed',
        phase,
        step,
        result: { severity, reason, failing },
      }),
    ],
    `${phase}: ${step ? `${step} stopped by its throttle` : 'gate failed'}`,
  );
  pass.info(`${m.name}: ✖ ${what} failed (${severity}): ${reason}`);
  await pass.announce('failure', `:x: ${m.name}: ${what} failed (${severity}): ${reason}`);
  await pass.deps.events.rollbackRequested?.({ manifest: m, phase, severity, reason, failing, state: pass.state });
}

/**
 * Takes the due samples of the open gate and moves the rollout on by the verdict. Once the hold has elapsed, the
 * checks not yet sampled in this pass are looked at afresh before the gate can become healthy (the final look, see
 * checks/gate.ts): so a pass samples in at most two rounds, each check at most once.
 */
export async function sampleGate(pass: PassScope): Promise<GateResult> {
  const { manifest: m } = pass;
  const gateState = pass.state.gate!;
  const p = pass.phase(gateState.phase);
  const gate = p.gate!;
  const sampled = new Set<string>();
  const input = () => ({
    gate,
    checks: m.checks,
    samples: pass.state.gate?.samples ?? [],
    tally: pass.state.gate?.tally,
    startedAt: new Date(gateState.startedAt),
    now: pass.now(),
    sampledThisPass: [...sampled],
  });
  let verdict = decideGate(input());
  while (verdict.state === 'holding') {
    const due = verdict.due.filter((name) => !sampled.has(name));
    if (!due.length) break;
    const env = checkEnv(pass, p.name);
    const samples = await Promise.all(
      due.map((name) => sampleCheck(name, m.checks[name]!, env, gateState.baseline?.[name] ?? null)),
    );
    for (const name of due) sampled.add(name);
    await pass.commit(
      (s) => {
        if (s.gate) appendSamples(m, s.gate, samples);
      },
      samples.map((sample) => pass.entry({ kind: 'sample', phase: p.name, result: sample })),
      `${p.name}: ${samples.length} gate sample${samples.length === 1 ? '' : 's'}`,
    );
    for (const s of samples) {
      const value = s.value !== null ? ` (value ${s.value})` : '';
      const why = s.reason || s.error ? ` — ${s.reason ?? s.error}` : '';
      pass.info(`  ${p.name} ${s.check}: ${s.outcome}${value}${why}`);
    }
    verdict = decideGate(input());
  }
  if (verdict.state === 'holding' && verdict.waiting?.length)
    pass.info(`${m.name}: ${p.name} hold elapsed; no evidence yet: ${verdict.waiting.join('; ')}`);
  switch (verdict.state) {
    case 'holding':
      return { outcome: 'sampled' };
    case 'healthy':
      return { outcome: await markHealthy(pass, p) };
    case 'failed': {
      const { severity, reason, failing } = verdict;
      await failByChecks(pass, { phase: p.name, severity, reason, failing });
      return { outcome: 'failed', reason };
    }
    case 'paused': {
      const { reason, failing } = verdict;
      await pass.commit(
        (s) => {
          s.status = 'paused';
          s.failure = { phase: p.name, severity: 'medium', reason, at: pass.now().toISOString() };
        },
        [pass.entry({ kind: 'gate-paused', phase: p.name, result: { reason, failing } })],
        `${p.name}: gate paused`,
      );
      pass.info(`${m.name}: ⏸ gate of ${p.name} paused: ${reason}`);
      await pass.deps.events.paused?.({ manifest: m, phase: p.name, reason, state: pass.state });
      return { outcome: 'paused', reason };
    }
  }
}
