// Every check kind, by name. Adding a kind is adding its file and one line here.
import type { Check, CheckKind } from '../manifest/schema.js';
import { checkKind } from '../manifest/schema.js';
import { alertsKind } from './alerts.js';
import { drillKind } from './drill.js';
import { execKind } from './exec.js';
import { httpKind } from './http.js';
import { judgeKind } from './judge.js';
import { prometheusKind } from './prometheus.js';
import type { CheckKindImpl } from './types.js';

export const CHECK_KIND_IMPLS: { readonly [K in CheckKind]: CheckKindImpl<K> } = {
  http: httpKind,
  prometheus: prometheusKind,
  exec: execKind,
  alerts: alertsKind,
  drill: drillKind,
  judge: judgeKind,
};

export function kindOf(check: Check): CheckKindImpl {
  return CHECK_KIND_IMPLS[checkKind(check)] as CheckKindImpl;
}
