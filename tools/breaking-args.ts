/**
 * The arguments of `trident breaking`, and the documents it compares read ahead: the `trident`
 * command starts reading them (on libuv's thread pool) before it loads the command line and the
 * gate (./trident.ts), and the gate takes the bytes read when it starts. On two 11 MB documents
 * this takes the reads, and readFileSync's own decoding, off the time the gate waits. A JSON
 * document is decoded to its one-byte form (decodeText), with its escapes written in the memory it
 * was read into while they fit in the room left after it (64 KB), else in a copy.
 */
import { closeSync, openSync, read, statSync } from 'node:fs';
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

const escapeRoom = 65536;

/**
 * The documents read ahead, in order, each with its size (0 for anything but a regular file, which
 * is not read ahead). One memory, sized for the larger, takes each in turn: the first one's read
 * starts at once, the next once the one before is decoded (a copy), since memory touched for the
 * first time costs more here than reading it.
 */
let ahead: { files: Array<{ path: string; size: number }>; memory: Buffer; first: Promise<number | undefined> } | undefined;

/** Starts reading the two documents of `trident breaking OLD NEW`; anything else is left alone. */
export function readAhead(argv: string[], cwd = process.cwd()): void {
  let positionals: string[];
  try {
    positionals = parseArgs({ args: argv, allowPositionals: true, options: breakingOptions }).positionals;
  } catch {
    return;
  }
  if (positionals.length !== 2) return;
  const files = [...new Set(positionals.map((path) => resolve(cwd, path)))].map((path) => ({ path, size: regularFileSize(path) }));
  const largest = Math.max(...files.map((file) => file.size));
  if (largest === 0) return;
  // Room after the bytes for the escapes of a JSON document's other characters (and never a slice
  // of Node's shared pool, so that the memory can be given back below).
  const memory = Buffer.allocUnsafe(largest + escapeRoom);
  ahead = { files, memory, first: readInto(files[0] ?? { path: '', size: 0 }, memory) };
}

/**
 * The texts of the files read ahead, by absolute path. One that was not read (not there, not a
 * regular file such as a pipe, or too large for a string) is left out: the gate reads it itself,
 * and says what is wrong.
 */
export async function readAheadTexts(): Promise<Map<string, SourceText>> {
  const texts = new Map<string, SourceText>();
  if (ahead === undefined) return texts;
  const { files, memory, first } = ahead;
  ahead = undefined;
  for (const [index, file] of files.entries()) {
    const length = await (index === 0 ? first : readInto(file, memory));
    if (length === undefined) continue;
    try {
      texts.set(file.path, decodeText(memory, length));
    } catch {
      // Longer than a string may be.
    }
  }
  // The texts are copies: the memory read into goes back at once, rather than whenever a collection
  // of the old generation (where reading ahead of the gate's modules leaves the buffer) finds it.
  // A Node without ArrayBuffer's transfer leaves it to that collection.
  if (memory.buffer instanceof ArrayBuffer) memory.buffer.transfer?.(0);
  return texts;
}

// The size of a regular file; 0 for anything else or nothing.
function regularFileSize(path: string): number {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : 0;
  } catch {
    return 0;
  }
}

// A regular file, whole, in one read of its size (a short read reads on) into the start of
// `memory`; resolves to the number of bytes read. Opening it is a system call that returns at once;
// the read runs on libuv's thread pool from the start, and the main thread only takes its end, so
// the bytes arrive while the main thread is busy loading modules.
function readInto({ path, size }: { path: string; size: number }, memory: Buffer): Promise<number | undefined> {
  if (size === 0) return Promise.resolve(undefined);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((settle) => {
    const done = (length: number | undefined): void => {
      closeSync(fd);
      settle(length);
    };
    const readFrom = (offset: number): void => {
      if (offset >= size) return done(offset);
      read(fd, memory, offset, size - offset, offset, (error, bytesRead) => {
        if (error) return done(undefined);
        if (bytesRead === 0) return done(offset);
        readFrom(offset + bytesRead);
      });
    };
    readFrom(0);
  });
}
