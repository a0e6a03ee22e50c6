/**
 * The arguments of `trident breaking`, and the documents it compares read ahead: the command line
 * starts reading them (on libuv's thread pool) before it loads the gate, and the gate takes the
 * bytes read when it starts. On two 11 MB documents this takes the reads, and readFileSync's own
 * decoding, off the time the gate waits. A JSON document is decoded to its one-byte form
 * (decodeText), with its escapes written in the memory it was read into while they fit in the
 * room left after it (64 KB), else in a copy.
 */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeText, type SourceText } from '../src/compiler/source-text.ts';

/** The options of `trident breaking` (parseArgs). */
export const breakingOptions = {
  base: { type: 'string' },
  'fail-on': { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string' },
  crosscheck: { type: 'boolean' },
  today: { type: 'string' },
  verbose: { type: 'boolean' },
  rules: { type: 'boolean' },
  'accept-renumbering': { type: 'boolean' },
} as const;

const reading = new Map<string, Promise<{ buffer: Buffer; length: number } | undefined>>();

/** Starts reading the two documents of `trident breaking OLD NEW`; anything else is left alone. */
export function readAhead(argv: string[], cwd = process.cwd()): void {
  let positionals: string[];
  try {
    positionals = parseArgs({ args: argv, allowPositionals: true, options: breakingOptions }).positionals;
  } catch {
    return;
  }
  if (positionals.length !== 2) return;
  for (const path of positionals) {
    const absolute = resolve(cwd, path);
    if (!reading.has(absolute)) reading.set(absolute, readWhole(absolute));
  }
}

/**
 * The texts of the files read ahead, by absolute path. One that was not read (not there, not a
 * regular file such as a pipe, or too large for a string) is left out: the gate reads it itself,
 * and says what is wrong.
 */
export async function readAheadTexts(): Promise<Map<string, SourceText>> {
  const texts = new Map<string, SourceText>();
  for (const [path, bytes] of reading) {
    const read = await bytes;
    if (read === undefined) continue;
    try {
      texts.set(path, decodeText(read.buffer, read.length));
    } catch {
      // Longer than a string may be.
    }
  }
  reading.clear();
  return texts;
}

const escapeRoom = 65536;

// A regular file, whole, in one read of its size (a short read reads on), off the main thread:
// its bytes are the first `length` of `buffer`.
async function readWhole(path: string): Promise<{ buffer: Buffer; length: number } | undefined> {
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return undefined;
      const { size } = stat;
      // Room after the bytes for the escapes of a JSON document's other characters.
      const buffer = Buffer.allocUnsafe(size + escapeRoom);
      let offset = 0;
      while (offset < size) {
        const { bytesRead } = await handle.read(buffer, offset, size - offset, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
      return { buffer, length: offset };
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
