/**
 * A JSON file's text in one byte per character. JSON has characters other than ASCII only inside
 * strings, where a `\uXXXX` escape says the same, so each is written as its escape: JSON.parse
 * gives the same value, and V8 holds the text in half the memory a two-byte string takes, made by
 * copying the bytes instead of decoding UTF-8 (on an 11 MB document, about 30 ms against 65 to
 * 100). The escapes written are remembered, so that lines and columns are those of the file. A
 * character after a backslash would make an invalid escape valid (`\é` is no JSON, `\\u00e9` is):
 * such a text is decoded as UTF-8, and JSON.parse refuses it as it should.
 */
import { isAscii, isUtf8 } from 'node:buffer';

/**
 * A text as read: the file's own text, or the one-byte form of a JSON file, which a JSON reader
 * parses and scans (`text`) and which gives the file's own lines and columns back.
 */
export type SourceText = string | OneByteJson;

export class OneByteJson {
  /** The escaped text. */
  readonly text: string;
  /** Where each escape written starts in `text`, in order. */
  private readonly escapes: readonly number[];
  /** The characters each stands for: one UTF-16 unit, or a surrogate pair. */
  private readonly chars: readonly string[];
  /** How much longer `text` is than the file's own text before each escape, and after the last. */
  private readonly longer: readonly number[];
  private own: string | undefined;

  constructor(text: string, escapes: readonly number[], chars: readonly string[]) {
    this.text = text;
    this.escapes = escapes;
    this.chars = chars;
    const longer = [0];
    for (const each of chars) longer.push((longer.at(-1) ?? 0) + escapeLength(each) - each.length);
    this.longer = longer;
  }

  /** The length of the file's own text, in UTF-16 units. */
  get length(): number {
    return this.text.length - (this.longer.at(-1) ?? 0);
  }

  /** The file's own text: slices of the one-byte text with the characters put back, joined on first use. */
  get original(): string {
    this.own ??= this.restore(0, this.text.length);
    return this.own;
  }

  /** The column (1-based, in UTF-16 units as the file's own text counts them) of an offset of `text`. */
  column(lineStart: number, offset: number): number {
    const shift = (this.longer[this.firstEscapeFrom(offset)] ?? 0) - (this.longer[this.firstEscapeFrom(lineStart)] ?? 0);
    return offset - lineStart + 1 - shift;
  }

  /** The file's own text of `text` from `start` to `end`, neither inside an escape. */
  restore(start: number, end: number): string {
    let own = '';
    let from = start;
    for (let index = this.firstEscapeFrom(start); index < this.escapes.length; index += 1) {
      const at = this.escapes[index] ?? end;
      if (at >= end) break;
      const chars = this.chars[index] ?? '';
      own += this.text.slice(from, at) + chars;
      from = at + escapeLength(chars);
    }
    return own + this.text.slice(from, end);
  }

