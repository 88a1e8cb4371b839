// `alerts`: firing alerts from Prometheus' /api/v1/alerts whose labels include every given label. `value` is their
// count; by default one firing alert fails the sample. The labels are the ones Prometheus itself reports: the rule's
// and the series', never the external labels (global.external_labels), which Prometheus adds only to what it sends to
// Alertmanager. A check that names an external label matches relayed alerts (engine/alerts.ts) but never a sample.
import { parseAlerts, prometheusBase, prometheusGet } from './prometheus-api.js';
import type { CheckKindImpl } from './types.js';

export const alertsKind: CheckKindImpl<'alerts'> = {
  kind: 'alerts',
  async measure(spec, env) {
    const base = prometheusBase(spec.url, env);
    const wanted = Object.entries(spec.labels);
    const alerts = parseAlerts(await prometheusGet(base, '/api/v1/alerts', {}, env.signal));
    const matches = alerts.filter((a) => a.state === 'firing' && wanted.every(([k, v]) => a.labels[k] === v));
    return { value: matches.length, result: { alerts: matches } };
  },
  decide(m) {
    if (m.value === null) return { outcome: 'inconclusive', reason: m.note ?? 'no alert count' };
    if (m.value === 0) return { outcome: 'pass' };
    const names = (m.result as { alerts: { labels: Record<string, string> }[] }).alerts.map(
      (a) => a.labels.alertname ?? '(unnamed)',
    );
    return { outcome: 'fail', reason: `${m.value} alert(s) firing: ${[...new Set(names)].join(', ')}` };
  },
};
