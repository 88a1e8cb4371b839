import { describe, expect, it } from 'vitest';
import { secretIn } from '../../src/manifest/index.js';
import { demo, issuesOf } from './demo-manifest.js';

// Fake credentials are assembled at run time so this file holds no string a secret scanner would flag.
const base64url = (text: string) => Buffer.from(text).toString('base64url');
const random = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0';
const FAKE = {
  github: `ghp_${random.slice(0, 36)}`,
  githubFineGrained: `github_pat_${random}${random.slice(0, 10)}`,
  slackToken: `xoxb-${'1234567890'}-${random.slice(0, 14)}`,
  slackWebhook: `https://hooks.slack.com/services/${'T0ABCDEF1'}/${'B0ABCDEF2'}/${random.slice(0, 24)}`,
  skKey: `sk-${'proj-'}${random.slice(0, 24)}`,
  aws: `${'AKIA'}IOSFODNN7EXAMPLE`,
  google: `${'AIza'}${random.slice(0, 35)}`,
  gitlab: `${'glpat-'}${random.slice(0, 20)}`,
  npm: `${'npm_'}${random.slice(0, 36)}`,
  privateKey: `-----BEGIN ${'RSA PRIVATE'} KEY-----\\nMIIEpAIBAAKCAQEA`,
  jwt: [
    base64url('{"alg":"HS256","typ":"JWT"}'),
    base64url('{"sub":"1234567890","name":"x"}'),
    random.slice(0, 22),
  ].join('.'),
  convexDeployKey: `prod:${'happy-animal-123'}|${random}`,
  urlPassword: `https://admin:${'hunter2hunter2'}@db.example.com/app`,
  queryCredential: `https://api.example.com/items?page=2&api_key=${'a1b2c3d4e5f6'}`,
};

const FIX =
  'list a variable name in `env:`, set it from a secret in the workflow (env: NAME: ${{ secrets.NAME }}), and use {{ env.NAME }} here';

/** The demo manifest with one more entry in vars:, on line 8. */
const withVar = (key: string, value: string) => demo({ 7: `  batchSize: 25\n  ${key}: "${value}"` });

describe('literal secrets', () => {
  it.each([
    ['github', 'a GitHub token'],
    ['githubFineGrained', 'a GitHub fine-grained token'],
    ['slackToken', 'a Slack token'],
    ['slackWebhook', 'a Slack webhook URL'],
    ['skKey', 'an API secret key (sk-…)'],
    ['aws', 'an AWS access key id'],
    ['google', 'a Google API key'],
    ['gitlab', 'a GitLab token'],
    ['npm', 'an npm token'],
    ['privateKey', 'a private key'],
    ['jwt', 'a JSON Web Token'],
    ['convexDeployKey', 'a Convex deploy key'],
    ['urlPassword', 'a password in a URL'],
    ['queryCredential', "a credential in the URL's `api_key` parameter"],
  ] as const)('flags %s as %s, at the value, with the fix', (key, what) => {
    expect(issuesOf(withVar('value', FAKE[key]))).toEqual([
      { line: 8, col: 10, path: 'vars.value', message: `this looks like a literal secret (${what}): ${FIX}` },
    ]);
  });

  it('flags a secret embedded in longer text, e.g. a token in an argv item', () => {
    expect(issuesOf(demo({ 33: `    run: [./undo, "--token=${FAKE.github}", "{{ phase.name }}"]` }))).toEqual([
      {
        line: 33,
        col: 19,
        path: 'rollback[0].run[1]',
        message: `this looks like a literal secret (a GitHub token): ${FIX}`,
      },
    ]);
  });

  it('flags a random-looking literal in a secret-looking field', () => {
    expect(issuesOf(withVar('apiKey', 'Zx9kQ2mP7vR4tL8wYb'))).toEqual([
      {
        line: 8,
        col: 11,
        path: 'vars.apiKey',
        message: `this looks like a literal secret (a literal value in the secret-looking field \`apiKey\`): ${FIX}`,
      },
    ]);
    expect(issuesOf(demo({ 28: '          headers: { Authorization: "Bearer Zx9kQ2mP7vR4tL8w" }' }))).toEqual([
      {
        line: 28,
        col: 37,
        path: 'phases[1].steps[0].http.headers.Authorization',
        message: `this looks like a literal secret (a literal value in the secret-looking field \`Authorization\`): ${FIX}`,
      },
    ]);
  });

  it('flags secrets in a manifest that also fails the schema, in source order', () => {
    expect(issuesOf(demo({ 4: 'phase: none\ncolour: red', 7: `  batchSize: 25\n  value: "${FAKE.aws}"` }))).toEqual([
      { line: 5, col: 1, path: 'colour', message: 'unknown field `colour`' },
      {
        line: 9,
        col: 10,
        path: 'vars.value',
        message: `this looks like a literal secret (an AWS access key id): ${FIX}`,
      },
    ]);
  });
});

describe('what is not a secret', () => {
  it.each([
    ['a templated bearer token', 'Authorization', 'Bearer {{ env.TOKEN }}'],
    ['a templated password in a URL', 'url', 'postgres://app:{{ env.DB_PASSWORD }}@db.example.com/app'],
    ['a templated credential parameter', 'url', 'https://api.example.com/x?token={{ env.TOKEN }}'],
    ['an ordinary URL with a query', 'url', 'https://api.example.com/v1/items?page=2&limit=100&sort=name'],
    ['a URL with a port', 'url', 'http://prometheus:9090/api/v1/query'],
    ['a URL with a user but no password', 'url', 'ssh://git@github.com/acme/repo.git'],
    ['a short credential parameter', 'url', 'https://api.example.com/x?key=abc'],
    ['a short value in a secret-looking field', 'token', 'abc123'],
    ['a low-entropy value in a secret-looking field', 'apiKey', 'aaaaaaaaaaaaaaaaaaaa'],
    ['words in a secret-looking field', 'secret', 'rotate it every month please'],
    ['a random-looking value in an ordinary field', 'function', 'migrations/byok:Zx9kQ2mP7vR4tL8w'],
    ['a prefix without the token', 'name', 'sk-short'],
    ['an environment variable name', 'webhookEnv', 'SLACK_WEBHOOK_URL'],
  ])('does not flag %s', (_what, field, value) => {
    expect(secretIn(value, field)).toBeNull();
  });

  it('leaves the demo manifest, with its bearer template and URLs, clean', () => {
    expect(issuesOf(demo())).toEqual([]);
  });
});
