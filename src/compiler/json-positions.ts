/**
 * Where each node of a JSON text starts, found by one pass over the text without building values.
 * `JSON.parse` gives the value fast but no positions; this scanner runs only when a diagnostic needs
 * a place, so a 13 MB document that compiles cleanly never pays for it.
 */

import { escapeToken } from './pointer.ts';

/**
 * Maps JSON pointers to offsets in the text: a member to its key, an array item to its value.
 * With `wanted`, only those pointers (and their ancestors) are recorded and every other value is
 * skipped without building its pointer, which is what makes locating a few hundred places in a
 * 13 MB document cheap.
 */
export function scanJsonOffsets(text: string, wanted?: ReadonlySet<string>): Map<string, number> {
  const offsets = new Map<string, number>();
  offsets.set('', 0);
  const prefixes = wanted ? ancestorsOf(wanted) : undefined;
  // One frame per open container: its pointer, and the next array index (-1 inside an object).
  const pointers: string[] = [];
  const indexes: number[] = [];
  let pointer = '';
  let index = -1;
  let expectKey = false;
  const length = text.length;
  let at = 0;
  while (at < length) {
    const code = text.charCodeAt(at);
    if (code === 0x22 /* " */) {
      const end = stringEnd(text, at);
      if (expectKey) {
        const raw = text.slice(at + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(at, end + 1)) as string) : raw;
        const child = `${pointers[pointers.length - 1] ?? ''}/${escapeToken(key)}`;
        expectKey = false;
        if (prefixes && !prefixes.has(child)) {
          at = skipValue(text, text.indexOf(':', end + 1) + 1);
          continue;
        }
        offsets.set(child, at);
        pointer = child;
      } else if (index >= 0 && !prefixes) {
        offsets.set(`${pointers[pointers.length - 1] ?? ''}/${index}`, at);
      }
      at = end + 1;
      continue;
    }
    if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (index >= 0) {
        pointer = `${pointers[pointers.length - 1] ?? ''}/${index}`;
        if (prefixes && !prefixes.has(pointer)) {
          at = skipValue(text, at);
          continue;
        }
        offsets.set(pointer, at);
      }
      pointers.push(pointer);
      indexes.push(index);
      index = code === 0x5b ? 0 : -1;
      expectKey = code === 0x7b;
      at += 1;
      continue;
    }
    if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      pointers.pop();
      index = indexes.pop() ?? -1;
      pointer = pointers[pointers.length - 1] ?? '';
      // The container just closed was one item of an array: the next item gets the next index.
      expectKey = false;
      at += 1;
      continue;
    }
    if (code === 0x2c /* , */) {
      if (index >= 0) index += 1;
      else expectKey = true;
      at += 1;
      continue;
    }
    if (index >= 0 && code > 0x20 && code !== 0x3a) {
      // A number, true, false or null as an array item.
      if (!prefixes) offsets.set(`${pointers[pointers.length - 1] ?? ''}/${index}`, at);
      at = scalarEnd(text, at);
      continue;
    }
    at += 1;
  }
  return offsets;
}

function ancestorsOf(pointers: ReadonlySet<string>): Set<string> {
  const all = new Set<string>();
  for (const pointer of pointers) {
    for (let current = pointer; current !== '' && !all.has(current); current = current.slice(0, current.lastIndexOf('/'))) all.add(current);
  }
  return all;
}

// The offset just after the value that starts at (or after whitespace from) `start`.
function skipValue(text: string, start: number): number {
  let at = start;
  while (at < text.length && text.charCodeAt(at) <= 0x20) at += 1;
  const first = text.charCodeAt(at);
  if (first === 0x22) return stringEnd(text, at) + 1;
  if (first !== 0x7b && first !== 0x5b) return scalarEnd(text, at);
  let depth = 0;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === 0x22) {
      at = stringEnd(text, at) + 1;
      continue;
    }
    if (code === 0x7b || code === 0x5b) depth += 1;
    else if (code === 0x7d || code === 0x5d) {
      depth -= 1;
      if (depth === 0) return at + 1;
    }
    at += 1;
  }
  return at;
}

function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) return text.length - 1;
    let backslashes = 0;
    for (let back = quote - 1; text.charCodeAt(back) === 0x5c; back -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

function scalarEnd(text: string, start: number): number {
  let at = start;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === 0x2c || code === 0x5d || code === 0x7d || code <= 0x20) return at;
    at += 1;
  }
  return at;
}

/**
 * The 1-based line and column of each offset, found in one pass that counts line breaks from one
 * offset to the next (no table of every line start of a large document). `column` counts the
 * column where the text is not the file's own (see OneByteJson).
 */
export function offsetsToPositions(text: string, offsets: readonly number[], column = (lineStart: number, offset: number): number => offset - lineStart + 1): Map<number, { line: number; col: number }> {
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  const positions = new Map<number, { line: number; col: number }>();
  let line = 1;
  let lineStart = 0;
  // The next line break is remembered: a minified document is one long line.
  let newline = text.indexOf('\n');
  for (const offset of sorted) {
    while (newline !== -1 && newline < offset) {
      line += 1;
      lineStart = newline + 1;
      newline = text.indexOf('\n', lineStart);
    }
    positions.set(offset, { line, col: column(lineStart, offset) });
  }
  return positions;
}
