// A rollout's open (or just decided) gate as the charts want it: each check's samples, config and baseline.
import { durationMs, type Manifest } from '../manifest/index.js';
import type { RolloutState } from '../state/index.js';
import type { GateEvidence } from '../github/pull-bodies.js';
import { gateSeries } from '../report/markdown.js';
import type { SamplePoint } from '../report/series.js';

export function gateEvidence(m: Manifest | null, s: RolloutState | null): GateEvidence | null {
  const gate = s?.gate;
  if (!gate) return null;
  const every = m?.phases.find((p) => p.name === gate.phase)?.gate?.every ?? '5m';
  return {
    checks: gateSeries(m, gate.phase, gate.samples as SamplePoint[], gate.baseline),
    everyMs: durationMs(every),
  };
}
