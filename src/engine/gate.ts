// The health gate between phases (DESIGN §3, §4 step 3): opened when a phase's steps are done, one sample per due
// check per pass, decided by the pure gate logic in checks/. Also the `verify:` checks after a rollback.
import { durationMs, renderText, type Manifest, type Phase } from '../manifest/index.js';
import { decideGate as gateVerdict } from '../checks/gate.js';
import { measureBaseline, sampleCheck } from '../checks/sample.js';
import { needsBaseline } from '../checks/conditions.js';
import type { CheckEnv, DrillRecord, Sample } from '../checks/types.js';
import type { GateState } from '../state/index.js';
import { templateContext, type RunContext } from './context.js';
import { phaseIndex } from './phases.js';
import { announce } from './notify.js';
import type { EngineDeps } from './deps.js';
import type { OutcomeKind } from './reconcile.js';
import type { RolloutSession } from './session.js';

/** The Prometheus a check without `url` asks: another check's url in the same manifest, else $PROMETHEUS_URL. */
function defaultPrometheus(m: Manifest, vars: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  for (const c of Object.values(m.checks)) {
    const url = c.prometheus?.url ?? c.alerts?.url ?? c.judge?.prometheus.url;
    if (url) {
      try {
        return renderText(url, vars);
      } catch {
        continue;
      }
    }
  }
  return env.PROMETHEUS_URL;
}

export function checkEnv(
  deps: EngineDeps,
  session: RolloutSession,
  rc: RunContext,
  m: Manifest,
  phase: string,
): CheckEnv {
  const vars = templateContext(rc, phase, session.state.cohorts?.[phase] ?? null);
  return {
    vars,
    env: rc.env,
    prometheusUrl: defaultPrometheus(m, vars, deps.env),
    drills: () => drillRecords(deps, m.name),
    now: () => session.now(),
    signal: rc.signal ?? new AbortController().signal,
    cwd: rc.cwd,
  };
}

export async function drillRecords(deps: EngineDeps, name: string): Promise<DrillRecord[]> {
  const out: DrillRecord[] = [];
  for await (const e of deps.store.readLedger(name, { fetch: false })) {
    if (e.kind !== 'drill') continue;
    const r = e.result as { rtoMs?: number; ok?: boolean } | undefined;
    if (typeof r?.rtoMs === 'number') out.push({ time: e.time, rtoMs: r.rtoMs, ok: r.ok !== false });
  }
  return out;
}

function nextPhase(m: Manifest, p: Phase): string | null {
  return m.phases[phaseIndex(m, p.name) + 1]?.name ?? null;
}

async function markHealthy(
  deps: EngineDeps,
  session: RolloutSession,
  rc: RunContext,
  m: Manifest,
  p: Phase,
): Promise<OutcomeKind> {
  const next = nextPhase(m, p);
  const status = next === null ? 'complete' : 'healthy';
  await session.commit(
    (s) => {
      s.status = status;
      s.step = null;
    },
    [session.entry({ kind: 'transition', phase: p.name, result: { status, next } })],
    `${p.name}: ${status}`,
  );
  await announce(
    deps,
    rc,
    m,
    status === 'complete' ? 'complete' : 'promotion',
    `${m.name}: ${p.name} is ${status}${next ? `; next: ${next}` : ''}`,
  );
  deps.reporter.info(
    `${m.name}: ${p.name} is ${status}${next ? `; promotion to ${next} is ${p.promote === 'manual' ? 'manual' : 'next'}` : ''}`,
  );
  await deps.events.gateHealthy?.({ manifest: m, phase: p.name, next, state: session.state });
  return status;
}

/** After a phase's steps: open its gate (measuring baselines), or mark it healthy when it has none. */
export async function openGate(
  deps: EngineDeps,
  session: RolloutSession,
  rc: RunContext,
  m: Manifest,
  p: Phase,
): Promise<void> {
  await deps.events.phaseApplied?.({ manifest: m, phase: p.name, state: session.state });
  if (!p.gate) {
    await markHealthy(deps, session, rc, m, p);
    return;
  }
  const env = checkEnv(deps, session, rc, m, p.name);
  const baseline: Record<string, number> = {};
  for (const name of p.gate.checks) {
    const check = m.checks[name]!;
    if (!needsBaseline(check)) continue;
    const v = await measureBaseline(check, env);
    if (v !== null) baseline[name] = v;
  }
  const now = session.now();
  const gate: GateState = {
    phase: p.name,
    startedAt: now.toISOString(),
    passesAt: new Date(now.getTime() + durationMs(p.gate.hold)).toISOString(),
    samples: [],
    baseline,
  };
  await session.commit(
    (s) => {
      s.status = 'holding';
      s.step = null;
      s.gate = gate;
    },
    [
      session.entry({
        kind: 'gate-open',
        phase: p.name,
        result: { hold: p.gate.hold, every: p.gate.every, checks: p.gate.checks, baseline, passesAt: gate.passesAt },
      }),
    ],
    `${p.name}: gate open`,
  );
  deps.reporter.info(
    `${m.name}: ${p.name} holding until ${gate.passesAt}${p.gate.checks.length ? ` (checks: ${p.gate.checks.join(', ')})` : ''}`,
  );
}

