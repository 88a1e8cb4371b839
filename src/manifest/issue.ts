// What loading a manifest reports: an issue at a file, line, column and field path, and the result of one file.
import type { Manifest } from './schema.js';

export interface ManifestIssue {
  file: string;
  line: number;
  col: number;
  /** The field path, e.g. `phases[0].steps[1].timeout`. */
  path: string;
  message: string;
}

export interface LoadResult {
  file: string;
  manifest: Manifest | null;
  issues: ManifestIssue[];
}

export function formatIssue(i: ManifestIssue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.path === '(root)' ? '' : `${i.path}: `}${i.message}`;
}

/** An issue of the whole file (its root), at 1:1 unless a line is known. */
export const issueAt = (file: string, message: string, line = 1, col = 1): ManifestIssue => ({
  file,
  line,
  col,
  path: '(root)',
  message,
});

export function sortIssues(issues: ManifestIssue[]): ManifestIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.col - b.col);
}
