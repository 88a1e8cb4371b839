// Item 5 of the hardening: templates keep data as data in their context. A value rendered into a URL is
// percent-encoded for the part it lands in; in `run:` argv a rendered value that starts with `-` cannot become an
// option (unless the manifest put it after `--`); text from targets is inert Markdown in every GitHub body.
import { describe, expect, it } from 'vitest';
import { runDriver } from '../../src/drivers/run.js';
import { samplesTable, planCommentBody, incidentTimeline } from '../../src/github/markdown.js';
import { render, renderCheckConfig } from '../../src/manifest/index.js';

const ctx = {
  env: { TARGET_URL: 'http://127.0.0.1:8080/api' },
  page: { cursor: 'x&dryRun=false#frag' },
  vars: { id: '../../admin/drop-all?' },
};

describe('a value rendered into a URL', () => {
  it('is percent-encoded in the query and the path, and the base URL from env is put in as it is', () => {
    const out = render(
      { url: '{{ env.TARGET_URL }}/orgs/{{ vars.id }}/backfill?dryRun=true&cursor={{ page.cursor }}', json: {} },
      ctx,
    ) as { url: string };
    const url = new URL(out.url);
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:8080/api/orgs/..%2F..%2Fadmin%2Fdrop-all%3F/backfill');
    expect([...url.searchParams]).toEqual([
      ['dryRun', 'true'],
      ['cursor', 'x&dryRun=false#frag'],
    ]);
    expect(url.hash).toBe('');
  });

  it('is encoded in a check URL too', () => {
    const c = renderCheckConfig(
      'http',
      { url: '{{ env.TARGET_URL }}/status?c={{ page.cursor }}', method: 'GET' } as never,
      ctx,
    ) as { url: string };
    expect(new URL(c.url).searchParams.get('c')).toBe('x&dryRun=false#frag');
  });
});

describe('run: argv', () => {
  const call = (config: string[], written: string[]) =>
    runDriver.call(
      { config, written, env: {}, idempotencyKey: 'k', signal: AbortSignal.timeout(30_000), cwd: process.cwd() },
      { judgedByExpect: false },
    );
  const script = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';

  it('refuses a rendered value that starts with "-" where the program would read it as an option', async () => {
    await expect(
      call(['node', '-e', script, '--delete-all'], ['node', '-e', script, '{{ page.cursor }}']),
    ).rejects.toThrow(/renders to text starting with "-".*after "--"/);
  });

  it('passes it as data after a literal "--", and leaves literal options alone', async () => {
    const r = await call(
      ['node', '-e', script, '--', '--delete-all'],
      ['node', '-e', script, '--', '{{ page.cursor }}'],
    );
    // node itself takes the `--`; the program gets the value as an operand.
    expect(r.json).toEqual(['--delete-all']);
  });
});

describe('text from a target in a GitHub body', () => {
  const hostile =
    '@acme/admins <img src=https://evil.example/p.png> [click](https://evil.example) `x` </code> <!-- gitops-rollouts:plan:byok -->\nsecond line | cell';

  it('pings nobody, loads nothing, links nothing, closes no code and forges no marker', () => {
    const bodies = [
      samplesTable([{ check: 'probe', at: '2026-01-01T00:00:00Z', outcome: 'fail', value: 1, reason: hostile }]),
      incidentTimeline([
        { kind: 'step-failed', time: '2026-01-01T00:00:00Z', actor: 'x', rollout: 'byok', step: 's', error: hostile },
      ]),
      planCommentBody(
        {
          name: 'byok',
          file: 'rollouts/byok.yaml',
          desired: { before: 'none', after: 'canary' },
          applied: null,
          direction: 'forward',
          actions: [],
          errors: [],
          fieldChanges: [],
        } as never,
        { audit: [{ step: 'audit', outcome: 'failed', detail: hostile, result: { body: hostile } }] },
      ),
    ];
    for (const body of bodies) {
      expect(body).not.toMatch(/@acme/);
      expect(body).not.toMatch(/<img/);
      expect(body).not.toMatch(/<!--/);
      expect(body).not.toMatch(/[^\\]\]\(/);
      expect(body).not.toContain('</code> <');
      expect(body).not.toMatch(/[^\\]`x`/);
      expect(body).not.toContain('\nsecond line');
    }
  });
});
