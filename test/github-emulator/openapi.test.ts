import { describe, expect, it } from 'vitest';
import { OpenApiDescription } from './openapi.js';
import { emulatedOperations } from './request-pipeline.js';

const description = OpenApiDescription.load();

describe('OpenApiDescription', () => {
  it('matches the most specific template, letting multi-segment parameters span slashes', () => {
    expect(description.match('GET', '/repos/o/r/commits/abc/pulls')).toMatchObject({
      template: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls',
      params: { commit_sha: 'abc' },
    });
    expect(description.match('GET', '/repos/o/r/commits/heads/main')).toMatchObject({
      template: '/repos/{owner}/{repo}/commits/{ref}',
      params: { ref: 'heads/main' },
    });
    expect(description.match('GET', '/repos/o/r/pulls/comments')?.template).toBe(
      '/repos/{owner}/{repo}/pulls/comments',
    );
    expect(description.match('GET', '/repos/o/r/git/ref/heads%2Fmain')?.params.ref).toBe('heads/main');
    expect(description.match('DELETE', '/repos/o/r/pulls')).toBeUndefined();
  });

  it('accepts null where the description says nullable and rejects it elsewhere', () => {
    const match = description.match('POST', '/repos/o/r/issues/1/comments')!;
    const comment = {
      id: 1,
      node_id: 'x',
      url: 'https://api.example.com/c/1',
      html_url: 'https://example.com/c/1',
      issue_url: 'https://api.example.com/i/1',
      user: null,
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      performed_via_github_app: null,
    };
    expect(description.validateResponse(match, 201, comment)).toEqual([]);
    expect(description.validateResponse(match, 201, { ...comment, id: null })).toEqual([
      expect.stringContaining('/id must be integer'),
    ]);
  });

  it('checks query parameters against their schemas after turning the strings into their types', () => {
    const match = description.match('GET', '/repos/o/r/pulls')!;
    const check = (query: string) =>
      description.validateRequest(match, new URLSearchParams(query), { present: false, value: undefined });
    expect(check('state=all&per_page=100&page=2')).toEqual([]);
    expect(check('per_page=many')).toEqual([expect.stringContaining('query parameter per_page')]);
    expect(check('state=merged')).toEqual([expect.stringContaining('allowed values')]);
  });

  it('knows every operation the emulator implements', () => {
    for (const key of emulatedOperations()) {
      const [method = '', template = ''] = key.split(' ');
      const samplePath = template.replace(/\{[^}]+\}/g, 'x');
      expect(description.match(method, samplePath)?.template, key).toBe(template);
    }
  });
});
