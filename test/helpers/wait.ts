// Waiting for things in tests: past a gate's hold, or until a condition holds. Never asserts on durations.
import { setTimeout as sleep } from 'node:timers/promises';

/** Sleeps until `iso` (a gate's passesAt) has passed, plus `marginMs`. */
export async function sleepPast(iso: string, marginMs = 150): Promise<void> {
  const ms = Date.parse(iso) - Date.now() + marginMs;
  if (ms > 0) await sleep(ms);
}

/** Polls `cond` every `everyMs` until it returns true; throws after `limitMs` with `what`. */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  { everyMs = 10, limitMs = 30_000 } = {},
): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(everyMs);
  }
}
