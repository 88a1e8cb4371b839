// `prometheus`: an instant query. `value` is the scalar or the single sample of a vector; several samples give no
// value (inconclusive), never a pick; no sample is no data, which the check's `noData:` decides (default
// inconclusive). No default condition: the check says what is healthy with pass:/fail:.
import { parseInstant, prometheusBase, prometheusGet } from './prometheus-api.js';
import type { CheckKindImpl } from './types.js';

export const prometheusKind: CheckKindImpl<'prometheus'> = {
  kind: 'prometheus',
  async measure(spec, env) {
    const base = prometheusBase(spec.url, env);
    const result = parseInstant(await prometheusGet(base, '/api/v1/query', { query: spec.query }, env.signal));
    const [only, ...more] = result.samples;
    if (!only) return { value: null, result, note: 'the query returned no samples', noData: true };
    if (more.length)
      return { value: null, result, note: `the query returned ${result.samples.length} samples; expected one` };
    if (only.value === null) return { value: null, result, note: 'the query returned NaN' };
    return { value: only.value, result };
  },
};
