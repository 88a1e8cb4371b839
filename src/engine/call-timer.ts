// A step's per-call timeout, reused across the calls of a run (a paged step's batches): one AbortController while no
// call times out and one unref'd timer that is re-armed only when it fires early, instead of a controller, a timer
// and a listener on the run's signal per call (whose bookkeeping costs more than a fast batch's own work).

const timedOut = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

export class CallTimer {
  private controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private firesAt = 0;
  /** The running call's deadline (performance.now()), 0 between calls. */
  private deadline = 0;
  private readonly follow: (() => void) | null = null;

  constructor(private readonly parent?: AbortSignal) {
    if (!parent) return;
    this.follow = () => this.controller.abort(parent.reason);
    if (parent.aborted) this.follow();
    else parent.addEventListener('abort', this.follow, { once: true });
  }

  /** The signal of a call that may take `ms`: aborted with a TimeoutError past it, or with the run's reason. */
  start(ms: number): AbortSignal {
    if (this.controller.signal.aborted) {
      if (this.parent?.aborted) return this.controller.signal;
      this.controller = new AbortController();
    }
    this.deadline = performance.now() + ms;
    if (!this.timer || this.firesAt > this.deadline) this.arm(ms);
    return this.controller.signal;
  }

  /** The call is over: its deadline no longer holds. */
  stop(): void {
    this.deadline = 0;
  }

  /** No more calls. */
  close(): void {
    this.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.follow) this.parent!.removeEventListener('abort', this.follow);
  }

  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.firesAt = performance.now() + ms;
    // Never what keeps the process alive: a call in flight holds its own socket or child process.
    this.timer = setTimeout(this.fire, ms).unref();
  }

  private readonly fire = (): void => {
    this.timer = null;
    if (!this.deadline) return;
    const left = this.deadline - performance.now();
    if (left > 0) return this.arm(Math.ceil(left));
    this.deadline = 0;
    this.controller.abort(timedOut());
  };
}
