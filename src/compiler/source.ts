import { createRequire } from 'node:module';
import type { Node } from 'yaml';
import { offsetsToPositions, scanJsonOffsets } from './json-positions.ts';
import { ownText, scannedText, type SourceText } from './source-text.ts';
import { findCycle } from './depth.ts';
import { appendPointer } from './pointer.ts';

// The YAML parser is loaded on first use: a JSON document (most large ones) never needs it.
let yamlModule: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/** A line and column, both 1-based, as editors show them. */
export interface Position {
  line: number;
  col: number;
}

/**
 * One parsed YAML or JSON file with the position of every node, keyed by JSON pointer. The
 * positions are worked out on first use: most compilations never need one.
 */
export interface SourceFile {
  path: string;
  /** The file's own text. */
  readonly text: string;
  /** The text as read: for a JSON document `trident breaking` read ahead, its one-byte form, which scans are made on. */
  source: SourceText;
  value: unknown;
  /** Whether one value may appear at several places of `value` (YAML aliases); parsed JSON is a tree. */
  aliases: boolean;
  /** Whether the text is JSON (and `value` what JSON.parse made of it). */
  json: boolean;
  readonly positions: ReadonlyMap<string, Position>;
  /** The positions of some pointers and their ancestors, found without working out all the others. */
  positionsOf(pointers: Iterable<string>): ReadonlyMap<string, Position>;
}

function lazyPositions(path: string, source: SourceText, value: unknown, aliases: boolean, json: boolean, compute: () => Map<string, Position>, some?: (pointers: ReadonlySet<string>) => Map<string, Position>): SourceFile {
  let positions: Map<string, Position> | undefined;
  return {
    path,
    get text() {
      return ownText(source);
    },
    source,
    value,
    aliases,
    json,
    get positions() {
      positions ??= compute();
      return positions;
    },
    positionsOf(pointers) {
      if (positions || !some) return this.positions;
      return some(new Set(pointers));
    },
  };
}

// JSON is YAML too, but JSON.parse is a hundred times faster on a large document; a JSON text with
// a syntax error goes through the YAML parser, which says where the error is.
function parseJson(path: string, source: SourceText): SourceFile | undefined {
  const text = scannedText(source);
  const start = text.search(/\S/);
  if (start === -1 || (text[start] !== '{' && text[start] !== '[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const toPositions = (offsets: Map<string, number>): Map<string, Position> => {
    const column = typeof source === 'string' ? undefined : (lineStart: number, offset: number): number => source.column(lineStart, offset);
    const places = offsetsToPositions(text, [...offsets.values()], column);
    const positions = new Map<string, Position>();
    for (const [pointer, offset] of offsets) positions.set(pointer, places.get(offset) ?? { line: 1, col: 1 });
    return positions;
  };
  return lazyPositions(path, source, value, false, true, () => toPositions(scanJsonOffsets(text)), (pointers) => toPositions(scanJsonOffsets(text, pointers)));
}

/** A syntax problem found while parsing, with where it is. */
export interface SyntaxProblem {
  message: string;
  position: Position;
  hint: string;
  /** Set when the text is valid but nests deeper than the YAML parser follows. */
  tooDeep?: true;
}

const syntaxHints: Record<string, string> = {
  BAD_INDENT: 'indent with spaces so that the entries of one mapping start in the same column',
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs there',
  DUPLICATE_KEY: 'a key may appear once per mapping; merge the two entries or rename one',
  MISSING_CHAR: 'a quote or bracket is not closed',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check the quotes and colons above',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation and the colons of the lines above',
};

/**
 * Parses YAML (JSON is YAML too) and records where each node starts. A map entry is located at
 * its key, which is the line a reader looks for when a message names a property.
 */
export function parseSource(path: string, source: SourceText): { file?: SourceFile; problems: SyntaxProblem[] } {
  const json = parseJson(path, source);
  if (json) return { file: json, problems: [] };
  // Not JSON after all (a YAML flow mapping, or a syntax error to locate): the file's own text.
  const text = ownText(source);
  const { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  // Only the first syntax error is reported: the ones after it are mostly its echoes.
  const problems = document.errors.slice(0, 1).map((error) => {
    const position = at(error.pos[0]);
    const line = text.split('\n')[position.line - 1] ?? '';
    // The caret goes under the first character of the offending line, not its indentation.
    const firstChar = line.search(/\S/) + 1;
    if (error.code === 'BAD_INDENT' && firstChar > position.col) position.col = firstChar;
    let message = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    if (error.code === 'DUPLICATE_KEY') {
      const key = /^\s*(?:-\s+)?(['"]?)(.*?)\1\s*:/.exec(line)?.[2];
      if (key !== undefined) message = `key '${key}' appears twice in the same mapping`;
    }
    // The parser recurses as deep as the text nests, and reports where it ran out of stack.
    if (/maximum call stack/i.test(message)) {
      return { message: 'the YAML nests deeper than the YAML parser can follow here', position, hint: 'flatten the nesting: give deep inline schemas a name under `components/schemas`, or convert the document to JSON', tooDeep: true as const };
    }
    return { message, position, hint: syntaxHints[error.code] ?? 'fix the syntax at the position shown' };
  });
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
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // An alias to no anchor, or an alias bomb, is found only when the value is built.
    const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    return { problems: [{ message, position: { line: 1, col: 1 }, hint: 'define each anchor (&name) before its aliases (*name)' }] };
  }
  const file = lazyPositions(path, text, value, true, false, () => {
    visit(document.contents as Node | null, '');
    return positions;
  });
  const cycle = findCycle(value);
  if (cycle !== undefined) {
    const message = `the value at #${cycle} contains itself through an alias; JSON cannot hold it`;
    return { problems: [{ message, position: positionOf(file, cycle), hint: "refer to it with `$ref: '#/components/schemas/<Name>'` instead of an alias" }] };
  }
  return { file, problems: [] };
}

/** The position of a pointer, or of its nearest ancestor that has one (in `positions`, by default all of the file's). */
export function positionOf(file: SourceFile, pointer: string, given?: ReadonlyMap<string, Position>): Position {
  // The whole document is at its start; no need to work out the other positions for that.
  if (pointer === '') return { line: 1, col: 1 };
  const positions = given ?? file.positions;
  let current = pointer;
  for (;;) {
    const found = positions.get(current);
    if (found) return found;
    if (current === '') return { line: 1, col: 1 };
    current = current.slice(0, Math.max(0, current.lastIndexOf('/')));
  }
}
