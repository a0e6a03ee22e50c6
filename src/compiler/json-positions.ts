/**
 * Where each node of a JSON text starts, found by one pass over the text without building values.
 * `JSON.parse` gives the value fast but no positions; this scanner runs only when a diagnostic needs
 * a place, so a 13 MB document that compiles cleanly never pays for it.
 */

import { escapeToken } from './pointer.ts';

/** Maps JSON pointers to offsets in the text: a member to its key, an array item to its value. */
export function scanJsonOffsets(text: string): Map<string, number> {
  const offsets = new Map<string, number>();
  offsets.set('', 0);
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
        offsets.set(child, at);
        pointer = child;
        expectKey = false;
      } else if (index >= 0) {
        offsets.set(`${pointers[pointers.length - 1] ?? ''}/${index}`, at);
      }
      at = end + 1;
      continue;
    }
    if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (index >= 0) {
        pointer = `${pointers[pointers.length - 1] ?? ''}/${index}`;
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
      offsets.set(`${pointers[pointers.length - 1] ?? ''}/${index}`, at);
      at = scalarEnd(text, at);
      continue;
    }
    at += 1;
  }
  return offsets;
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

/** Turns offsets into 1-based lines and columns with a table of line starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  let at = text.indexOf('\n');
  while (at !== -1) {
    starts.push(at + 1);
    at = text.indexOf('\n', at + 1);
  }
  return starts;
}

export function offsetToPosition(starts: readonly number[], offset: number): { line: number; col: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, col: offset - (starts[low] ?? 0) + 1 };
}
