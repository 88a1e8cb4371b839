// Literal secrets in manifests are rejected: a manifest is reviewed and merged in the open, secrets come from the job.

export interface SecretFinding {
  path: (string | number)[];
  what: string;
}

const TOKEN_PREFIXES: [RegExp, string][] = [
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{40,}/, 'a GitHub fine-grained token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/, 'a Slack webhook URL'],
  [/\bsk-(?:ant-|proj-|live_|test_)?[A-Za-z0-9_-]{20,}/, 'an API secret key (sk-…)'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, 'a GitLab token'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, 'a JSON Web Token'],
  [/\b(?:prod|dev|preview):[a-z0-9-]+\|[A-Za-z0-9+/=]{20,}/, 'a Convex deploy key'],
];

/** All token patterns in one regex: one pass over each string, the list is read only on a hit. */
const ANY_TOKEN = new RegExp(TOKEN_PREFIXES.map(([pattern]) => pattern.source).join('|'));

const SECRET_FIELD =
  /(secret|token|passw(or)?d|passwd|api[-_]?key|apikey|admin[-_]?key|private[-_]?key|credential|authorization|auth)$/i;
const SECRET_QUERY = /[?&](access_token|token|api[-_]?key|apikey|key|secret|password|sig|signature)=([^&#{]+)/i;
const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s:]+):([^/@\s]+)@/i;

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / text.length) * Math.log2(n / text.length);
  return h;
}

function looksRandom(text: string): boolean {
  const bare = text.replace(/^(Bearer|Basic|token)\s+/i, '');
  return bare.length >= 12 && !/\s/.test(bare) && entropy(bare) >= 3.2;
}

/** What a literal string looks like, if it looks like a secret; templates (`{{ env.X }}`) are never secrets. */
export function secretIn(value: string, fieldName: string | number | undefined): string | null {
  const literal = value.includes('{{') ? value.replace(/\{\{.*?\}\}/g, '') : value;
  if (ANY_TOKEN.test(literal)) for (const [pattern, what] of TOKEN_PREFIXES) if (pattern.test(literal)) return what;
  const cred = value.includes('@') ? URL_CREDENTIALS.exec(value) : null;
  if (cred && !/\{\{/.test(cred[2] ?? '')) return 'a password in a URL';
  const query = value.includes('=') ? SECRET_QUERY.exec(value) : null;
  if (query && (query[2] ?? '').length >= 6) return `a credential in the URL's \`${query[1]}\` parameter`;
  if (typeof fieldName === 'string' && SECRET_FIELD.test(fieldName) && literal === value && looksRandom(value))
    return `a literal value in the secret-looking field \`${fieldName}\``;
  return null;
}

export function findSecrets(value: unknown, path: (string | number)[] = []): SecretFinding[] {
  const out: SecretFinding[] = [];
  collectSecrets(value, [...path], out);
  return out;
}

/** `path` is one array pushed and popped along the walk; a finding gets a copy. */
function collectSecrets(value: unknown, path: (string | number)[], out: SecretFinding[]): void {
  if (typeof value === 'string') {
    const what = secretIn(value, path[path.length - 1]);
    if (what) out.push({ path: [...path], what });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      collectSecrets(value[i], path, out);
      path.pop();
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      path.push(k);
      collectSecrets(v, path, out);
      path.pop();
    }
  }
}

export const SECRET_FIX =
  'list a variable name in `env:`, set it from a secret in the workflow (env: NAME: ${{ secrets.NAME }}), and use {{ env.NAME }} here';

/**
 * Environment names no step or check is ever given, whatever a manifest lists: the action's inputs (its token is
 * INPUT_TOKEN), the runner's own ACTIONS_* (cache and OIDC tokens among them) and GITHUB_TOKEN. A manifest is code
 * a pull request can change; these belong to the action.
 */
export function isDeniedEnvName(name: string): boolean {
  return /^(?:INPUT_|ACTIONS_)/i.test(name) || /^GITHUB_TOKEN$/i.test(name);
}