  // The index of the first escape at or after `offset`.
  private firstEscapeFrom(offset: number): number {
    let low = 0;
    let high = this.escapes.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.escapes[middle] ?? offset) < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

const escapeLength = (chars: string): number => 6 * chars.length;

/** The text to scan and parse: the one-byte form's, or the text itself. */
export const scannedText = (source: SourceText): string => (typeof source === 'string' ? source : source.text);

/** The file's own text. */
export const ownText = (source: SourceText): string => (typeof source === 'string' ? source : source.original);

/** The text of some lines (1-based) of a text, by number, as the file has them; a line past the end has none. */
export function linesOf(source: SourceText, wanted: ReadonlySet<number>): Map<number, string> {
  const text = scannedText(source);
  const found = new Map<number, string>();
  const sorted = [...wanted].filter((line) => line >= 1).sort((a, b) => a - b);
  let line = 1;
  let start = 0;
  for (const target of sorted) {
    while (line < target && start !== -1) {
      const end = text.indexOf('\n', start);
      start = end === -1 ? -1 : end + 1;
      line += 1;
    }
    if (start === -1) break;
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    found.set(target, typeof source === 'string' ? text.slice(start, stop) : source.restore(start, stop));
  }
  return found;
}

/**
 * The text of a file's bytes, the first `length` of `buffer`: a JSON text (its first character
 * other than white space is `{` or `[`) that is all ASCII as it is, in one byte per character; one
 * with other characters, valid UTF-8, in its one-byte form. The escapes are written in `buffer`
 * itself where the rest of it has room, else in a copy. Anything else is decoded as UTF-8, which
 * is what a YAML parser reads.
 */
export function decodeText(buffer: Buffer, length = buffer.length): SourceText {
  const bytes = buffer.subarray(0, length);
  if (!looksLikeJson(bytes)) return bytes.toString('utf8');
  if (isAscii(bytes)) return bytes.toString('latin1');
  if (!isUtf8(bytes)) return bytes.toString('utf8');
  const found = nonAscii(bytes);
  if (found === undefined) return bytes.toString('utf8');
  let grown = bytes.length;
  for (const { length, chars } of found) grown += escapeLength(chars) - length;
  const inPlace = grown <= buffer.length;
  const target = inPlace ? buffer.subarray(0, grown) : Buffer.allocUnsafe(grown);
  if (!inPlace) bytes.copy(target);
  // From the end, so that what moves right is moved before it is overwritten.
  let end = bytes.length;
  let shift = grown - bytes.length;
  const escapes: number[] = new Array<number>(found.length);
  for (let index = found.length - 1; index >= 0; index -= 1) {
    const { at, length, chars } = found[index] as NonAscii;
    target.copyWithin(at + length + shift, at + length, end);
    shift -= escapeLength(chars) - length;
    target.write(escapeOf(chars), at + shift, 'latin1');
    escapes[index] = at + shift;
    end = at;
  }
  return new OneByteJson(target.toString('latin1', 0, grown), escapes, found.map((entry) => entry.chars));
}

interface NonAscii {
  at: number;
  length: number;
  chars: string;
}

// Every character of valid UTF-8 bytes that is not ASCII, where it starts and its byte length,
// found by halving the stretches isAscii refuses down to 256 bytes, which are read byte by byte.
// Undefined when one follows a backslash, or when there are so many (over a thousand, and more
// than one in 64 bytes: a text in another script) that decoding is the better way.
function nonAscii(bytes: Buffer): NonAscii[] | undefined {
  const found: NonAscii[] = [];
  const most = Math.max(1024, bytes.length / 64);
  // Where the next character starts: one may run on past the stretch it began in.
  let next = 0;
  const visit = (start: number, end: number): boolean => {
    if (end <= next || isAscii(bytes.subarray(Math.max(start, next), end))) return true;
    if (end - start > 256) {
      const middle = (start + end) >> 1;
      return visit(start, middle) && visit(middle, end);
    }
    for (let at = Math.max(start, next); at < end; at += 1) {
      const lead = bytes[at] ?? 0;
      if (lead < 0x80) continue;
      // After an odd number of backslashes the escape would be read as text (see the top).
      let backslashes = 0;
      while (bytes[at - backslashes - 1] === 0x5c) backslashes += 1;
      if (backslashes % 2 === 1) return false;
      const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
      found.push({ at, length, chars: bytes.toString('utf8', at, at + length) });
      if (found.length > most) return false;
      at += length - 1;
      next = at + 1;
    }
    return true;
  };
  return visit(0, bytes.length) ? found : undefined;
}

const escapeOf = (chars: string): string => {
  let escape = '';
  for (let index = 0; index < chars.length; index += 1) escape += `\\u${chars.charCodeAt(index).toString(16).padStart(4, '0')}`;
  return escape;
};

function looksLikeJson(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === 0x7b || byte === 0x5b;
  }
  return false;
}
