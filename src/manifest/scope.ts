// Which template paths exist where (DESIGN §3): an unknown path is a validation error, never an empty string.
import { lookup } from './templates.js';
import type { Manifest } from './schema.js';

/** `sized`: a paged step with `paginate.batchTime`, where `{{ page.size }}` exists. */
export type TemplateSite =
  { kind: 'step'; paginated: boolean; sized?: boolean } | { kind: 'cohort-from' } | { kind: 'check' };

const COHORT = new Set(['cohort.ids', 'cohort.added', 'cohort.percent']);
const PAGE = new Set(['page.cursor', 'page.number', 'page.size']);

/** Null when the path exists at that site; otherwise why it does not. */
export function templatePathError(path: string, site: TemplateSite, m: Pick<Manifest, 'vars' | 'env'>): string | null {
  const [root, ...rest] = path.split('.');
  switch (root) {
    case 'rollout':
    case 'phase':
      return path === `${root}.name` ? null : `unknown template path {{ ${path} }}: only ${root}.name exists`;
    case 'run':
      return path === 'run.dryRun' ? null : `unknown template path {{ ${path} }}: only run.dryRun exists`;
    case 'cohort':
      if (!COHORT.has(path)) return `unknown template path {{ ${path} }}: cohort has ids, added, percent`;
      return site.kind === 'cohort-from' ? `{{ ${path} }} cannot be used while listing the cohort itself` : null;
    case 'batch':
      if (path !== 'batch.key') return `unknown template path {{ ${path} }}: only batch.key exists`;
      return site.kind === 'check' ? '{{ batch.key }} exists only in steps' : null;
    case 'page':
      if (!PAGE.has(path)) return `unknown template path {{ ${path} }}: page has cursor, number, size`;
      if (!(site.kind === 'step' && site.paginated)) return `{{ ${path} }} exists only in a step with paginate:`;
      return path !== 'page.size' || site.sized
        ? null
        : '{{ page.size }} exists only in a step with paginate.batchTime (a fixed size is a value in vars:)';
    case 'vars':
      if (rest.length === 0) return `{{ vars }} needs a name: {{ vars.NAME }}`;
      return lookup(m.vars ?? {}, rest.join('.')).found ? null : `{{ ${path} }}: no such entry in vars:`;
    case 'env':
      if (rest.length !== 1) return `{{ ${path} }}: expected {{ env.NAME }}`;
      return (m.env ?? []).includes(rest[0]!)
        ? null
        : `{{ ${path} }}: ${rest[0]} is not listed in env: (list it there and set it in the workflow)`;
    default:
      return `unknown template path {{ ${path} }}: paths start with cohort, phase, rollout, vars, env, batch, page or run`;
  }
}
