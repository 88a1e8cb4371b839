// The adaptive `{{ page.size }}` of `paginate.batchTime`, as pt-online-schema-change sizes its chunks (--chunk-time):
// after each batch the rate is a weighted, decaying average of items per second, and the next size is that rate times
// the target time. The average is percona-toolkit's WeightedAvgRate (lib/WeightedAvgRate.pm): with weight w = 0.75,
// avgN = avgN * w + n and avgT = avgT * w + t, rate = avgN / avgT, next n = floor(rate * target), so a change in the
// target's speed (load) moves the size within a few batches, while one slow batch does not halve it. Clamped to
// [minSize, maxSize] as gh-ost clamps --chunk-size to its range (and pt-osc keeps a size of at least 1).
import { durationMs, type Step } from '../manifest/index.js';

/** How much the earlier batches weigh against the newest one (percona-toolkit's default). */
export const RATE_WEIGHT = 0.75;

export interface BatchSizeSpec {
  targetMs: number;
  minSize: number;
  maxSize: number;
  /** Size of the first batch; default minSize. */
  startSize?: number;
}

export function batchSizeSpec(batchTime: NonNullable<NonNullable<Step['paginate']>['batchTime']>): BatchSizeSpec {
  return { ...batchTime, targetMs: durationMs(batchTime.target) };
}

/** The size of the first batch of a step with batchTime (a PR audit's one page, a fresh step). */
export function firstSize(spec: BatchSizeSpec): number {
  return clamp(spec.startSize ?? spec.minSize, spec);
}

function clamp(n: number, spec: BatchSizeSpec): number {
  return Math.min(spec.maxSize, Math.max(spec.minSize, Math.floor(n)));
}

export class BatchSizer {
  private avgItems = 0;
  private avgMs = 0;
  private current: number;

  /** `resumed`: the size checkpointed with the cursor, when a step resumes (the averages start afresh from it). */
  constructor(
    private readonly spec: BatchSizeSpec,
    resumed?: number,
  ) {
    this.current = resumed === undefined ? firstSize(spec) : clamp(resumed, spec);
  }

  /** The size of the next batch. */
  get size(): number {
    return this.current;
  }

  /**
   * Records a batch that handled `items` in `ms` and returns the next size. `items` is what the batch reported
   * (`processed`, or the length of `results`); a batch that reports none counts as the size it was sent.
   */
  update(items: number, ms: number): number {
    const n = items > 0 ? items : this.current;
    const t = Math.max(ms, 1);
    if (this.avgItems > 0 && this.avgMs > 0) {
      this.avgItems = this.avgItems * RATE_WEIGHT + n;
      this.avgMs = this.avgMs * RATE_WEIGHT + t;
    } else {
      this.avgItems = n;
      this.avgMs = t;
    }
    this.current = clamp((this.avgItems / this.avgMs) * this.spec.targetMs, this.spec);
    return this.current;
  }
}
