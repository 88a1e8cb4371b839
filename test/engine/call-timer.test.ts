// The loop's per-call timeout (engine/call-timer.ts): one timer for a run of calls, a deadline per call. Fake timers:
// no time is measured.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallTimer } from '../../src/engine/call-timer.js';

describe('CallTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts a call that runs past its time with a TimeoutError, and gives the next call a fresh signal', () => {
    const timer = new CallTimer();
    const first = timer.start(1000);
    vi.advanceTimersByTime(999);
    expect(first.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(first.aborted).toBe(true);
    expect((first.reason as Error).name).toBe('TimeoutError');
    timer.stop();
    const second = timer.start(1000);
    expect(second.aborted).toBe(false);
    timer.close();
  });

  it("gives each call its own deadline, not the first call's, while one timer serves them all", () => {
    const timer = new CallTimer();
    const signals: AbortSignal[] = [];
    for (let i = 0; i < 5; i++) {
      signals.push(timer.start(1000));
      vi.advanceTimersByTime(600);
      timer.stop();
    }
    expect(signals.every((s) => !s.aborted)).toBe(true);
    expect(vi.getTimerCount()).toBe(1);
    const late = timer.start(1000);
    vi.advanceTimersByTime(999);
    expect(late.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(late.aborted).toBe(true);
    timer.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not abort between calls, and a shorter deadline than the running timer still holds', () => {
    const timer = new CallTimer();
    timer.start(5000);
    timer.stop();
    vi.advanceTimersByTime(10_000);
    const short = timer.start(100);
    vi.advanceTimersByTime(100);
    expect(short.aborted).toBe(true);
    timer.close();
  });

  it("follows the run's signal, and stays aborted with its reason", () => {
    const run = new AbortController();
    const timer = new CallTimer(run.signal);
    const signal = timer.start(1000);
    run.abort(new Error('pass aborted'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('pass aborted');
    timer.stop();
    expect(timer.start(1000).aborted).toBe(true);
    timer.close();
  });
});
