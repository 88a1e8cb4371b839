// Maps a path in the parsed manifest back to a line and column of its YAML source.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type FieldPath = readonly (string | number)[];

export interface SourcePosition {
  line: number;
  col: number;
}

export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(root)';
}

export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /**
   * The position of the value at `path`, or of its key when `key` is set; the deepest existing ancestor when the
   * path runs out (a missing field points at the map that lacks it).
   */
  find(path: FieldPath, opts: { key?: boolean; offsetInString?: number } = {}): SourcePosition {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        keyNode = undefined;
        node = node.items[seg];
      } else break;
    }
    const target = (opts.key && keyNode ? keyNode : node) as Node | null | undefined;
    const start = target?.range?.[0] ?? 0;
    let offset = start;
    if (opts.offsetInString !== undefined && isScalar(target)) {
      const quoted = target.type === 'QUOTE_DOUBLE' || target.type === 'QUOTE_SINGLE';
      if (target.type === 'PLAIN' || quoted) offset = start + opts.offsetInString + (quoted ? 1 : 0);
    }
    return this.at(offset);
  }
}
