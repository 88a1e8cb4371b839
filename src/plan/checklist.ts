// A phase's `checklist:` against a PR body's GitHub task list ("- [x] item"). Pure.

export interface ChecklistResult {
  ticked: string[];
  unticked: string[];
  /** Items of the checklist that do not appear in the body at all. */
  missing: string[];
  ok: boolean;
}

const TASK = /^\s*(?:[-*+]|\d+[.)])\s+\[( |x|X)\]\s+(.+?)\s*$/;

function normalize(text: string): string {
  return text
    .replace(/[`*_~]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The task-list items of a Markdown body, ticked or not (fenced code blocks are skipped). */
export function taskItems(body: string): { text: string; ticked: boolean }[] {
  const items: { text: string; ticked: boolean }[] = [];
  let fenced = false;
  for (const line of body.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = TASK.exec(line);
    if (m) items.push({ text: m[2]!, ticked: m[1] !== ' ' });
  }
  return items;
}

export function checkChecklist(required: readonly string[], body: string | null | undefined): ChecklistResult {
  const items = taskItems(body ?? '');
  const byText = new Map(items.map((i) => [normalize(i.text), i.ticked]));
  const ticked: string[] = [];
  const unticked: string[] = [];
  const missing: string[] = [];
  for (const item of required) {
    const state = byText.get(normalize(item));
    if (state === undefined) missing.push(item);
    else (state ? ticked : unticked).push(item);
  }
  return { ticked, unticked, missing, ok: unticked.length === 0 && missing.length === 0 };
}

/** The task list to paste into a PR body for a phase's checklist. */
export function checklistMarkdown(required: readonly string[]): string {
  return required.map((i) => `- [ ] ${i}`).join('\n');
}
