import { describe, expect, it } from 'vitest';
import { checkChecklist, checklistMarkdown, taskItems } from '../../src/plan/checklist.js';

const required = ['Runbook reviewed', 'Rollback tested'];

describe('checkChecklist', () => {
  it('passes when every item is ticked in the PR body, whatever the case, markup and list marker', () => {
    const body = 'Rollout of the canary.\n\n- [x] runbook reviewed\n* [X] **Rollback** tested\n';
    expect(checkChecklist(required, body)).toEqual({ ticked: required, unticked: [], missing: [], ok: true });
  });

  it('fails on an unticked item and on an item missing from the body', () => {
    const r = checkChecklist(required, '- [ ] Runbook reviewed\n');
    expect(r.ok).toBe(false);
    expect(r.unticked).toEqual(['Runbook reviewed']);
    expect(r.missing).toEqual(['Rollback tested']);
  });

  it('ignores task items inside fenced code blocks', () => {
    const body = '```\n- [x] Runbook reviewed\n```\n- [x] Rollback tested';
    expect(checkChecklist(required, body).missing).toEqual(['Runbook reviewed']);
  });

  it('treats an empty or absent body as nothing ticked', () => {
    expect(checkChecklist(required, null).missing).toEqual(required);
    expect(checkChecklist([], undefined).ok).toBe(true);
  });

  it('reads numbered task lists too', () => {
    expect(taskItems('1. [x] one\n2) [ ] two')).toEqual([
      { text: 'one', ticked: true },
      { text: 'two', ticked: false },
    ]);
  });

  it('renders a task list to paste into a PR body that round-trips as unticked', () => {
    expect(checkChecklist(required, checklistMarkdown(required)).unticked).toEqual(required);
  });
});
