// Health gates against a REAL Prometheus (Debian's `prometheus`) scraping the example target every second: a gate that
// passes, one that fails within every x (failureLimit + 1) of the fault switch, a baseline check, the `alerts` kind
// against a real rule, and the `judge` kind over real range queries. The CLI runs in-process (runCli) in temp repos.
//
// The tests share one target and one Prometheus and run in file order, which keeps the file near 45 s: the judge's
// passing window must not contain the `errors` fault, so it runs before the error tests; each test still waits for the
// state it needs (TargetFaults.cleanFor, waitForCleanErrors) instead of relying on the order.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { spawnTarget, type SpawnedTarget } from '../../examples/target/spawn.js';
import type { FaultMode } from '../../examples/target/faults.js';
import { runCli } from '../../src/cli/program.js';
import { dueSlackMs } from '../../src/checks/gate.js';
import type { Sample } from '../../src/checks/types.js';
import type { JudgeResult } from '../../src/checks/judge.js';
import type { RolloutStatusView } from '../../src/engine/status.js';
import { isolateGitConfig, TempDirs, TempRepo } from '../helpers/git-repo.js';
import { findPrometheus, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';

const PROMETHEUS = findPrometheus();
const SKIP_REASON = "no `prometheus` binary on PATH (or $PROMETHEUS_BIN): install Debian's prometheus (.ci/run does)";
// Skipped on a laptop without it; in CI (.ci/run installs it) a missing binary is a failure, not a silent skip.
if (!PROMETHEUS && process.env.CI) throw new Error(`CI needs a real Prometheus: ${SKIP_REASON}`);
if (!PROMETHEUS) console.warn(`test/e2e/prometheus-gate.test.ts skipped: ${SKIP_REASON}`);

/** The share of canary requests that failed over the last `window` (0.01 healthy, >= 0.068 a scrape into the fault). */
const errorRatio = (cohort: 'control' | 'canary', window = '5s') =>
  `sum(rate(target_app_errors_total{cohort="${cohort}"}[${window}])) / sum(rate(target_app_requests_total{cohort="${cohort}"}[${window}]))`;
const latencyQuantile = (q: number, cohort: 'control' | 'canary') =>
  `histogram_quantile(${q}, sum by (le) (rate(target_app_latency_seconds_bucket{cohort="${cohort}"}[3s])))`;
const CANARY_ERRORS = errorRatio('canary');

const ALERT_RULES = stringify({
  groups: [
    {
      name: 'target',
      rules: [
        { alert: 'TargetCanaryErrors', expr: `${CANARY_ERRORS} > 0.05`, for: '0s', labels: { severity: 'critical' } },
      ],
    },
  ],
});

const EVERY_MS = 1_000;
/** The judge's look-back: its queries' 3 s rate windows make 9 independent points of it (the step is raised to 3 s). */
const JUDGE_RANGE_MS = 24_000;

/** A rollout with phases canary and full (no steps), desired `canary`. Checks without `url:` use $PROMETHEUS_URL. */
function rolloutYaml(
  name: string,
  checks: Record<string, unknown>,
  gates: { canary: unknown; full?: unknown },
): string {
  return stringify({
    apiVersion: 'rollouts/v1',
    kind: 'Rollout',
    name,
    phase: 'canary',
    env: ['PROMETHEUS_URL'],
    checks,
    phases: [
      { name: 'canary', gate: gates.canary },
      { name: 'full', ...(gates.full ? { gate: gates.full } : {}) },
    ],
  });
}

/** The `errors` / `latency` fault of the target, remembering when the last one was cleared. */
class TargetFaults {
  private mode: FaultMode = 'none';
  private clearedAt = 0;

  constructor(private readonly targetUrl: string) {}

  /** Sets the fault; returns Date.now() once the target has it. */
  async set(mode: FaultMode): Promise<number> {
    const res = await fetch(`${this.targetUrl}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode }),
    });
    if (!res.ok) throw new Error(`POST /faults ${mode}: HTTP ${res.status}`);
    await res.arrayBuffer();
    const at = Date.now();
    if (mode === 'none' && this.mode !== 'none') this.clearedAt = at;
    this.mode = mode;
    return at;
  }

  /** Clears any fault, then waits until no fault has been on for `ms` (range queries looking back that far are clean). */
  async cleanFor(ms: number): Promise<void> {
    await this.set('none');
    const wait = this.clearedAt + ms - Date.now();
    if (wait > 0) await sleep(wait);
  }
}

interface CliRun {
  code: number;
  out: string;
  err: string;
}

describe.skipIf(!PROMETHEUS)(
  `gates against a real Prometheus scraping the example target${PROMETHEUS ? '' : ` (skipped: ${SKIP_REASON})`}`,
  () => {
    const dirs = new TempDirs();
    let target: SpawnedTarget;
    let prom: RunningPrometheus;
    let faults: TargetFaults;

    beforeAll(async () => {
      await isolateGitConfig();
      target = await spawnTarget({ dbPath: `${await dirs.make('target')}/target.db`, orgs: 20, fault: 'none' });
      faults = new TargetFaults(target.url);
      prom = await startPrometheus(PROMETHEUS!, dirs, { targets: [new URL(target.url).host], rules: ALERT_RULES });
      await prom.until('a canary error ratio', async () =>
        (await prom.value(CANARY_ERRORS)) === null ? undefined : true,
      );
    });

    afterAll(async () => {
      await prom?.stop();
      await target?.stop();
      await dirs.cleanup();
    });

    async function cli(repo: TempRepo, ...argv: string[]): Promise<CliRun> {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        isTTY: false,
        cwd: repo.dir,
        env: { ...process.env, PROMETHEUS_URL: prom.url },
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    }

    async function status(repo: TempRepo, name: string): Promise<RolloutStatusView> {
      const run = await cli(repo, 'status', name, '--json');
      expect(run.code, run.err).toBe(0);
      return (JSON.parse(run.out) as { rollouts: RolloutStatusView[] }).rollouts[0]!;
    }

    /**
     * `rollouts apply NAME` passes every `every` (the scheduled workflow, sped up), but never before the next sample is
     * due, so each pass takes one sample; until `done(status)` or `maxPasses`. `beforePass(status)` runs before each pass but the first,
     * e.g. to switch a fault after some passing samples.
     */
    async function applyEvery(
      repo: TempRepo,
      name: string,
      done: (v: RolloutStatusView) => boolean,
      opts: { maxPasses?: number; beforePass?: (v: RolloutStatusView) => Promise<void> } = {},
    ): Promise<RolloutStatusView> {
      const maxPasses = opts.maxPasses ?? 20;
      let view: RolloutStatusView | undefined;
      let started = 0;
      for (let n = 0; n < maxPasses; n++) {
        const last = view?.gate?.samples.at(-1) as Sample | undefined;
        const due = last ? Date.parse(last.at) + EVERY_MS - dueSlackMs(EVERY_MS) : 0;
        const wait = Math.max(started + EVERY_MS, due) - Date.now();
        if (wait > 0) await sleep(wait);
        if (view) await opts.beforePass?.(view);
        started = Date.now();
        const run = await cli(repo, 'apply', name, '--json');
        expect([0, 1], run.err).toContain(run.code);
        view = await status(repo, name);
        if (done(view)) return view;
      }
      throw new Error(`${name} still ${view?.status} after ${maxPasses} passes`);
    }

    async function samplesOf(repo: TempRepo, name: string): Promise<Sample[]> {
      return (await repo.ledger(name)).filter((e) => e.kind === 'sample').map((e) => e.result as Sample);
    }

    async function waitForCleanErrors(): Promise<void> {
      await faults.set('none');
      await prom.until('the canary error ratio back at 1 %', async () => {
        const v = await prom.value(CANARY_ERRORS);
        return v !== null && v < 0.0101 ? v : undefined;
      });
      await prom.until('no firing TargetCanaryErrors alert', async () => {
        const { alerts } = await prom.api<{ alerts: { state: string }[] }>('alerts');
        return alerts.length === 0 ? true : undefined;
      });
    }

    const errorsCheck = { prometheus: { query: CANARY_ERRORS }, fail: 'value > 0.05', severity: 'critical' };

    it('a prometheus check on the canary error ratio passes every sample and the gate turns healthy after its hold', async () => {
      await waitForCleanErrors();
      const repo = await TempRepo.create(dirs, {
        'errors-pass': rolloutYaml(
          'errors-pass',
          { 'canary-errors': errorsCheck },
          { canary: { hold: '3s', every: '1s', checks: ['canary-errors'] } },
        ),
      });
      const view = await applyEvery(repo, 'errors-pass', (v) => v.status !== 'holding');

      expect(view.status).toBe('healthy');
      expect(view.applied).toBe('canary');
      const samples = await samplesOf(repo, 'errors-pass');
      // The count within a 3 s hold depends on the machine's speed: the first look and the fresh one after the hold.
      expect(samples.length).toBeGreaterThanOrEqual(2);
      expect(Date.parse(samples.at(-1)!.at)).toBeGreaterThanOrEqual(Date.parse(view.gate!.passesAt) - 1000);
      for (const s of samples) {
        expect(s.outcome).toBe('pass');
        expect(s.value).toBeCloseTo(0.01, 6);
      }
      expect(view.gate?.samples).toHaveLength(samples.length);
    });

    it('the judge passes control vs canary latency without a fault and fails it (canary High) under the latency fault', async () => {
      const window = JUDGE_RANGE_MS + 3_000;
      await faults.cleanFor(window);
      // The whole look-back must hold data, or the thinned series are too short to judge (NoData).
      const points = `count_over_time((${latencyQuantile(0.5, 'canary')})[${JUDGE_RANGE_MS / 1000}s:1s])`;
      await prom.until(
        'a full range of canary latency',
        async () => ((await prom.value(points)) ?? 0) >= JUDGE_RANGE_MS / 1000 || undefined,
        JUDGE_RANGE_MS + 30_000,
      );
      // DESIGN's shape with the defaults: a configured step shorter than the 3 s rate windows, which the judge raises to
      // 3 s so that no two points share a scrape; no effectSize, so the default minimum effect (10 %) applies.
      const judge = {
        judge: {
          range: `${JUDGE_RANGE_MS / 1000}s`,
          step: '1s',
          metrics: [
            ...[0.5, 0.95].map((q) => ({
              name: `latency-p${q * 100}`,
              control: latencyQuantile(q, 'control'),
              canary: latencyQuantile(q, 'canary'),
              direction: 'increase',
            })),
            {
              name: 'error-ratio',
              control: errorRatio('control', '3s'),
              canary: errorRatio('canary', '3s'),
              direction: 'increase',
            },
          ],
        },
        severity: 'high',
      };
      const repo = await TempRepo.create(dirs, {
        judged: rolloutYaml(
          'judged',
          { 'canary-judge': judge },
          {
            canary: { hold: '1s', every: '1s', checks: ['canary-judge'] },
            full: { hold: '1h', every: '1s', checks: ['canary-judge'] },
          },
        ),
      });

      const healthy = await applyEvery(repo, 'judged', (v) => v.status !== 'holding');
      expect(healthy.status).toBe('healthy');
      const passing = (await samplesOf(repo, 'judged')).at(-1)!;
      const passed = passing.detail as JudgeResult;
      printJudge('no fault', passing);
      expect(passing.outcome).toBe('pass');
      expect(passed.verdict).toBe('pass');
      expect(passed.metrics.map((m) => m.classification)).toEqual(['Pass', 'Pass', 'Pass']);
      for (const m of passed.metrics) {
        expect(m).toMatchObject({ window: 3, step: 3, thinnedFrom: 1 });
        expect(m.controlCount).toBeGreaterThanOrEqual(JUDGE_RANGE_MS / 3000 - 1);
      }

      await faults.set('latency');
      await prom.until('canary p50 latency shifted', async () => {
        const v = await prom.value(latencyQuantile(0.5, 'canary'));
        return v !== null && v > 0.3 ? v : undefined;
      });
      await sleep(JUDGE_RANGE_MS); // the whole look-back window now holds the fault
      await repo.setPhase('judged', 'full');
      const failed = await applyEvery(repo, 'judged', (v) => v.applied === 'full' && v.status !== 'holding', {
        maxPasses: 3,
      });
      await faults.set('none');

      expect(failed.status).toBe('failed');
      const failing = (await samplesOf(repo, 'judged')).at(-1)!;
      const judged = failing.detail as JudgeResult;
      printJudge('latency fault', failing);
      expect(failing.outcome).toBe('fail');
      expect(judged.verdict).toBe('fail');
      expect(Object.fromEntries(judged.metrics.map((m) => [m.name, m.classification]))).toEqual({
        'latency-p50': 'High',
        'latency-p95': 'High',
        'error-ratio': 'Pass',
      });
    });

    it('a baseline check measures the canary error ratio when the gate opens, shows it in status, and compares each sample with it', async () => {
      await waitForCleanErrors();
      const check = {
        prometheus: { url: '{{ env.PROMETHEUS_URL }}', query: CANARY_ERRORS },
        fail: 'value > 2.0 * baseline',
        severity: 'high',
      };
      const repo = await TempRepo.create(dirs, {
        baselined: rolloutYaml(
          'baselined',
          { 'errors-vs-baseline': check },
          { canary: { hold: '2s', every: '1s', checks: ['errors-vs-baseline'] } },
        ),
      });

      const run = await cli(repo, 'apply', 'baselined', '--json');
      expect(run.code, run.err).toBe(0);
      const holding = await status(repo, 'baselined');
      expect(holding.status).toBe('holding');
      expect(holding.gate?.baseline?.['errors-vs-baseline']).toBeCloseTo(0.01, 6);
      const opened = (await repo.ledger('baselined')).find((e) => e.kind === 'gate-open');
      expect((opened?.result as { baseline: Record<string, number> }).baseline['errors-vs-baseline']).toBeCloseTo(
        0.01,
        6,
      );

      // Without a baseline the condition could not be tested: the samples would be inconclusive and the gate would pause.
      const view = await applyEvery(repo, 'baselined', (v) => v.status !== 'holding');
      expect(view.status).toBe('healthy');
      expect(view.gate?.baseline).toEqual(holding.gate?.baseline);
      const samples = await samplesOf(repo, 'baselined');
      expect(samples.map((s) => s.outcome)).toEqual(samples.map(() => 'pass'));
    });

    it('after the errors fault the gate fails on exactly failureLimit + 1 failing samples, counted from the first that saw it', async () => {
      await waitForCleanErrors();
      const failureLimit = 1;
      const repo = await TempRepo.create(dirs, {
        'errors-fail': rolloutYaml(
          'errors-fail',
          { 'canary-errors': errorsCheck },
          { canary: { hold: '1h', every: '1s', failureLimit, checks: ['canary-errors'] } },
        ),
      });
      const passingBefore = 3;
      let switchedAt = 0;
      const view = await applyEvery(repo, 'errors-fail', (v) => v.status !== 'holding', {
        beforePass: async (v) => {
          if (!switchedAt && (v.gate?.samples.length ?? 0) >= passingBefore) switchedAt = await faults.set('errors');
        },
      });

      expect(view.status).toBe('failed');
      expect(view.failure).toMatchObject({ phase: 'canary', severity: 'critical' });
      const ledger = await repo.ledger('errors-fail');
      const samples = ledger.filter((e) => e.kind === 'sample').map((e) => e.result as Sample);
      const firstFail = samples.findIndex((s) => s.outcome === 'fail');
      expect(firstFail).toBeGreaterThanOrEqual(passingBefore);
      expect(samples.slice(0, firstFail).every((s) => s.outcome === 'pass')).toBe(true);
      expect(Date.parse(samples[firstFail]!.at)).toBeGreaterThanOrEqual(switchedAt);
      // The gate failed on the (failureLimit + 1)-th failing sample, not one later: no sample was taken after it.
      expect(samples.slice(firstFail).map((s) => s.outcome)).toEqual(Array(failureLimit + 1).fill('fail'));
      expect(String((view.failure as { reason: string }).reason)).toContain(
        `failed ${failureLimit + 1} samples (failureLimit ${failureLimit})`,
      );

      const failedAt = Date.parse(ledger.find((e) => e.kind === 'gate-failed')!.time);
      const afterSwitch = samples.filter((s) => Date.parse(s.at) >= switchedAt);
      console.log(
        `[prometheus-gate] errors fault -> gate failed: ${failedAt - switchedAt} ms wall (every ${EVERY_MS} ms, failureLimit ${failureLimit}, ` +
          `bound ${EVERY_MS * (failureLimit + 1)} ms after the metric turns); samples after the switch: ` +
          afterSwitch.map((s) => `${s.outcome} ${s.value?.toFixed(3)} @+${Date.parse(s.at) - switchedAt}ms`).join(', '),
      );
      await faults.set('none');
    });

    it('an alerts check passes while no alert fires and fails once the TargetCanaryErrors rule fires under the errors fault', async () => {
      await waitForCleanErrors();
      const check = { alerts: { labels: { severity: 'critical' } }, severity: 'critical' };
      const repo = await TempRepo.create(dirs, {
        alerted: rolloutYaml(
          'alerted',
          { 'critical-alerts': check },
          { canary: { hold: '1h', every: '1s', checks: ['critical-alerts'] } },
        ),
      });

      const first = await cli(repo, 'apply', 'alerted', '--json');
      expect(first.code, first.err).toBe(0);
      expect((await samplesOf(repo, 'alerted')).map((s) => [s.outcome, s.value])).toEqual([['pass', 0]]);

      await faults.set('errors');
      await prom.until('TargetCanaryErrors firing', async () => {
        const { alerts } = await prom.api<{ alerts: { state: string; labels: Record<string, string> }[] }>('alerts');
        return alerts.some((a) => a.state === 'firing' && a.labels.alertname === 'TargetCanaryErrors')
          ? true
          : undefined;
      });
      const view = await applyEvery(repo, 'alerted', (v) => v.status !== 'holding', { maxPasses: 3 });
      await faults.set('none');

      expect(view.status).toBe('failed');
      const last = (await samplesOf(repo, 'alerted')).at(-1)!;
      expect(last).toMatchObject({ outcome: 'fail', value: 1, reason: '1 alert(s) firing: TargetCanaryErrors' });
      const fired = (last.detail as { alerts: { labels: Record<string, string> }[] }).alerts[0]!;
      expect(fired.labels).toMatchObject({ alertname: 'TargetCanaryErrors', severity: 'critical' });
    });
  },
);

function printJudge(label: string, sample: Sample): void {
  const r = sample.detail as JudgeResult;
  const fmt = (n: number | null | undefined) =>
    n === null || n === undefined ? '-' : Number(n.toPrecision(3)).toString();
  const lines = r.metrics.map(
    (m) =>
      `  ${m.name}: ${m.classification} p=${fmt(m.pValue)} shift=${fmt(m.hlShift)} meanRatio=${fmt(m.meanRatio)} ` +
      `points control/canary ${m.controlCount}/${m.canaryCount}, ${m.step}s apart` +
      (m.thinnedFrom === null ? '' : ` (step raised from ${m.thinnedFrom}s to the ${m.window}s rate window)`),
  );
  console.log(
    `[prometheus-gate] judge (${label}): ${r.verdict}, score ${fmt(r.score)}, ${sample.durationMs} ms for ${r.metrics.length} metrics ` +
      `(6 range queries + classification)\n${lines.join('\n')}`,
  );
}
