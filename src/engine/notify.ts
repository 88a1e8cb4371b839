// `notify:` webhooks (Slack-compatible JSON) on failure, rollback start and rollback done. A failed notification is
// reported, never fatal: the rollout's own work must not depend on a chat service.
import type { Manifest } from '../manifest/index.js';
import { HttpError, request } from '../sys/http.js';
import type { Masker } from './mask.js';

export type NotifyEvent = 'failure' | 'rollback-start' | 'rollback-done' | 'promotion' | 'complete';

/** Notifies from inside a reconcile pass, reporting problems through the pass's reporter. */
export function announce(
  deps: { env: NodeJS.ProcessEnv; reporter: { info(line: string): void } },
  rc: { masker: Masker },
  m: Manifest,
  event: NotifyEvent,
  text: string,
): Promise<void> {
  return notify(m, deps.env, rc.masker, event, text, (line) => deps.reporter.info(line));
}

export async function notify(
  m: Manifest,
  env: NodeJS.ProcessEnv,
  masker: Masker,
  event: NotifyEvent,
  text: string,
  log: (line: string) => void,
): Promise<void> {
  for (const n of m.notify) {
    if (!n.on.includes(event)) continue;
    const name = n.slack?.webhookEnv ?? n.webhook?.urlEnv;
    const url = name ? env[name] : undefined;
    if (!url) {
      log(`notify: ${name} is not set in the job; skipped`);
      continue;
    }
    masker.add(url);
    // Masked as a value, before it is serialised: a secret with `"` or `\` in it is found as it is.
    const body = masker.maskValue(n.slack ? { text } : { event, rollout: m.name, text });
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: 10_000,
      });
      if (res.status < 200 || res.status > 299) log(`notify: ${name} answered HTTP ${res.status}`);
    } catch (err) {
      // The webhook URL is a secret (Slack's carries its token in the path): name the variable, never the URL.
      log(`notify: ${name}: ${err instanceof HttpError ? err.detail : masker.mask((err as Error).message)}`);
    }
  }
}
