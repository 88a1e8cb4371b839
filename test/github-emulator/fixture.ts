// Shared set-up of the emulator's own tests: one emulator per test file, a fresh repository per test, and a
// check after every test that nothing broke GitHub's description.
import { getOctokit } from '@actions/github';
import { RequestError } from '@octokit/request-error';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startEmulator, type Emulator } from './server.js';
import { WorkClone } from './work-clone.js';

export const TOKEN = 'ghs_emulatortoken';
export const OWNER = 'acme';
export const MANIFEST = 'apiVersion: rollouts/v1\nkind: Rollout\nname: byok\nphase: none\n';
export const WORKFLOW = [
  'name: rollouts',
  'on:',
  '  push: {}',
  '  workflow_dispatch:',
  '    inputs:',
  '      command:',
  '        required: true',
  '',
].join('\n');

export interface TestRepo {
  repo: string;
  clone: WorkClone;
  /** The first commit of main. */
  base: string;
}

export interface EmulatorFixture {
  emulator: Emulator;
  octokit: ReturnType<typeof getOctokit>;
  /** A fresh repository whose main holds a manifest and the workflow, with a working clone. */
  setupRepo(): Promise<TestRepo>;
}

/** Registers the hooks of a test file; the returned object is filled in before the first test runs. */
export function useEmulator(): EmulatorFixture {
  const clones: WorkClone[] = [];
  let count = 0;
  const fixture = {
    async setupRepo(): Promise<TestRepo> {
      count += 1;
      const repo = `rollouts-${count}`;
      const { remoteUrl } = await fixture.emulator.createRepo({ owner: OWNER, repo, defaultBranch: 'main' });
      const clone = await WorkClone.clone(remoteUrl);
      clones.push(clone);
      const base = await clone.commit('initial', {
        'rollouts/byok.yaml': MANIFEST,
        '.github/workflows/rollouts.yml': WORKFLOW,
      });
      await clone.push('main');
      return { repo, clone, base };
    },
  } as EmulatorFixture;
  beforeAll(async () => {
    fixture.emulator = await startEmulator({ token: TOKEN });
    fixture.octokit = getOctokit(TOKEN, { baseUrl: fixture.emulator.url });
  });
  afterEach(() => {
    try {
      fixture.emulator.assertNoViolations();
    } finally {
      fixture.emulator.clearLog();
    }
  });
  afterAll(async () => {
    await Promise.all(clones.map((c) => c.remove()));
    await fixture.emulator?.close();
  });
  return fixture;
}

/** Starts `branch` from the remote's `from`, commits `files` on it and pushes; returns the commit. */
export async function pushBranch(
  clone: WorkClone,
  branch: string,
  files: Record<string, string>,
  from = 'main',
): Promise<string> {
  await clone.branchFrom(branch, from);
  const sha = await clone.commit(`change on ${branch}`, files);
  await clone.push(branch);
  return sha;
}

export async function expectStatus(promise: Promise<unknown>, status: number): Promise<RequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestError);
  expect((error as RequestError).status).toBe(status);
  return error as RequestError;
}
