/**
 * The arguments of `trident breaking`, and the documents it compares read ahead: the `trident`
 * command starts reading them (on libuv's thread pool) before it loads the command line and the
 * gate (./trident.ts), and the gate takes the bytes read when it starts. On two 11 MB documents this takes the reads, and readFileSync's own
 * decoding, off the time the gate waits. A JSON document is decoded to its one-byte form
 * (decodeText), with its escapes written in the memory it was read into while they fit in the
 * room left after it (64 KB), else in a copy.
 */
import { closeSync, fstatSync, openSync, read, statSync } from 'node:fs';
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

/**
 * The documents read ahead, in order. The first one's read starts at once, into memory sized for
 * the larger of the two; each next one is read into the memory of the one before, once that one is
 * decoded (a copy), since memory touched for the first time costs more here than reading it.
 */
let ahead: { paths: string[]; first: Promise<Read | undefined> } | undefined;

interface Read {
  buffer: Buffer;
  length: number;
}

/** Starts reading the two documents of `trident breaking OLD NEW`; anything else is left alone. */
export function readAhead(argv: string[], cwd = process.cwd()): void {
  let positionals: string[];
  try {
    positionals = parseArgs({ args: argv, allowPositionals: true, options: breakingOptions }).positionals;
  } catch {
    return;
  }
  if (positionals.length !== 2) return;
  const paths = [...new Set(positionals.map((path) => resolve(cwd, path)))];
  const largest = Math.max(0, ...paths.map(regularFileSize));
  ahead = { paths, first: readWhole(paths[0] ?? '', undefined, largest) };
}

/**
 * The texts of the files read ahead, by absolute path. One that was not read (not there, not a
 * regular file such as a pipe, or too large for a string) is left out: the gate reads it itself,
 * and says what is wrong.
 */
export async function readAheadTexts(): Promise<Map<string, SourceText>> {
  const texts = new Map<string, SourceText>();
  if (ahead === undefined) return texts;
  const { paths, first } = ahead;
  ahead = undefined;
  let memory: Buffer | undefined;
  for (const [index, path] of paths.entries()) {
    const read = await (index === 0 ? first : readWhole(path, memory));
    if (read === undefined) continue;
    memory = read.buffer;
    try {
      texts.set(path, decodeText(read.buffer, read.length));
    } catch {
      // Longer than a string may be.
    }
  }
  // The texts are copies: the memory read into goes back at once, rather than whenever a collection
  // of the old generation (where reading ahead of the gate's modules leaves the buffer) finds it.
  // A Node without ArrayBuffer's transfer leaves it to that collection.
  if (memory !== undefined && memory.byteOffset === 0 && memory.buffer instanceof ArrayBuffer && memory.buffer.byteLength === memory.length) memory.buffer.transfer?.(0);
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

const escapeRoom = 65536;

// A regular file, whole, in one read of its size (a short read reads on): its bytes are the first
// `length` of `buffer`, which is `into` when that has room for them, else new memory for at least
// `atLeast` bytes. Opening it and asking its size are system calls that return at once; the read
// itself runs on libuv's thread pool from the start, and the main thread only takes its end, so
// the bytes arrive while the main thread is busy loading modules.
function readWhole(path: string, into?: Buffer, atLeast = 0): Promise<Read | undefined> {
  // Anything but a regular file (a pipe) is not even opened: the gate reads it itself.
  if (regularFileSize(path) === 0) return Promise.resolve(undefined);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise<Read | undefined>((settle) => {
    const done = (result: Read | undefined): void => {
      try {
        closeSync(fd);
      } catch {
        // Closed already; the bytes read are what matters.
      }
      settle(result);
    };
    let size: number;
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) return done(undefined);
      size = stat.size;
    } catch {
      return done(undefined);
    }
    // Room after the bytes for the escapes of a JSON document's other characters.
    const buffer = into !== undefined && into.length >= size + escapeRoom ? into : Buffer.allocUnsafe(Math.max(size, atLeast) + escapeRoom);
    const readFrom = (offset: number): void => {
      if (offset >= size) return done({ buffer, length: offset });
      read(fd, buffer, offset, size - offset, offset, (error, bytesRead) => {
        if (error) return done(undefined);
        if (bytesRead === 0) return done({ buffer, length: offset });
        readFrom(offset + bytesRead);
      });
    };
    readFrom(0);
  });
}
