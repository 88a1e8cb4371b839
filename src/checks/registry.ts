// Every check kind's implementation, by kind. The type demands one for every entry of manifest/check-kinds.ts, so
// adding a kind is its table entry, its file, and one line here.
import { checkKind, renderCheckConfig, type Check, type CheckConfig, type CheckKind } from '../manifest/index.js';
import { alertsKind } from './alerts.js';
import { drillKind } from './drill.js';
import { execKind } from './exec.js';
import { httpKind } from './http.js';
import { judgeKind } from './judge.js';
import { prometheusKind } from './prometheus.js';
import type { CheckEnv, CheckKindImpl, Measurement } from './types.js';

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

/** Renders the check's templated fields (a TemplateError rejects) and measures with its kind. */
export async function measureCheck(check: Check, env: CheckEnv): Promise<Measurement> {
  const kind = checkKind(check);
  const impl = CHECK_KIND_IMPLS[kind] as CheckKindImpl;
  return impl.measure(renderCheckConfig(kind, check[kind] as CheckConfig<CheckKind>, env.vars), env);
}