/** Takes the due samples of the open gate and moves the rollout on by the verdict. */
export async function sampleGate(
  deps: EngineDeps,
  session: RolloutSession,
  rc: RunContext,
  m: Manifest,
): Promise<OutcomeKind> {
  const gateState = session.state.gate!;
  const p = m.phases[phaseIndex(m, gateState.phase)]!;
  const gate = p.gate!;
  const input = () => ({
    gate,
    checks: m.checks,
    samples: (session.state.gate?.samples ?? []) as Sample[],
    startedAt: new Date(gateState.startedAt),
    now: session.now(),
  });
  const before = gateVerdict(input());
  if (before.state === 'holding' && before.due.length) {
    const env = checkEnv(deps, session, rc, m, p.name);
    const samples = await Promise.all(
      before.due.map((name) => sampleCheck(name, m.checks[name]!, env, gateState.baseline?.[name] ?? null)),
    );
    await session.commit(
      (s) => {
        if (s.gate) s.gate.samples = [...s.gate.samples, ...samples];
      },
      samples.map((sample) => session.entry({ kind: 'sample', phase: p.name, result: sample })),
      `${p.name}: ${samples.length} gate sample${samples.length === 1 ? '' : 's'}`,
    );
    for (const s of samples)
      deps.reporter.info(
        `  ${p.name} ${s.check}: ${s.outcome}${s.value !== null ? ` (value ${s.value})` : ''}${s.reason || s.error ? ` — ${s.reason ?? s.error}` : ''}`,
      );
  }
  const verdict = gateVerdict(input());
  switch (verdict.state) {
    case 'holding':
      return 'sampled';
    case 'healthy':
      return (await markHealthy(deps, session, rc, m, p)) === 'complete' ? 'complete' : 'healthy';
    case 'failed':
      await session.commit(
        (s) => {
          s.status = 'failed';
          s.failure = {
            phase: p.name,
            severity: verdict.severity,
            reason: verdict.reason,
            at: session.now().toISOString(),
          };
        },
        [
          session.entry({
            kind: 'gate-failed',
            phase: p.name,
            result: { severity: verdict.severity, reason: verdict.reason, failing: verdict.failing },
          }),
        ],
        `${p.name}: gate failed`,
      );
      deps.reporter.info(`${m.name}: ✖ gate of ${p.name} failed (${verdict.severity}): ${verdict.reason}`);
      await announce(
        deps,
        rc,
        m,
        'failure',
        `:x: ${m.name}: gate of ${p.name} failed (${verdict.severity}): ${verdict.reason}`,
      );
      await deps.events.rollbackRequested?.({
        manifest: m,
        phase: p.name,
        severity: verdict.severity,
        reason: verdict.reason,
        failing: verdict.failing,
        state: session.state,
      });
      return 'failed';
    case 'paused':
      await session.commit(
        (s) => {
          s.status = 'paused';
          s.failure = { phase: p.name, severity: 'medium', reason: verdict.reason, at: session.now().toISOString() };
        },
        [
          session.entry({
            kind: 'gate-paused',
            phase: p.name,
            result: { reason: verdict.reason, failing: verdict.failing },
          }),
        ],
        `${p.name}: gate paused`,
      );
      deps.reporter.info(`${m.name}: ⏸ gate of ${p.name} paused: ${verdict.reason}`);
      await deps.events.paused?.({ manifest: m, phase: p.name, reason: verdict.reason, state: session.state });
      return 'paused';
  }
}

/** `verify:` after a rollback: each check must pass. */
export async function runVerify(
  deps: EngineDeps,
  session: RolloutSession,
  rc: RunContext,
  m: Manifest,
): Promise<boolean> {
  const env = checkEnv(deps, session, rc, m, session.state.applied);
  const samples: Sample[] = [];
  for (const v of m.verify) samples.push(await sampleCheck(v.name, v, env, null));
  const failing = samples.filter((s) => s.outcome !== 'pass');
  const ok = failing.length === 0;
  await session.commit(
    (s) => {
      s.status = ok ? 'rolled-back' : 'failed';
      s.step = null;
      s.rollbackTo = null;
      s.failure = ok
        ? null
        : {
            phase: s.applied,
            reason: `verify failed: ${failing.map((f) => `${f.check} ${f.outcome}`).join(', ')}`,
            at: session.now().toISOString(),
          };
    },
    [
      ...samples.map((sample) => session.entry({ kind: 'verify', result: sample })),
      session.entry({
        kind: 'transition',
        result: { status: ok ? 'rolled-back' : 'failed', applied: session.state.applied },
      }),
    ],
    ok ? 'rolled back and verified' : 'verify failed',
  );
  for (const s of samples)
    deps.reporter.info(`  verify ${s.check}: ${s.outcome}${s.reason || s.error ? ` — ${s.reason ?? s.error}` : ''}`);
  await announce(
    deps,
    rc,
    m,
    'rollback-done',
    ok
      ? `:white_check_mark: ${m.name}: rolled back to ${session.state.applied}; verify passed`
      : `:x: ${m.name}: rolled back to ${session.state.applied}; verify FAILED: ${failing.map((f) => f.check).join(', ')}`,
  );
  await deps.events.rollbackDone?.({ manifest: m, applied: session.state.applied, ok, state: session.state });
  return ok;
}
