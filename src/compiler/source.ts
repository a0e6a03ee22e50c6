import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { appendPointer } from './pointer.ts';

/** A line and column, both 1-based, as editors show them. */
export interface Position {
  line: number;
  col: number;
}

/** One parsed YAML or JSON file with the position of every node, keyed by JSON pointer. */
export interface SourceFile {
  path: string;
  text: string;
  value: unknown;
  positions: ReadonlyMap<string, Position>;
}

/** A syntax problem found while parsing, with where it is. */
export interface SyntaxProblem {
  message: string;
  position: Position;
}

/**
 * Parses YAML (JSON is YAML too) and records where each node starts. A map entry is located at
 * its key, which is the line a reader looks for when a message names a property.
 */
export function parseSource(path: string, text: string): { file?: SourceFile; problems: SyntaxProblem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  // Only the first syntax error is reported: the ones after it are mostly its echoes.
  const problems = document.errors.slice(0, 1).map((error) => ({
    message: error.message.split('\n')[0] ?? error.message,
    position: at(error.pos[0]),
  }));
  if (problems.length > 0) return { problems };

  const positions = new Map<string, Position>();
  positions.set('', { line: 1, col: 1 });
  const visit = (node: Node | null | undefined, pointer: string): void => {
    if (!node || isAlias(node)) return;
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
        const child = appendPointer(pointer, key);
        const keyRange = isScalar(item.key) ? item.key.range : undefined;
        if (keyRange) positions.set(child, at(keyRange[0]));
        visit(item.value as Node | null, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const child = appendPointer(pointer, index);
        const range = (item as Node | null)?.range;
        if (range) positions.set(child, at(range[0]));
        visit(item as Node | null, child);
      });
    }
  };
  visit(document.contents as Node | null, '');
  return { file: { path, text, value: document.toJS({ maxAliasCount: 1000 }), positions }, problems: [] };
}

/** The position of a pointer, or of its nearest ancestor that has one. */
export function positionOf(file: SourceFile, pointer: string): Position {
  let current = pointer;
  for (;;) {
    const found = file.positions.get(current);
    if (found) return found;
    if (current === '') return { line: 1, col: 1 };
    current = current.slice(0, Math.max(0, current.lastIndexOf('/')));
  }
}
